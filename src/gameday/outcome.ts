// A game day's figures and verdicts, decided from plain data: one row per
// experiment from its run's result document (or from why it did not run),
// the table and the exit code. Pure; no file, process or clock.
import { ExitCode, type ExitCodeValue } from '../errors.ts';
import { formatRate, formatSeconds, mdCell } from '../report/format.ts';
import { checkProblems, checksOf, gatesCell, invariantsCell, type ChecksDoc, type RowChecks } from './checks.ts';

export type GameDayVerdict = 'PASS' | 'FAIL' | 'SKIPPED' | 'ERROR' | 'INTERRUPTED' | 'NOT RUN';

export interface GameDayRow {
  experiment: string;
  /** What the fault does, e.g. "stop redis". */
  fault: string;
  holdSeconds: number;
  userRecoverySeconds: number | null;
  probeRecoverySeconds: number | null;
  /** Error rate users saw while the fault was on. */
  faultErrorRate: number | null;
  verdict: GameDayVerdict;
  reason: string;
  /** The run folder, relative to the game day's folder (for the HTML links). */
  runDir?: string;
  /** The run's Prometheus gates (null: no Prometheus) and invariants; absent when no run was made. */
  gates?: RowChecks['gates'];
  invariants?: RowChecks['invariants'];
}

/** The slice of a run's result document (docs/result-json-phases.md) a row is made from. */
export interface RunDoc extends ChecksDoc {
  phases?: Array<{ phase: string; errorRate: number | null; requests: number }>;
  recovery?: { recovered: boolean; userRecoverySeconds: number | null; containerRecoverySeconds: number | null; verdict: string; reason: string };
  chaos?: { ran: boolean; reason?: string; status?: string; containerRecoveryMs?: number | null; rollbackComplete?: boolean; error?: { message?: string } | null };
}

export interface RowInput {
  experiment: string;
  fault: string;
  holdSeconds: number;
  relativeRunDir?: string;
}

/** Pure: the row for an experiment whose run ended with this document. */
export function rowFromRun(input: RowInput, doc: RunDoc): GameDayRow {
  const fault = doc.phases?.find((p) => p.phase === 'fault');
  const r = doc.recovery;
  const c = doc.chaos;
  const checks = checksOf(doc);
  const probeMs = c?.containerRecoveryMs ?? null;
  const base = {
    experiment: input.experiment, fault: input.fault, holdSeconds: input.holdSeconds,
    userRecoverySeconds: r?.recovered ? r.userRecoverySeconds : null,
    probeRecoverySeconds: r?.containerRecoverySeconds ?? (probeMs === null ? null : probeMs / 1000),
    faultErrorRate: fault && fault.requests > 0 ? fault.errorRate : null,
    ...(input.relativeRunDir ? { runDir: input.relativeRunDir } : {}),
    ...checks,
  };
  const verdict = (v: GameDayVerdict, reason: string): GameDayRow => ({ ...base, verdict: v, reason });
  const judged = recoveryVerdict(doc, verdict);
  // Recovered is not enough: a failed gate or a broken invariant fails the experiment, with its reason.
  const problems = checkProblems(checks);
  if (problems.length === 0 || (judged.verdict !== 'PASS' && judged.verdict !== 'FAIL')) return judged;
  const reasons = problems.map((p) => p.reason).join('; ');
  if (judged.verdict === 'FAIL') return verdict('FAIL', `${judged.reason}; ${reasons}`);
  return verdict(problems.every((p) => p.error) ? 'ERROR' : 'FAIL', reasons);
}

function recoveryVerdict(doc: RunDoc, verdict: (v: GameDayVerdict, reason: string) => GameDayRow): GameDayRow {
  const r = doc.recovery;
  const c = doc.chaos;
  if (!c || !c.ran) return verdict('ERROR', `not injected: ${c?.reason ?? 'the experiment never started'}`);
  if (c.rollbackComplete === false) return verdict('ERROR', 'rollback incomplete: run `loadctl chaos recover`');
  if (c.status === 'interrupted') return verdict('INTERRUPTED', 'interrupted; every fault was rolled back');
  if (c.status === 'error' || c.status === 'steady-state-failed') {
    return verdict('ERROR', c.status === 'error' ? c.error?.message ?? 'the experiment failed' : 'steady state not met before injecting; nothing was broken');
  }
  if (!r) return verdict('FAIL', "users' recovery could not be measured (no live data)");
  if (c.status !== 'passed') return verdict('FAIL', `probes: containers did not recover within the target${r.verdict === 'pass' ? '' : `; users: ${r.reason}`}`);
  return r.verdict === 'pass' ? verdict('PASS', r.reason) : verdict('FAIL', r.reason);
}

