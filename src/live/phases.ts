// Phase and recovery maths: joins the per-second timeline from the live feed
// with the fault window from the chaos engine, and judges the system on the
// requests themselves. Pure: no clock, no I/O; every input is passed in.
import type { FaultWindow, SecondStats, Timeline } from './types.ts';

export interface RecoveryTargets {
  /** A second is healthy when its error rate is below this (fraction 0..1). */
  maxErrorRate: number;
  /** ...and its p99 latency is below this, in ms. */
  maxP99Ms: number;
  /** Recovered = the first of this many consecutive healthy seconds. */
  consecutiveSeconds: number;
  /** User-visible recovery must take less than this, in seconds. */
  maxRecoverySeconds: number;
}

export const defaultRecoveryTargets: RecoveryTargets = {
  maxErrorRate: 0.05,
  maxP99Ms: 2000,
  consecutiveSeconds: 5,
  maxRecoverySeconds: 30,
};

/**
 * Merges user settings (flags, profile) over the defaults and checks them.
 * Returns every problem at once, as data, for the caller to print.
 */
export function resolveRecoveryTargets(partial: Partial<RecoveryTargets>): { targets: RecoveryTargets; errors: string[] } {
  const targets = { ...defaultRecoveryTargets, ...stripUndefined(partial) };
  const errors: string[] = [];
  if (!(targets.maxErrorRate > 0 && targets.maxErrorRate <= 1)) errors.push(`recovery error-rate limit ${targets.maxErrorRate} must be a fraction in (0, 1], e.g. 0.05`);
  if (!(targets.maxP99Ms > 0)) errors.push(`recovery p99 limit ${targets.maxP99Ms} ms must be above 0`);
  if (!(Number.isInteger(targets.consecutiveSeconds) && targets.consecutiveSeconds >= 1)) {
    errors.push(`recovery window ${targets.consecutiveSeconds} must be a whole number of seconds, at least 1`);
  }
  if (!(targets.maxRecoverySeconds > 0)) errors.push(`recovery target ${targets.maxRecoverySeconds} s must be above 0`);
  return { targets, errors };
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

export type PhaseName = 'baseline' | 'fault' | 'recovery' | 'after';
export type PhaseVerdict = 'pass' | 'fail' | 'no-data';

export interface PhaseStats {
  phase: PhaseName;
  /** Unix seconds: first second in the phase, and the second after its last. */
  from: number;
  to: number;
  seconds: number;
  requests: number;
  failures: number;
  errorRate: number;
  /** Request-weighted mean of the per-second percentiles (see docs/result-json-phases.md). */
  p95: number | null;
  p99: number | null;
  /** Worst per-second p99: an upper bound for the phase's true p99. */
  p99Max: number | null;
  verdict: PhaseVerdict;
  /** Why it failed, one short phrase per target missed. */
  reasons: string[];
}

export interface RecoveryFigures {
  experiment: string;
  injectedAt: number;
  rolledBackAt: number;
  recovered: boolean;
  /**
   * Unix ms when users were served again. To the request when the timeline
   * has the exact feed's fail runs (see recoveryInstant); else the start of
   * the first of N consecutive healthy seconds.
   */
  userRecoveredAt: number | null;
  /** How userRecoveredAt was measured: 'request' (exact feed) or 'second' (per-second figures only); null when not recovered. */
  userRecoveryResolution?: 'request' | 'second' | null;
  /** From rollback to userRecoveredAt, in seconds (0 when users never noticed). */
  userRecoverySeconds: number | null;
  /** From rollback to the probes reporting healthy, in seconds. */
  containerRecoverySeconds: number | null;
  /** User minus container recovery: how long users still suffered after the containers looked healthy. */
  gapSeconds: number | null;
  /** Seconds of data after the rollback: how long we watched when it never recovered. */
  observedAfterRollbackSeconds: number;
  targetSeconds: number;
  /** 'not-judged' when the load ended with the rollback (a live gate stopped it), so there was no time to see users recover. */
  verdict: 'pass' | 'fail' | 'not-judged';
  reason: string;
}

export interface PhaseAnalysis {
  targets: RecoveryTargets;
  phases: PhaseStats[];
  /** The same phases per series ("name:<tag>", "scenario:<name>"); empty when the timeline has none. */
  bySeries: Record<string, PhaseStats[]>;
  recovery: RecoveryFigures;
}

/** True when users were served within the targets during second `s`. A second with no requests proves nothing, so it is not healthy. */
export function isHealthySecond(s: SecondStats, targets: Pick<RecoveryTargets, 'maxErrorRate' | 'maxP99Ms'>): boolean {
  return s.requests > 0 && s.errorRate < targets.maxErrorRate && s.p99 !== null && s.p99 < targets.maxP99Ms;
}

/**
 * Index of the first of `n` consecutive healthy seconds at or after `startIndex`,
 * or -1 when the data ends first.
 */
export function firstHealthyRun(seconds: readonly SecondStats[], startIndex: number, targets: RecoveryTargets): number {
  let run = 0;
  for (let i = Math.max(0, startIndex); i < seconds.length; i++) {
    const s = seconds[i] as SecondStats;
    run = isHealthySecond(s, targets) ? run + 1 : 0;
    if (run >= targets.consecutiveSeconds) return i - targets.consecutiveSeconds + 1;
  }
  return -1;
}

/** Request-weighted mean of one percentile over seconds that had requests. */
function weightedPercentile(seconds: readonly SecondStats[], key: 'p95' | 'p99'): number | null {
  let weight = 0;
  let sum = 0;
  for (const s of seconds) {
    const v = s[key];
    if (s.requests <= 0 || v === null) continue;
    weight += s.requests;
    sum += v * s.requests;
  }
  return weight === 0 ? null : sum / weight;
}

export function summarisePhase(
  phase: PhaseName,
  from: number,
  to: number,
  seconds: readonly SecondStats[],
  targets: Pick<RecoveryTargets, 'maxErrorRate' | 'maxP99Ms'>,
): PhaseStats {
  let requests = 0;
  let failures = 0;
  let p99Max: number | null = null;
  for (const s of seconds) {
    requests += s.requests;
    failures += s.failures;
    if (s.requests > 0 && s.p99 !== null) p99Max = p99Max === null ? s.p99 : Math.max(p99Max, s.p99);
  }
  const errorRate = requests === 0 ? 0 : failures / requests;
  const p95 = weightedPercentile(seconds, 'p95');
  const p99 = weightedPercentile(seconds, 'p99');
  const reasons: string[] = [];
  if (requests > 0 && errorRate >= targets.maxErrorRate) {
    reasons.push(`error rate ${pct(errorRate)} >= ${pct(targets.maxErrorRate)}`);
  }
  if (p99 !== null && p99 >= targets.maxP99Ms) reasons.push(`p99 ${Math.round(p99)} ms >= ${targets.maxP99Ms} ms`);
  const verdict: PhaseVerdict = requests === 0 ? 'no-data' : reasons.length > 0 ? 'fail' : 'pass';
  return { phase, from, to, seconds: to - from, requests, failures, errorRate, p95, p99, p99Max, verdict, reasons };
}

/**
 * Splits the timeline into baseline (before inject), fault (inject -> rollback),
 * recovery (rollback -> recovered) and after, and measures user-visible recovery.
 * A second belongs to the phase in force at its start, except that the second
 * in which a mark falls belongs to the phase that mark opens: the second of the
 * injection is a fault second, the second of the rollback a recovery second.
 */
export function analysePhases(
  timeline: Pick<Timeline, 'total'> & Partial<Pick<Timeline, 'series'>>,
  fault: FaultWindow,
  targets: RecoveryTargets = defaultRecoveryTargets,
): PhaseAnalysis {
  const seconds = timeline.total;
  const injectSecond = Math.floor(fault.injectedAt / 1000);
  const rollbackSecond = Math.floor(fault.rolledBackAt / 1000);
  const first = seconds[0]?.t ?? injectSecond;
  const end = seconds.length === 0 ? first : (seconds[seconds.length - 1] as SecondStats).t + 1;

  const indexOf = (t: number) => clamp(t - first, 0, seconds.length);
  const rollbackIndex = indexOf(rollbackSecond);
  const recoveredIndex = rollbackSecond < end ? firstHealthyRun(seconds, rollbackIndex, targets) : -1;
  const recovered = recoveredIndex >= 0;
  const recoveredSecond = recovered ? (seconds[recoveredIndex] as SecondStats).t : end;

  const bounds: Array<[PhaseName, number, number]> = [
    ['baseline', first, clamp(injectSecond, first, end)],
    ['fault', clamp(injectSecond, first, end), clamp(rollbackSecond, first, end)],
    ['recovery', clamp(rollbackSecond, first, end), clamp(recoveredSecond, first, end)],
    ['after', clamp(recoveredSecond, first, end), end],
  ];
  const phases = bounds.map(([name, from, to]) => {
    const safeTo = Math.max(from, to);
    return summarisePhase(name, from, safeTo, seconds.slice(indexOf(from), indexOf(safeTo)), targets);
  });

  return {
    targets,
    phases,
    bySeries: timeline.series ? phasesBySeries({ series: timeline.series }, phases, targets) : {},
    recovery: unseenRecovery(recoveryFigures(fault, recovered ? recoveryInstant(seconds, recoveredIndex) : null, end, targets), fault, end, targets),
  };
}

/**
 * Failures closer together than this belong to one outage: a request in
 * flight when the service came back may still fail a moment after the first
 * success, and is part of the outage's tail, not a new problem.
 */
export const OUTAGE_TAIL_MS = 250;

/**
 * When users were served again, given that second `index` opens the healthy
 * run. With the exact feed's fail runs: the first success after the last
 * failure of the outage, which is the last failure of the second before,
 * extended by failures of the healthy second that follow within
 * OUTAGE_TAIL_MS of each other (or before any success). Without them (the
 * remote-write feed, or a second before that was slow but did not fail):
 * the start of the healthy second.
 */
export function recoveryInstant(seconds: readonly SecondStats[], index: number): { at: number; resolution: 'request' | 'second' } {
  const s = seconds[index] as SecondStats;
  const bySecond = { at: s.t * 1000, resolution: 'second' as const };
  const prev = seconds[index - 1];
  const last = prev?.failRuns?.at(-1);
  if (!prev || prev.t !== s.t - 1 || !last || s.firstOkAt === undefined) return bySecond;
  const runs = s.failRuns ?? [];
  let end = last[1];
  let ok = last[2];
  let i = 0;
  if (ok === null) {
    // The second before ended on a failure: failures here before the first success continue that run.
    const first = runs[0];
    if (first && (s.firstOkAt === null || first[0] < s.firstOkAt)) {
      [, end, ok] = first;
      i = 1;
    } else {
      ok = s.firstOkAt;
    }
  }
  for (; i < runs.length; i++) {
    const r = runs[i] as (typeof runs)[number];
    if (r[0] - end > OUTAGE_TAIL_MS) break;
    [, end, ok] = r;
  }
  return ok === null ? bySecond : { at: ok, resolution: 'request' };
}

/**
 * The same phase bounds applied to each series (endpoint tag, scenario), to
 * show which part of the system users felt the fault in. Series are aligned
 * with `total` by the live feed, but are looked up by time to be safe.
 */
export function phasesBySeries(
  timeline: Pick<Timeline, 'series'>,
  phases: readonly PhaseStats[],
  targets: Pick<RecoveryTargets, 'maxErrorRate' | 'maxP99Ms'> = defaultRecoveryTargets,
): Record<string, PhaseStats[]> {
  const out: Record<string, PhaseStats[]> = {};
  for (const key of Object.keys(timeline.series).sort()) {
    const seconds = timeline.series[key] ?? [];
    out[key] = phases.map((p) => summarisePhase(p.phase, p.from, p.to, seconds.filter((s) => s.t >= p.from && s.t < p.to), targets));
  }
  return out;
}

function recoveryFigures(
  fault: FaultWindow,
  instant: { at: number; resolution: 'request' | 'second' } | null,
  end: number,
  targets: RecoveryTargets,
): RecoveryFigures {
  const userRecoveredAt = instant === null ? null : round3(instant.at);
  // The healthy run may start in the very second of the rollback: recovery is then 0, never negative.
  const userRecoverySeconds = userRecoveredAt === null ? null : Math.max(0, userRecoveredAt - fault.rolledBackAt) / 1000;
  const containerRecoverySeconds = fault.probesRecoveredAt === undefined
    ? null
    : Math.max(0, fault.probesRecoveredAt - fault.rolledBackAt) / 1000;
  const gapSeconds = userRecoverySeconds === null || containerRecoverySeconds === null
    ? null
    : round3(userRecoverySeconds - containerRecoverySeconds);
  const observedAfterRollbackSeconds = Math.max(0, end * 1000 - fault.rolledBackAt) / 1000;
  let verdict: 'pass' | 'fail' = 'pass';
  let reason: string;
  if (userRecoverySeconds === null) {
    verdict = 'fail';
    reason = `never recovered: no ${targets.consecutiveSeconds} consecutive healthy seconds in the ${round3(observedAfterRollbackSeconds)} s after rollback`;
  } else if (userRecoverySeconds >= targets.maxRecoverySeconds) {
    verdict = 'fail';
    reason = `users recovered after ${round3(userRecoverySeconds)} s >= ${targets.maxRecoverySeconds} s`;
  } else {
    reason = `users recovered after ${round3(userRecoverySeconds)} s < ${targets.maxRecoverySeconds} s`;
  }
  return {
    experiment: fault.experiment,
    injectedAt: fault.injectedAt,
    rolledBackAt: fault.rolledBackAt,
    recovered: userRecoveredAt !== null,
    userRecoveredAt,
    userRecoveryResolution: instant === null ? null : instant.resolution,
    userRecoverySeconds: userRecoverySeconds === null ? null : round3(userRecoverySeconds),
    containerRecoverySeconds: containerRecoverySeconds === null ? null : round3(containerRecoverySeconds),
    gapSeconds,
    observedAfterRollbackSeconds: round3(observedAfterRollbackSeconds),
    targetSeconds: targets.maxRecoverySeconds,
    verdict,
    reason,
  };
}

/**
 * The same figures, marked as not judged: the load ended at the rollback (a
 * live gate stopped it), so "never recovered" would blame users' recovery for
 * what the gate did. Only when no recovery was seen; one that was seen stands.
 */
export function notJudged(r: RecoveryFigures, why: string): RecoveryFigures {
  return r.recovered ? r : { ...r, verdict: 'not-judged', reason: `not judged: ${why}` };
}

/**
 * With fewer seconds of load after the rollback than the healthy run needs,
 * recovery could not have been seen: "never recovered in the 0 s after
 * rollback" blamed the system for the run's length.
 */
function unseenRecovery(r: RecoveryFigures, fault: FaultWindow, end: number, targets: RecoveryTargets): RecoveryFigures {
  const after = Math.max(0, end * 1000 - fault.rolledBackAt) / 1000;
  if (r.recovered || after >= targets.consecutiveSeconds) return r;
  return notJudged(r, `the load ended ${round3(after)} s after the rollback, before the ${targets.consecutiveSeconds} consecutive healthy seconds recovery needs (lengthen the load past the fault)`);
}

function clamp(v: number, lo: number, hi: number): number {
  return Math.min(hi, Math.max(lo, v));
}

function round3(v: number): number {
  return Math.round(v * 1000) / 1000;
}

function pct(v: number): string {
  return `${(v * 100).toFixed(2)} %`;
}
