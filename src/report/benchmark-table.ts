// The README's benchmark table (Scenario | VUs | P99 latency | Error rate |
// Notes) as markdown, one row per run folder. Pure.
import { formatMs, formatRate, formatSeconds, mdCell } from './format.ts';
import { scenarioLabel, type RunRecord } from './run-record.ts';

/** What a reader needs besides the numbers: the verdict, what failed, recovery. */
export function notesFor(run: RunRecord): string {
  const notes: string[] = [];
  if (run.capacity) notes.push(run.capacity);
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
      : r.verdict === 'not-judged' ? `${r.experiment}: users' recovery not judged (the load was stopped at the rollback)${container}`
        : `${r.experiment}: users never recovered within ${formatSeconds(r.observedAfterRollbackSeconds)}${container} (FAIL)`);
  }
  if (run.metrics.requestRate !== null) notes.push(`${Math.round(run.metrics.requestRate)} req/s`);
  if (typeof run.runners === 'number') notes.push(`${run.runners} runners, merged`);
  return notes.join('; ');
}

export const benchmarkHead = ['Scenario', 'VUs', 'P99 latency', 'Error rate', 'Notes'];

/** One run's cells, plain text (markdown and HTML escape them their own way). */
export function benchmarkCells(run: RunRecord): string[] {
  return [
    scenarioLabel(run),
    run.vus === null ? 'n/a' : run.vus.toLocaleString('en-US'),
    formatMs(run.metrics.p99),
    formatRate(run.metrics.errorRate),
    notesFor(run),
  ];
}

export function benchmarkTable(runs: readonly RunRecord[]): string {
  return benchmarkMarkdown(runs.map(benchmarkCells));
}

/** The table from cells a caller may have adjusted (the game day names each row's experiment). */
export function benchmarkMarkdown(rows: readonly string[][]): string {
  const lines = [`| ${benchmarkHead.join(' | ')} |`, '|---|---:|---:|---:|---|'];
  for (const cells of rows) lines.push(`| ${cells.map(mdCell).join(' | ')} |`);
  return `${lines.join('\n')}\n`;
}