/** A row for an experiment that did not produce a run: skipped, refused, interrupted or never reached. */
export function rowWithout(input: RowInput, verdict: Exclude<GameDayVerdict, 'PASS' | 'FAIL'>, reason: string): GameDayRow {
  return { experiment: input.experiment, fault: input.fault, holdSeconds: input.holdSeconds, userRecoverySeconds: null, probeRecoverySeconds: null, faultErrorRate: null, verdict, reason };
}

/**
 * `--strict`: nothing unverified passes. An experiment that passed while one
 * of its invariants could not be checked (a PromQL one with no Prometheus
 * given) fails, naming them; skipped experiments fail the day in
 * gameDayExitCode.
 */
export function strictRows(rows: readonly GameDayRow[]): GameDayRow[] {
  return rows.map((r) => {
    const unchecked = r.verdict === 'PASS' ? (r.invariants ?? []).filter((i) => i.status === 'skipped') : [];
    if (unchecked.length === 0) return r;
    const what = unchecked.map((i) => `${i.name} (${i.reason.replace(/^not checked: /, '')})`).join(', ');
    return { ...r, verdict: 'FAIL', reason: `--strict: invariant not checked: ${what}` };
  });
}

/**
 * 0 only when every experiment that could run here passed: its recovery
 * target, and its Prometheus gates and invariants where they were judged.
 * A skipped experiment is never a pass: with `strict` it fails the day too.
 */
export function gameDayExitCode(rows: readonly GameDayRow[], options: { strict: boolean }): ExitCodeValue {
  const has = (v: GameDayVerdict) => rows.some((r) => r.verdict === v);
  if (has('INTERRUPTED')) return ExitCode.Interrupted;
  if (has('ERROR')) return ExitCode.Environment;
  if (has('FAIL') || has('NOT RUN')) return ExitCode.Failed;
  if (options.strict && has('SKIPPED')) return ExitCode.Failed;
  return rows.some((r) => r.verdict === 'PASS') ? ExitCode.Ok : ExitCode.Failed;
}

export function summaryLine(rows: readonly GameDayRow[], code: ExitCodeValue): string {
  const count = (v: GameDayVerdict) => rows.filter((r) => r.verdict === v).length;
  const parts = (['PASS', 'FAIL', 'ERROR', 'SKIPPED', 'INTERRUPTED', 'NOT RUN'] as const)
    .filter((v) => count(v) > 0).map((v) => `${count(v)} ${v === 'PASS' ? 'passed' : v === 'SKIPPED' ? 'skipped (not tested here, not passed)' : v.toLowerCase()}`);
  return `game day: ${parts.join(', ')} of ${rows.length}; ${code === ExitCode.Ok ? 'every experiment that ran recovered in time with its gates and invariants held' : 'NOT every experiment passed'}`;
}

export const experimentTableHead = ['Experiment', 'Fault', 'Hold', "Users' recovery", "Probes' recovery", 'Error rate during fault', 'Prometheus gates', 'Invariants', 'Verdict'];

export function experimentCells(r: GameDayRow): string[] {
  return [
    r.experiment, r.fault, formatSeconds(r.holdSeconds), formatSeconds(r.userRecoverySeconds), formatSeconds(r.probeRecoverySeconds),
    formatRate(r.faultErrorRate), r.gates === undefined ? '-' : gatesCell(r.gates), r.invariants === undefined ? '-' : invariantsCell(r.invariants),
    r.verdict === 'PASS' ? 'PASS' : `${r.verdict}: ${r.reason}`,
  ];
}

/** The per-experiment table as markdown (for the step summary and the game day's folder). */
export function experimentTable(rows: readonly GameDayRow[]): string {
  const lines = [`| ${experimentTableHead.join(' | ')} |`, '|---|---|---:|---:|---:|---:|---|---|---|'];
  for (const r of rows) lines.push(`| ${experimentCells(r).map(mdCell).join(' | ')} |`);
  return `${lines.join('\n')}\n`;
}
