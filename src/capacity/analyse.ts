// Where a staged run broke: the live per-second timeline cut into the
// profile's steps (holds only; ramps excluded), each step's figures and
// whether it met the limits, the break (the first window of consecutive bad
// seconds), the last stable step and the knee. Pure: timeline, plan, the
// scenario's start and the limits in; the capacity block out.
import type { SecondStats } from '../live/types.ts';
import { summarisePhase } from '../live/phases.ts';
import type { CapacityLimits } from './limits.ts';
import type { PlannedStep, StepPlan } from './plan.ts';
import type { CapacityBlock, CapacityBreak, CapacityKnee, StepFigures } from './types.ts';
import { answerLine, reasonText } from './words.ts';

export type { CapacityBlock, CapacityBreak, CapacityKnee, StepFigures, StepVerdict } from './types.ts';

/**
 * The feed puts each push in one second, so a step's edge is known to about
 * a second; its first second after a ramp is also when queues settle. It is
 * left out of the step's figures.
 */
export const SETTLE_SECONDS = 1;

/** A step is the knee when less than this share of its added load became added throughput. */
export const KNEE_EFFICIENCY = 0.5;

export interface CapacityInput {
  /** The live timeline's `total` series. */
  seconds: readonly SecondStats[];
  plan: StepPlan;
  startedAt: number;
  limits: CapacityLimits;
  /** A live feed ran (false with --no-live): says why a run without per-second data has no answer. */
  feed?: boolean;
  /** k6's dropped_iterations as it grew ([Unix ms, count so far]), from the feed. */
  dropped?: ReadonlyArray<readonly [number, number]>;
}

/** Dropped iterations between two Unix ms, and when the first of them was seen. */
export function droppedBetween(dropped: ReadonlyArray<readonly [number, number]> | undefined, fromMs: number, toMs: number): { count: number; firstAt: number | null } {
  const at = (t: number) => {
    let n = 0;
    for (const [when, total] of dropped ?? []) if (when <= t) n = total;
    return n;
  };
  const count = at(toMs) - at(fromMs);
  const first = (dropped ?? []).find(([when, total]) => when > fromMs && when <= toMs && total > at(fromMs));
  return { count, firstAt: count > 0 && first ? first[0] : null };
}

/** Bad: nothing answered, or errors or latency at or above a limit. */
export function isBadSecond(s: SecondStats, limits: CapacityLimits): boolean {
  if (s.requests <= 0) return true;
  if (s.errorRate >= limits.errorRate) return true;
  if (s.p99 === null || s.p99 >= limits.p99Ms) return true;
  return limits.p95Ms !== null && (s.p95 === null || s.p95 >= limits.p95Ms);
}

/** Index of the first of `n` consecutive bad seconds, or -1. */
export function firstBadRun(seconds: readonly SecondStats[], n: number, limits: CapacityLimits): number {
  let run = 0;
  for (let i = 0; i < seconds.length; i++) {
    run = isBadSecond(seconds[i]!, limits) ? run + 1 : 0;
    if (run >= n) return i - n + 1;
  }
  return -1;
}

/** Figures over a run of seconds (a step's hold, or its failing window). */
export function figuresOf(seconds: readonly SecondStats[]) {
  // The phase maths sums and weighs seconds the same way; its verdict is not used here.
  const { requests, errorRate, p95, p99, p99Max } = summarisePhase('baseline', 0, seconds.length, seconds, { maxErrorRate: 1, maxP99Ms: Infinity });
  return { seconds: seconds.length, requests, requestRate: seconds.length === 0 ? 0 : requests / seconds.length, p95, p99, p99Max, errorRate };
}

/** What a failing window missed, judged on the window as a whole. */
export function windowReasons(window: readonly SecondStats[], limits: CapacityLimits): string[] {
  const f = figuresOf(window);
  const reasons: string[] = [];
  if (f.requests === 0) return [`no responses for ${window.length} s`];
  if (f.p99 !== null && f.p99 >= limits.p99Ms) reasons.push(reasonText('p99', f.p99, limits.p99Ms));
  if (limits.p95Ms !== null && f.p95 !== null && f.p95 >= limits.p95Ms) reasons.push(reasonText('p95', f.p95, limits.p95Ms));
  if (f.errorRate >= limits.errorRate) reasons.push(reasonText('errors', f.errorRate, limits.errorRate));
  // Each second failed, yet the window as a whole may not: say the worst second.
  if (reasons.length === 0 && f.p99Max !== null && f.p99Max >= limits.p99Ms) reasons.push(reasonText('p99', f.p99Max, limits.p99Ms));
  if (reasons.length === 0) reasons.push(`${window.length} s in a row over a limit`);
  return reasons;
}

function slice(seconds: readonly SecondStats[], from: number, to: number): SecondStats[] {
  const first = seconds[0]?.t;
  if (first === undefined || to <= from) return [];
  return seconds.slice(Math.max(0, from - first), Math.max(0, to - first));
}

