// `--find-limit`: the highest arrival rate that still meets the limits.
// Pure: what rate to probe next (double until one fails, then halve the gap
// between the last that held and the first that broke), how a probe is
// judged (live, second by second, and on k6's own count of iterations after
// it), and the answer. The probes themselves run in find-limit.ts.
import type { SecondStats } from '../live/types.ts';
import type { CapacityLimits } from './limits.ts';
import { figuresOf, firstBadRun, isBadSecond, windowReasons } from './analyse.ts';
import { msText, percentText, rateText, reasonText } from './words.ts';

/** Seconds at a probe's start left out: k6 allocating VUs, connections opening. */
export const PROBE_SETTLE_SECONDS = 2;
/** The search stops when the gap between held and broke is at most this share of the held rate... */
export const RESOLUTION = 0.1;
/** ...or one iteration per second. */
export const MIN_GAP = 1;
/** A probe held its rate when k6 started at least this share of the planned iterations. */
export const SUSTAINED_SHARE = 0.95;

export interface Probe {
  rate: number;
  verdict: 'held' | 'broke';
  /** Seconds into the probe (after its settling seconds) when the failing window began. */
  brokeAfterSeconds: number | null;
  reasons: string[];
  /** Over the seconds judged. */
  requestRate: number;
  p99: number | null;
  errorRate: number;
  /** k6's own counts, from its summary (null when none was read). */
  iterations: number | null;
  dropped: number | null;
  /** Stopped early by the live feed. */
  stoppedEarly: boolean;
  /** How long k6 ran, in seconds (hold, grace, or less when stopped early). */
  k6Seconds?: number;
  runDir?: string;
}

export interface SearchState {
  start: number;
  max: number;
  probes: Probe[];
}

const held = (s: SearchState) => s.probes.filter((p) => p.verdict === 'held').map((p) => p.rate);
const broke = (s: SearchState) => s.probes.filter((p) => p.verdict === 'broke').map((p) => p.rate);

/** The highest rate that held, and the lowest that broke above it (a noisy lower failure does not undo a hold). */
export function bracket(s: SearchState): { good: number | null; bad: number | null } {
  const good = held(s).length > 0 ? Math.max(...held(s)) : null;
  const above = broke(s).filter((r) => good === null || r > good);
  return { good, bad: above.length > 0 ? Math.min(...above) : null };
}

/** The next rate to probe, or null when the search is done. */
export function nextRate(s: SearchState): number | null {
  if (s.probes.length === 0) return s.start;
  const { good, bad } = bracket(s);
  if (bad === null) {
    if (good! >= s.max) return null;
    return Math.min(s.max, good! * 2);
  }
  if (good === null) {
    // Even the lowest broke: halve towards one iteration per second.
    const lowest = Math.min(...broke(s));
    return lowest <= 1 ? null : Math.max(1, Math.floor(lowest / 2));
  }
  if (bad - good <= Math.max(MIN_GAP, RESOLUTION * good)) return null;
  const mid = Math.round((good + bad) / 2);
  return mid === good || mid === bad ? null : mid;
}

/** Watches a probe's seconds as they come; says when it has broken (the live feed's decision). */
export function liveJudge(limits: CapacityLimits) {
  let seen = 0;
  let run = 0;
  return {
    /** True once `windowSeconds` bad seconds came in a row after the settling ones. */
    second(s: SecondStats): boolean {
      seen += 1;
      if (seen <= PROBE_SETTLE_SECONDS) return false;
      run = isBadSecond(s, limits) ? run + 1 : 0;
      return run >= limits.windowSeconds;
    },
  };
}

export interface ProbeInput {
  rate: number;
  /** The probe's seconds from the live feed, k6's start first. */
  seconds: readonly SecondStats[];
  holdSeconds: number;
  limits: CapacityLimits;
  iterations: number | null;
  dropped: number | null;
  stoppedEarly: boolean;
}

/**
 * A probe held when no window of bad seconds came and k6 started the
 * iterations it was asked to (a rate k6 could not keep up, for want of VUs or
 * because answers were slow, was not sustained, whatever the latency said).
 */
export function judgeProbe(p: ProbeInput): Probe {
  // The seconds after the hold are k6's grace for iterations in flight: not the rate.
  const seconds = p.seconds.slice(PROBE_SETTLE_SECONDS, Math.max(PROBE_SETTLE_SECONDS, p.holdSeconds));
  const f = figuresOf(seconds);
  const base = { rate: p.rate, requestRate: f.requestRate, p99: f.p99, errorRate: f.errorRate, iterations: p.iterations, dropped: p.dropped, stoppedEarly: p.stoppedEarly };
  const at = firstBadRun(seconds, p.limits.windowSeconds, p.limits);
  if (at >= 0) {
    return { ...base, verdict: 'broke', brokeAfterSeconds: at, reasons: windowReasons(seconds.slice(at, at + p.limits.windowSeconds), p.limits) };
  }
  // No run of bad seconds long enough, yet the hold as a whole missed the limit
  // (7 of 8 seconds over, never 5 in a row): not sustained either.
  const whole = holdMisses(f, p.limits);
  if (whole.length > 0) return { ...base, verdict: 'broke', brokeAfterSeconds: null, reasons: whole.map((r) => `${r} over the hold as a whole`) };
  const reasons: string[] = [];
  if (seconds.length === 0) reasons.push('no per-second data from the live feed');
  if (p.stoppedEarly) reasons.push('stopped before its hold ended');
  const planned = p.rate * p.holdSeconds;
  if (p.iterations === null) reasons.push('no k6 summary: its iterations are unknown');
  else if (p.iterations < SUSTAINED_SHARE * planned) {
    reasons.push(`k6 started only ${(p.iterations / p.holdSeconds).toFixed(1)} of ${p.rate} iterations/s${p.dropped ? ` (${p.dropped} dropped)` : ''}`);
  }
  return reasons.length > 0 ? { ...base, verdict: 'broke', brokeAfterSeconds: null, reasons } : { ...base, verdict: 'held', brokeAfterSeconds: null, reasons: [] };
}

