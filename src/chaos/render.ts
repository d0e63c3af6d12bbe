// Pure renderers for chaos results: timeline lines, the table, the verdict,
// the versioned JSON document (docs/chaos-result-json.md) and JUnit XML.
// No I/O and no colours here; the command decides where text goes.
import Table from 'cli-table3';
import { formatDuration } from '../shared/duration.ts';
import type { ChaosResult, TimelineEvent } from './engine-types.ts';
import { describeUndo } from './rollback.ts';
import { exitCodeFor } from './engine.ts';
import type { Experiment } from './experiment-schema.ts';
import { printable } from '../inputs/printable.ts';
import type { TargetSelector } from './fault.ts';

const offset = (at: number, start: number) => `+${((at - start) / 1000).toFixed(2)}s`;

export function describeSelector(s: TargetSelector): string {
  if ('container' in s) return `container ${s.container}`;
  if ('names' in s) return `compose service ${s.service}, else ${s.names.join(' / ')}`;
  return `compose ${s.project}/${s.service}`;
}

/** One timeline line per event worth a line; null for the rest (probe rounds are summarised). */
export function eventLine(event: TimelineEvent, startedAt: number): string | null {
  const t = offset(event.at, startedAt);
  switch (event.type) {
    case 'resolved':
      return `${t} targets: ${event.targets.map((x) => `${x.ref} = ${x.containers.map((c) => `${c.name} (${c.id.slice(0, 12)})`).join(', ')}`).join('; ')}`;
    case 'steady-state':
      return `${t} steady state ${event.ok ? 'green' : 'NOT met, nothing injected'}: ${event.results.map((r) => `${r.ok ? 'ok' : 'FAIL'} ${r.name} (${r.detail})`).join('; ')}`;
    case 'planned': return null;
    case 'injected': return `${t} injected: ${event.intent} (hold ${formatDuration(event.durationMs)})`;
    case 'step-failed': return `${t} step failed: ${event.message}`;
    case 'interrupted': return `${t} interrupted during ${event.phase}`;
    case 'rollback-started': return `${t} rolling back ${event.undos} step(s)`;
    case 'undo': return `${t}   ${event.gone ? 'nothing to restore (container removed)' : event.ok ? 'undone' : 'UNDO FAILED'}: ${describeUndo(event.spec)}${event.error ? ` (${event.error})` : ''}`;
    case 'rolled-back': return `${t} rolled back${event.failures > 0 ? ` with ${event.failures} failure(s)` : ''}`;
    case 'observed': return `${t} observed: ${Object.entries(event.observations).map(([k, v]) => `${k}=${String(v)}`).join(', ')}`;
    case 'probe-round': return null;
    case 'recovered': return `${t} recovered: probes healthy ${formatDuration(event.recoveryMs)} after rollback`;
    case 'not-recovered': return `${t} NOT recovered after ${formatDuration(event.waitedMs)} of probing`;
  }
}

export function verdictWord(result: Pick<ChaosResult, 'status' | 'rollbackFailures'>): string {
  if (result.rollbackFailures.length > 0) return 'ROLLBACK FAILED';
  return { passed: 'PASS', failed: 'FAIL', 'steady-state-failed': 'NOT STARTED', interrupted: 'INTERRUPTED', error: 'ERROR' }[result.status];
}

export function verdictLine(result: ChaosResult): string {
  const r = result.recovery;
  const word = verdictWord(result);
  switch (result.status) {
    case 'passed':
    case 'failed':
      return r.measuredMs === null
        ? `${word}: ${result.experiment} never recovered within ${formatDuration(r.maxWaitMs)} (target ${formatDuration(r.targetMs)})`
        : `${word}: ${result.experiment} recovered in ${formatDuration(r.measuredMs)} (target ${formatDuration(r.targetMs)})`;
    case 'steady-state-failed': return `${word}: ${result.experiment}: steady state not met before injecting; nothing was changed`;
    case 'interrupted': return `${word}: ${result.experiment} was interrupted; ${result.rollbackFailures.length > 0 ? 'rollback INCOMPLETE' : 'everything was rolled back'}`;
    case 'error': return `${word}: ${result.experiment}: ${result.error?.message ?? 'failed'}`;
  }
}

