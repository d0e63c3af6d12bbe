// What live gates decide, given what the loop saw. Pure: the phase in force,
// which gates are judged now, one evaluation's classification, and the fold
// of a series of evaluations into "keep going" or "stop the run". No clock, no
// I/O (live.ts queries Prometheus and acts).
//
// The rule: a gate stops the run after `failures` failing evaluations in a
// row within one phase. A passing evaluation, one with no data, one that
// Prometheus did not answer, or a change of phase starts the count again, so
// one bad scrape never stops a run and a Prometheus that goes away never does.
import { compare, windowsFor, type Breach, type Gate, type SeriesSamples, type WindowName } from './gates.ts';
import { liveLookbackInside } from './lookback.ts';

/** Unix seconds of the marks a run under load goes through (undefined until reached). */
export interface LiveMarks {
  start: number;
  /** A chaos experiment was asked for (the phases are baseline/fault/recovery/after, not only run). */
  chaos: boolean;
  injectedAt?: number;
  rolledBackAt?: number;
  /** Users recovered (first of the healthy seconds), or the probes did when there is no feed. */
  recoveredAt?: number;
}

export interface LivePhase { name: WindowName; from: number }

/** The chaos phase in force at `now` (Unix seconds), or the run without chaos. */
export function livePhaseAt(m: LiveMarks): LivePhase {
  if (!m.chaos) return { name: 'run', from: m.start };
  if (m.injectedAt === undefined) return { name: 'baseline', from: m.start };
  if (m.rolledBackAt === undefined) return { name: 'fault', from: m.injectedAt };
  if (m.recoveredAt === undefined) return { name: 'recovery', from: m.rolledBackAt };
  return { name: 'after', from: m.recoveredAt };
}

/**
 * The window a gate is judged in at `now`, or null (not scoped to this
 * phase, or its look-back still reaches into the phase before).
 */
export function liveWindow(gate: Pick<Gate, 'scopes' | 'query'>, marks: LiveMarks, now: number): LivePhase | null {
  const { windows } = windowsFor(gate.scopes, marks.chaos);
  const phase = livePhaseAt(marks);
  if (windows.includes(phase.name)) return liveLookbackInside(phase.name, phase.from, now, gate.query) ? phase : null;
  if (windows.includes('run')) return { name: 'run', from: marks.start };
  return null;
}

export type EvaluationKind = 'pass' | 'fail' | 'no-data' | 'unanswered';

export interface LiveEvaluation {
  gate: string;
  /** Unix seconds. */
  at: number;
  window: WindowName;
  kind: EvaluationKind;
  /** The value furthest past the limit, when it failed. */
  worst?: Breach;
}

/** One instant query's answer as an evaluation: failing when any series breaks the comparison. */
export function classify(gate: Pick<Gate, 'name' | 'op' | 'value'>, window: WindowName, at: number, answer: readonly SeriesSamples[] | { error: string }): LiveEvaluation {
  if ('error' in answer) return { gate: gate.name, at, window, kind: 'unanswered' };
  let seen = false;
  let worst: Breach | undefined;
  for (const s of answer) {
    for (const [, value] of s.samples) {
      if (Number.isNaN(value)) continue;
      seen = true;
      if (compare(value, gate.op, gate.value)) continue;
      const further = worst === undefined || (gate.op.startsWith('<') ? value > worst.value : gate.op.startsWith('>') ? value < worst.value : false);
      if (further) worst = { at, value, labels: s.labels };
    }
  }
  if (!seen) return { gate: gate.name, at, window, kind: 'no-data' };
  return worst ? { gate: gate.name, at, window, kind: 'fail', worst } : { gate: gate.name, at, window, kind: 'pass' };
}

export interface LiveAbort {
  gate: string;
  /** Unix seconds of the evaluation that made it stop. */
  at: number;
  window: WindowName;
  /** The failing evaluations in a row, earliest first. */
  streak: LiveEvaluation[];
  /** The value (and series) of the evaluation that made it stop. */
  last: Breach;
}

/** Folds a series of evaluations (in time order, any gates) into the first abort, or null. */
export function decideLive(evaluations: readonly LiveEvaluation[], failures: number): LiveAbort | null {
  const streaks = new Map<string, LiveEvaluation[]>();
  for (const e of evaluations) {
    const streak = streaks.get(e.gate) ?? [];
    const sameWindow = streak.length === 0 || (streak[streak.length - 1] as LiveEvaluation).window === e.window;
    if (e.kind !== 'fail') { streaks.set(e.gate, []); continue; }
    const next = sameWindow ? [...streak, e] : [e];
    streaks.set(e.gate, next);
    if (next.length >= failures) {
      return { gate: e.gate, at: e.at, window: e.window, streak: next, last: e.worst as Breach };
    }
  }
  return null;
}

const fmt = (v: number) => (Number.isInteger(v) ? String(v) : String(Number(v.toPrecision(4))));

/** "Prometheus gate "x" stopped the run at t+18s: ...": the reason every output names. */
export function abortReason(abort: LiveAbort, gate: Pick<Gate, 'op' | 'value'>, runStart: number): string {
  const labels = Object.entries(abort.last.labels).map(([k, v]) => `${k}="${v}"`).join(',');
  return `Prometheus gate "${abort.gate}" stopped the run at t+${Math.max(0, Math.round(abort.at - runStart))}s: `
    + `${abort.streak.length} evaluations in a row broke ${gate.op} ${fmt(gate.value)} in ${abort.window} (last ${fmt(abort.last.value)}${labels ? `{${labels}}` : ''})`;
}