/** What the hold's figures as a whole missed: p99, p95 (when set), errors. */
function holdMisses(f: ReturnType<typeof figuresOf>, limits: CapacityLimits): string[] {
  if (f.requests === 0) return [];
  const out: string[] = [];
  if (f.p99 !== null && f.p99 >= limits.p99Ms) out.push(reasonText('p99', f.p99, limits.p99Ms));
  if (limits.p95Ms !== null && f.p95 !== null && f.p95 >= limits.p95Ms) out.push(reasonText('p95', f.p95, limits.p95Ms));
  if (f.errorRate >= limits.errorRate) out.push(reasonText('errors', f.errorRate, limits.errorRate));
  return out;
}

/**
 * A probe's VUs (preAllocatedVUs = maxVUs). Little's law: VUs busy = rate x
 * time per iteration; room for iterations as slow as the p99 limit on top;
 * never more than `cap` (--max-vus): a rate that needs more drops
 * iterations, and is then not sustained.
 */
export function probeVus(rate: number, iterationSeconds: number, p99Ms: number, cap: number): number {
  return Math.max(1, Math.min(cap, Math.ceil(rate * (iterationSeconds + p99Ms / 1000)) + 2));
}

/** The rule a probe is judged by, in words, printed with the answer. */
export function probeRule(limits: CapacityLimits, holdSeconds: number): string {
  const bounds = [`p99 < ${msText(limits.p99Ms)}`, ...(limits.p95Ms === null ? [] : [`p95 < ${msText(limits.p95Ms)}`]), `errors < ${percentText(limits.errorRate)}`].join(', ');
  return `a rate is sustained when, over its ${holdSeconds} s hold less the first ${PROBE_SETTLE_SECONDS} s, ${bounds} as a whole (p95/p99: the mean of the per-second ones), no ${limits.windowSeconds} s in a row miss that, and k6 started at least ${Math.round(SUSTAINED_SHARE * 100)} % of its iterations`;
}

export interface SearchOutcome {
  answer: string;
  /** The rule the probes were judged by, in words (printed under the answer). */
  rule?: string;
  /** The highest rate that held (iterations/s), or null when none did. */
  limit: number | null;
  /** The lowest rate above it that broke, or null when none did. */
  brokeAt: number | null;
  /** Why the search ended. */
  stop: 'converged' | 'budget' | 'max-rate' | 'interrupted' | 'nothing-held';
  probes: Probe[];
  budgetSeconds: number;
  elapsedSeconds: number;
}

function probeFigures(p: Probe): string {
  return `${rateText(p.requestRate)}, p99 ${msText(p.p99)}, ${percentText(p.errorRate)} errors`;
}

export function searchOutcome(s: SearchState, stop: SearchOutcome['stop'], budgetSeconds: number, elapsedSeconds: number, rule?: string): SearchOutcome {
  const { good, bad } = bracket(s);
  const heldProbe = s.probes.find((p) => p.verdict === 'held' && p.rate === good);
  const brokeProbe = s.probes.find((p) => p.verdict === 'broke' && p.rate === bad);
  const effort = `${s.probes.length} probe${s.probes.length === 1 ? '' : 's'} in ${Math.round(elapsedSeconds)} s of a ${Math.round(budgetSeconds)} s budget`;
  const why = stop === 'budget' ? ' (budget spent before it converged)' : stop === 'interrupted' ? ' (interrupted)' : stop === 'max-rate' ? ' (the highest rate loadctl probes)' : '';
  const broken = brokeProbe
    ? `${brokeProbe.rate} iterations/s broke${brokeProbe.brokeAfterSeconds !== null ? ` ${brokeProbe.brokeAfterSeconds} s in` : ''}: ${brokeProbe.reasons.join(', ')}`
    : 'no probed rate broke';
  const answer = heldProbe
    ? `limit: ${heldProbe.rate} iterations/s sustained (${probeFigures(heldProbe)})${why}; ${broken}; ${effort}`
    : s.probes.length === 0
      ? `limit unknown: the budget allowed no probe; ${effort}`
      : `no rate sustained: ${broken}${why}; ${effort}`;

  return { answer, ...(rule ? { rule } : {}), limit: good, brokeAt: bad, stop: heldProbe ? stop : stop === 'converged' ? 'nothing-held' : stop, probes: s.probes, budgetSeconds, elapsedSeconds: Math.round(elapsedSeconds) };
}