export function renderTable(result: ChaosResult): string {
  const tl = result.timeline;
  const at = (ms: number | null) => (ms === null ? '-' : `${new Date(ms).toISOString().slice(11, 23)} (${offset(ms, tl.startedAt)})`);
  const table = new Table({ style: { head: [], border: [] } });
  const modes = result.steps.flatMap((s) => (s.fault.kind === 'stop' ? [s.fault.mode] : []));
  table.push(
    ['experiment', result.experiment],
    ...(modes.length > 0 ? [['mode', modes.join(', ')]] : []),
    ['targets', result.targets.map((t) => `${t.ref}: ${t.containers.map((c) => c.name).join(', ')}`).join('\n') || '-'],
    ['steady state', result.steadyState.length === 0 ? '-' : result.steadyState.every((p) => p.ok) ? 'green' : 'not met'],
    ['injected at', at(tl.injectedAt)],
    ['rolled back at', at(tl.rolledBackAt)],
    ['recovered at', at(tl.recoveredAt)],
    ['recovery time', result.recovery.measuredMs === null ? '-' : formatDuration(result.recovery.measuredMs)],
    ['target', `< ${formatDuration(result.recovery.targetMs)} (${result.recovery.healthyRounds} healthy rounds, every ${formatDuration(result.recovery.intervalMs)})`],
    ['probe rounds', String(result.recovery.rounds)],
    ...result.steps.filter((s) => s.observations).map((s) => [`observed (${s.name})`, Object.entries(s.observations ?? {}).map(([k, v]) => `${k}=${String(v)}`).join(', ')]),
    ['rollback', result.rollbackFailures.length === 0 ? 'complete' : result.rollbackFailures.map((f) => `FAILED ${f.undo}: ${f.message}`).join('\n')],
    ['verdict', verdictWord(result)],
  );
  return table.toString();
}

export interface PlanView {
  endpoint: string;
  targets: Array<{ ref: string; selector: TargetSelector; containers: Array<{ id: string; name: string }> }>;
  steps: Array<{ name: string; durationMs: number; intent: string; undoLines: string[] }>;
}

export function renderPlan(experiment: Experiment, plan: PlanView): string {
  const lines = [`experiment ${experiment.name}: ${printable(experiment.description)}`, `docker endpoint: ${plan.endpoint}`, 'targets:'];
  for (const t of plan.targets) {
    lines.push(`  ${t.ref} (${describeSelector(t.selector)}): ${t.containers.map((c) => `${c.name} (${c.id.slice(0, 12)})`).join(', ')}`);
  }
  lines.push('steady-state probes:', ...experiment.probes.map((p) => `  ${p.name}`), 'steps:');
  plan.steps.forEach((s, i) => {
    lines.push(`  ${i + 1}. ${s.intent} [hold ${formatDuration(s.durationMs)}]`);
    lines.push(...s.undoLines.map((u) => `     undo: ${u}`));
  });
  const r = experiment.recovery;
  lines.push(`recovery: probes every ${formatDuration(r.intervalMs)}, ${r.healthyRounds} healthy rounds in a row, target ${formatDuration(r.targetMs)}, give up after ${formatDuration(r.maxWaitMs)}`);
  return lines.join('\n');
}

export function resultDocument(result: ChaosResult, experiment: Experiment, extra: { endpoint: string; runDir: string | null }) {
  return {
    schema: 'loadctl/chaos-result',
    version: 1,
    experiment: { name: experiment.name, description: experiment.description, file: experiment.file },
    runId: result.runId,
    status: result.status,
    verdict: verdictWord(result),
    exitCode: exitCodeFor(result),
    endpoint: extra.endpoint,
    runDir: extra.runDir,
    targets: result.targets,
    steadyState: result.steadyState,
    steps: result.steps,
    timeline: result.timeline,
    recovery: { ...result.recovery, met: result.recovery.measuredMs === null ? (result.status === 'failed' ? false : null) : result.recovery.measuredMs <= result.recovery.targetMs },
    rollback: { complete: result.rollbackFailures.length === 0, failures: result.rollbackFailures },
    error: result.error ?? null,
    events: result.events,
  };
}