function stepFigures(input: CapacityInput, step: PlannedStep): StepFigures {
  const origin = input.startedAt / 1000;
  const holdStart = origin + step.holdFrom;
  const from = Math.ceil(holdStart) + SETTLE_SECONDS;
  const plannedTo = Math.floor(origin + step.holdTo);
  const lastT = input.seconds.length > 0 ? input.seconds[input.seconds.length - 1]!.t + 1 : from;
  const to = Math.max(from, Math.min(plannedTo, lastT));
  const window = slice(input.seconds, from, to);
  const f = figuresOf(window);
  const dropped = input.plan.unit === 'iterations/s' ? droppedBetween(input.dropped, from * 1000, (from + window.length) * 1000) : { count: 0, firstAt: null };
  const base = {
    index: step.index, level: step.level, from, to: from + window.length, ...f, cutShort: window.length < Math.max(0, plannedTo - from),
    ...(dropped.count > 0 ? { droppedIterations: dropped.count } : {}),
  };
  if (window.length === 0) return { ...base, verdict: 'not-reached', brokeAfterSeconds: null, brokeAt: null, reasons: [] };
  // An arrival rate k6 could not start (no free VU, maxVUs reached) was never delivered: the step is not held, whatever its latency.
  const droppedReason = `${dropped.count.toLocaleString('en-US')} iterations dropped (k6 had no free VU: the rate was not delivered; raise preAllocatedVUs/maxVUs)`;
  // A hold shorter than the window fails only when all of it is bad.
  const n = Math.min(input.limits.windowSeconds, Math.max(1, plannedTo - from));
  const at = firstBadRun(window, n, input.limits);
  if (at < 0 && dropped.count === 0) return { ...base, verdict: 'pass', brokeAfterSeconds: null, brokeAt: null, reasons: [] };
  if (at < 0) {
    const when = Math.floor((dropped.firstAt ?? from * 1000) / 1000);
    return { ...base, verdict: 'fail', brokeAfterSeconds: Math.max(0, Math.round(when - holdStart)), brokeAt: when, reasons: [droppedReason] };
  }
  return {
    ...base,
    verdict: 'fail',
    brokeAfterSeconds: Math.max(0, Math.round(window[at]!.t - holdStart)),
    brokeAt: window[at]!.t,
    reasons: [...windowReasons(window.slice(at, at + n), input.limits), ...(dropped.count > 0 ? [droppedReason] : [])],
  };
}

/** A sustained failure on the ramp up to `step`, at about which level. */
function rampBreak(input: CapacityInput, step: PlannedStep): CapacityBreak | null {
  if (!step.ramp) return null;
  const origin = input.startedAt / 1000;
  const window = slice(input.seconds, Math.ceil(origin + step.ramp.from) + SETTLE_SECONDS, Math.floor(origin + step.ramp.to));
  const at = firstBadRun(window, input.limits.windowSeconds, input.limits);
  if (at < 0) return null;
  const into = window[at]!.t - (origin + step.ramp.from);
  const share = Math.min(1, Math.max(0, into / (step.ramp.to - step.ramp.from)));
  const level = step.ramp.fromLevel + (step.level - step.ramp.fromLevel) * share;
  return {
    step: step.index,
    level: Math.round(level),
    during: 'ramp',
    afterSeconds: Math.max(0, Math.round(into)),
    at: window[at]!.t,
    reasons: windowReasons(window.slice(at, at + input.limits.windowSeconds), input.limits),
  };
}

/** The first step where less than KNEE_EFFICIENCY of the added load became throughput. */
export function findKnee(steps: readonly StepFigures[]): CapacityKnee | null {
  const measured = steps.filter((s) => s.verdict !== 'not-reached' && s.requests > 0);
  for (let i = 1; i < measured.length; i++) {
    const prev = measured[i - 1]!;
    const cur = measured[i]!;
    if (cur.level <= prev.level) continue;
    const loadGrowth = cur.level / prev.level - 1;
    const rateGrowth = cur.requestRate / prev.requestRate - 1;
    if (rateGrowth < KNEE_EFFICIENCY * loadGrowth) {
      return { step: cur.index, level: cur.level, requestRate: cur.requestRate, previousLevel: prev.level, previousRequestRate: prev.requestRate };
    }
  }
  return null;
}

export function analyseCapacity(input: CapacityInput): CapacityBlock {
  const steps = input.plan.steps.map((s) => stepFigures(input, s));
  const failedAt = steps.findIndex((s) => s.verdict === 'fail');
  // The first step that did not pass: the break may have begun on its ramp.
  const firstNotPassed = steps.findIndex((s) => s.verdict !== 'pass');
  const onRamp = firstNotPassed >= 0 ? rampBreak(input, input.plan.steps[firstNotPassed]!) : null;
  let broke: CapacityBreak | null = onRamp;
  if (!broke && failedAt >= 0) {
    const s = steps[failedAt]!;
    broke = { step: s.index, level: s.level, during: 'hold', afterSeconds: s.brokeAfterSeconds ?? 0, at: s.brokeAt ?? s.from, reasons: s.reasons };
  }
  const limitIndex = broke ? steps.findIndex((s) => s.index === broke!.step) : steps.length;
  const stable = steps.slice(0, limitIndex).filter((s) => s.verdict === 'pass').at(-1);
  const kneeFound = findKnee(steps.slice(0, limitIndex + 1));
  const knee = kneeFound && (!broke || kneeFound.step < broke.step) ? kneeFound : null;
  const anyData = steps.some((s) => s.verdict !== 'not-reached');
  const block: Omit<CapacityBlock, 'answer'> = {
    verdict: !anyData && !broke ? 'no-data' : broke ? 'broke' : 'did-not-break',
    unit: input.plan.unit,
    limits: input.limits,
    startedAt: input.startedAt,
    steps,
    stableUpTo: stable ? { step: stable.index, level: stable.level, requestRate: stable.requestRate, p99: stable.p99, errorRate: stable.errorRate } : null,
    broke,
    knee,
  };
  return { answer: answerLine(block, input.feed !== false), ...block };
}
