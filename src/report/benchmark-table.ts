// The README's benchmark table (Scenario | VUs | P99 latency | Error rate |
// Notes) as markdown, one row per run folder. Pure.
import type { RunRecord } from './run-record.ts';

export function formatMs(ms: number | null): string {
  if (ms === null) return 'n/a';
  if (ms >= 1000) return `${(ms / 1000).toFixed(2)} s`;
  if (ms >= 100) return `${Math.round(ms)} ms`;
  return `${ms.toFixed(1)} ms`;
}

export function formatRate(rate: number | null): string {
  if (rate === null) return 'n/a';
  const p = rate * 100;
  return p === 0 ? '0 %' : p < 0.01 ? '< 0.01 %' : `${p.toFixed(2)} %`;
}

export function formatSeconds(s: number | null): string {
  return s === null ? 'n/a' : `${Number.isInteger(s) ? s : s.toFixed(1)} s`;
}

/** Markdown table cells cannot hold a pipe or a newline. */
export function mdCell(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
}

export function scenarioLabel(run: Pick<RunRecord, 'profile' | 'scenario'>): string {
  return run.profile === run.scenario ? run.profile : `${run.profile} (${run.scenario})`;
}

/** What a reader needs besides the numbers: the verdict, what failed, recovery. */
export function notesFor(run: RunRecord): string {
  const notes: string[] = [];
  if (run.aborted) notes.push('aborted');
  const failedTargets = run.targets.filter((t) => !t.passed).map((t) => t.name);
  const failedThresholds = run.thresholds.filter((t) => !t.ok).map((t) => `${t.metric} ${t.expression}`);
  if (run.verdict === 'pass') notes.push('PASS');
  else if (run.verdict === 'fail') notes.push('FAIL');
  if (failedTargets.length > 0) notes.push(`targets missed: ${failedTargets.join(', ')}`);
  if (failedThresholds.length > 0) notes.push(`k6 thresholds crossed: ${failedThresholds.join(', ')}`);
  const r = run.phases?.recovery;
  if (r) {
    const container = r.containerRecoverySeconds === null ? '' : `, containers ${formatSeconds(r.containerRecoverySeconds)}`;
    notes.push(r.recovered
      ? `${r.experiment}: users recovered in ${formatSeconds(r.userRecoverySeconds)}${container} (${r.verdict === 'pass' ? 'PASS' : 'FAIL'} < ${r.targetSeconds} s)`
      : `${r.experiment}: users never recovered within ${formatSeconds(r.observedAfterRollbackSeconds)}${container} (FAIL)`);
  }
  if (run.metrics.requestRate !== null) notes.push(`${Math.round(run.metrics.requestRate)} req/s`);
  return notes.join('; ');
}

export function benchmarkTable(runs: readonly RunRecord[]): string {
  const lines = ['| Scenario | VUs | P99 latency | Error rate | Notes |', '|---|---:|---:|---:|---|'];
  for (const run of runs) {
    const cells = [
      scenarioLabel(run),
      run.vus === null ? 'n/a' : run.vus.toLocaleString('en-US'),
      formatMs(run.metrics.p99),
      formatRate(run.metrics.errorRate),
      notesFor(run),
    ];
    lines.push(`| ${cells.map(mdCell).join(' | ')} |`);
  }
  return `${lines.join('\n')}\n`;
}