const xml = (s: string) => s.replace(/[<>&"']/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;' })[c] as string);

export function renderJunit(result: ChaosResult): string {
  const cases: Array<{ name: string; failure?: string; skipped?: boolean }> = [];
  const ss = result.steadyState;
  cases.push(ss.length === 0 ? { name: 'steady state', skipped: true } : ss.every((p) => p.ok) ? { name: 'steady state' }
    : { name: 'steady state', failure: ss.filter((p) => !p.ok).map((p) => `${p.name}: ${p.detail}`).join('; ') });
  result.steps.forEach((s) => cases.push(s.injectedAt === undefined
    ? { name: `inject: ${s.name}`, ...(result.error ? { failure: result.error.message } : { skipped: true }) }
    : { name: `inject: ${s.name}` }));
  cases.push(result.rollbackFailures.length === 0 ? { name: 'rollback' } : { name: 'rollback', failure: result.rollbackFailures.map((f) => `${f.undo}: ${f.message}`).join('; ') });
  const r = result.recovery;
  const recoveryName = `recovery < ${formatDuration(r.targetMs)}`;
  if (result.status === 'passed' || result.status === 'failed') {
    cases.push(r.measuredMs !== null && r.measuredMs <= r.targetMs ? { name: recoveryName }
      : { name: recoveryName, failure: r.measuredMs === null ? `never recovered within ${formatDuration(r.maxWaitMs)}` : `recovered in ${formatDuration(r.measuredMs)}` });
  } else {
    cases.push({ name: recoveryName, ...(result.status === 'interrupted' ? { failure: 'interrupted' } : { skipped: true }) });
  }
  const failures = cases.filter((c) => c.failure !== undefined).length;
  const seconds = ((result.timeline.finishedAt - result.timeline.startedAt) / 1000).toFixed(3);
  const body = cases.map((c) => `    <testcase classname="chaos.${xml(result.experiment)}" name="${xml(c.name)}">${
    c.failure !== undefined ? `<failure message="${xml(c.failure)}"/>` : c.skipped ? '<skipped/>' : ''}</testcase>`);
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="loadctl chaos" tests="${cases.length}" failures="${failures}" time="${seconds}">`,
    `  <testsuite name="chaos ${xml(result.experiment)}" tests="${cases.length}" failures="${failures}" skipped="${cases.filter((c) => c.skipped).length}" time="${seconds}">`,
    ...body,
    '  </testsuite>',
    '</testsuites>',
    '',
  ].join('\n');
}

/** A short markdown block for CI job summaries ($GITHUB_STEP_SUMMARY). */
export function renderMarkdown(result: ChaosResult): string {
  const tl = result.timeline;
  const rel = (ms: number | null) => (ms === null ? '-' : offset(ms, tl.startedAt));
  const r = result.recovery;
  const rows = [
    ['verdict', `**${verdictWord(result)}**`],
    ['targets', result.targets.map((t) => `${t.ref}: ${t.containers.map((c) => `\`${c.name}\``).join(', ')}`).join('; ') || '-'],
    ...result.steps.map((s) => [`step: ${s.name}`, s.intent ?? '-']),
    ['injected at', rel(tl.injectedAt)],
    ['rolled back at', rel(tl.rolledBackAt)],
    ['recovered at', rel(tl.recoveredAt)],
    ['recovery time', `${r.measuredMs === null ? '-' : formatDuration(r.measuredMs)} (target < ${formatDuration(r.targetMs)})`],
    ['rollback', result.rollbackFailures.length === 0 ? 'complete' : `${result.rollbackFailures.length} undo(s) FAILED: run \`loadctl chaos recover\``],
  ];
  const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
  return [`### loadctl chaos ${result.experiment}`, '', '| | |', '|---|---|', ...rows.map(([k, v]) => `| ${cell(k ?? '')} | ${cell(v ?? '')} |`), '', verdictLine(result), ''].join('\n');
}
