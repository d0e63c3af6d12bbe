// Phases and recovery as markdown: for the terminal after a chaos run, for
// $GITHUB_STEP_SUMMARY, and for `loadctl report --phases`. Pure.
import { formatMs, formatRate, formatSeconds, mdCell } from './format.ts';
import type { PhasesBlock } from './result-phases.ts';

export function phasesMarkdown(block: PhasesBlock): string {
  const lines = ['| Phase | Seconds | Requests | Error rate | p95 | p99 | Verdict |', '|---|---:|---:|---:|---:|---:|---|'];
  for (const p of block.phases) {
    const verdict = p.verdict === 'no-data' ? 'no data' : `${p.verdict.toUpperCase()}${p.reasons.length ? `: ${p.reasons.join('; ')}` : ''}`;
    lines.push(`| ${[p.phase, String(p.seconds), String(p.requests), formatRate(p.errorRate), formatMs(p.p95), formatMs(p.p99), verdict].map(mdCell).join(' | ')} |`);
  }
  const r = block.recovery;
  const users = r.recovered ? formatSeconds(r.userRecoverySeconds) : `never (watched ${formatSeconds(r.observedAfterRollbackSeconds)})`;
  const gap = r.gapSeconds === null ? '' : `; users suffered ${formatSeconds(r.gapSeconds)} after the containers looked healthy`;
  lines.push('', `**Recovery (${mdCell(r.experiment)}): ${r.verdict === 'pass' ? 'PASS' : 'FAIL'}**: users ${users}, containers ${formatSeconds(r.containerRecoverySeconds)}${gap} (target < ${r.targetSeconds} s).`);
  return `${lines.join('\n')}\n`;
}
