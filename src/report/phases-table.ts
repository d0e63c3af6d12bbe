// Phases and recovery as markdown (for $GITHUB_STEP_SUMMARY and `loadctl
// report --phases`) and as plain lines for the terminal after a chaos run.
// With --runners the phases are the merged feed's; each runner's own share of
// the fault is shown beside them, so a reader sees the sum. Pure.
import type { PhaseName, PhaseStats } from '../live/phases.ts';
import { formatMs, formatRate, formatSeconds, mdCell, usersRecoveryText } from './format.ts';
import type { PhasesBlock } from './result-phases.ts';

const verdictText = (p: PhaseStats) => (p.verdict === 'no-data' ? 'no data' : `${p.verdict.toUpperCase()}${p.reasons.length ? `: ${p.reasons.join('; ')}` : ''}`);

/** Each runner's phases (series "runner:<id>"), in runner order; empty without --runners. */
export function runnerPhases(block: Pick<PhasesBlock, 'phasesBySeries'>): Array<{ runner: string; phases: PhaseStats[] }> {
  return Object.entries(block.phasesBySeries)
    .filter(([key]) => key.startsWith('runner:'))
    .map(([key, phases]) => ({ runner: key.slice('runner:'.length), phases }))
    .sort((a, b) => Number(a.runner) - Number(b.runner) || a.runner.localeCompare(b.runner));
}

const inPhase = (phases: readonly PhaseStats[], name: PhaseName) => phases.find((p) => p.phase === name);

export function phasesMarkdown(block: PhasesBlock): string {
  const lines = ['| Phase | Seconds | Requests | Error rate | p95 | p99 | Verdict |', '|---|---:|---:|---:|---:|---:|---|'];
  for (const p of block.phases) {
    lines.push(`| ${[p.phase, String(p.seconds), String(p.requests), formatRate(p.errorRate), formatMs(p.p95), formatMs(p.p99), verdictText(p)].map(mdCell).join(' | ')} |`);
  }
  const runners = runnerPhases(block);
  if (runners.length > 0) {
    lines.push('', `The phases above are the ${runners.length} runners' merged feed; each runner during the fault:`, '',
      '| Runner | Requests | Failed | Error rate | p99 |', '|---|---:|---:|---:|---:|');
    for (const r of runners) {
      const f = inPhase(r.phases, 'fault');
      lines.push(`| ${[`runner ${r.runner}`, String(f?.requests ?? 0), String(f?.failures ?? 0), formatRate(f?.errorRate ?? null), formatMs(f?.p99 ?? null)].map(mdCell).join(' | ')} |`);
    }
  }
  const r = block.recovery;
  const users = usersRecoveryText(r, `never (watched ${formatSeconds(r.observedAfterRollbackSeconds)})`);
  const gap = r.gapSeconds === null ? '' : `; users suffered ${formatSeconds(r.gapSeconds)} after the containers looked healthy`;
  const verdict = r.verdict === 'pass' ? 'PASS' : r.verdict === 'fail' ? 'FAIL' : 'NOT JUDGED';
  lines.push('', `**Recovery (${mdCell(r.experiment)}): ${verdict}**: users ${users}, containers ${formatSeconds(r.containerRecoverySeconds)}${gap} (target < ${r.targetSeconds} s).`);
  return `${lines.join('\n')}\n`;
}

/** The phases for the terminal: one line each, then each runner's share of the fault. */
export function phasesText(block: Pick<PhasesBlock, 'phases' | 'phasesBySeries'>): string {
  const runners = runnerPhases(block);
  const lines = [runners.length > 0 ? `phases (the ${runners.length} runners' merged feed):` : 'phases:'];
  for (const p of block.phases) {
    lines.push(`  ${p.phase.padEnd(8)} ${String(p.seconds).padStart(4)} s ${String(p.requests).padStart(8)} requests  errors ${formatRate(p.errorRate).padEnd(8)} p99 ${formatMs(p.p99).padEnd(8)} ${verdictText(p)}`);
  }
  if (runners.length > 0) {
    const fault = inPhase(block.phases, 'fault');
    const each = runners.map((r) => {
      const f = inPhase(r.phases, 'fault');
      return `runner ${r.runner} ${f?.failures ?? 0} of ${f?.requests ?? 0}`;
    });
    lines.push(`  failed during the fault: ${each.join(', ')} (merged ${fault?.failures ?? 0} of ${fault?.requests ?? 0})`);
  }
  return lines.join('\n');
}
