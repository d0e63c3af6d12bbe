// Per-second buckets for individual points (the NDJSON record): counts plus
// every duration of the seconds still open, so percentiles are exact. Only
// the open window holds durations; finished seconds keep a few numbers.
// The total also keeps, while open, when each response failed or succeeded,
// and keeps of it the runs of failures: recovery is then measured to the
// request (src/live/phases.ts), not to the second.
import { KeyCap, SpanGuard, TimelineBuilder, type OnSecond, type SecondFigures } from './timeline.ts';
import type { FailRun, Timeline } from './types.ts';

interface Acc {
  requests: number;
  failures: number;
  durations: Float64Array;
  n: number;
}

interface Bucket {
  sec: number;
  /** Index 0 is the total; dimension d sits at d + 1. */
  accs: (Acc | undefined)[];
  /** The total's http_req_failed points as (µs since the epoch) * 2 + failed; `outcomeCount` used. */
  outcomes?: Float64Array;
  outcomeCount: number;
}

/** Fail runs kept per second: the first and the last half of this many. */
export const MAX_FAIL_RUNS = 32;

const KIND_REQS = 0;
const KIND_FAILED = 1;

export class SecondWindow {
  private readonly builder: TimelineBuilder;
  private readonly open = new Map<number, Bucket>();
  private last: Bucket | undefined;
  private newest = -Infinity;
  private finishedUpTo = -Infinity;
  private readonly dimKeys: string[] = [];
  private readonly nameDims = new Map<string, number>();
  private readonly scenarioDims = new Map<string, number>();
  /** Spare duration arrays, so a steady run allocates nothing per second. */
  private readonly pool: Float64Array[] = [];
  private readonly span = new SpanGuard();
  private readonly names = new KeyCap('name:');
  private readonly scenarios = new KeyCap('scenario:');
  /** Points whose second had already finished (counted, percentiles unchanged). */
  late = 0;
  /** Points stamped implausibly far from the rest (ignored). */
  implausible = 0;

  constructor(
    private readonly lateSeconds: number,
    onSecond?: OnSecond,
  ) {
    this.builder = new TimelineBuilder(onSecond);
  }

  /** `atUs`: the point's time in µs since the epoch, for http_req_failed points (when known). */
  add(sec: number, kind: number, value: number, name: string | null, scenario: string | null, atUs?: number): void {
    if (!this.span.accepts(sec)) {
      this.implausible++;
      return;
    }
    const nameDim = name === null ? -1 : this.dim(this.nameDims, this.names, name);
    const scenarioDim = scenario === null ? -1 : this.dim(this.scenarioDims, this.scenarios, scenario);
    if (sec <= this.finishedUpTo) {
      this.amendLate(sec, kind, value, nameDim, scenarioDim);
      return;
    }
    let b = this.last;
    if (b === undefined || b.sec !== sec) {
      b = this.open.get(sec);
      if (b === undefined) {
        b = { sec, accs: [], outcomeCount: 0 };
        this.open.set(sec, b);
      }
      this.last = b;
    }
    this.put(b, 0, kind, value);
    if (kind === KIND_FAILED && atUs !== undefined) this.outcome(b, atUs, value);
    if (nameDim >= 0) this.put(b, nameDim + 1, kind, value);
    if (scenarioDim >= 0) this.put(b, scenarioDim + 1, kind, value);
    if (sec > this.newest) {
      this.newest = sec;
      if (sec - this.lateSeconds > this.finishedUpTo) this.finishUpTo(sec - this.lateSeconds);
    }
  }

  finish(): Timeline {
    this.finishUpTo(this.newest);
    return this.builder.timeline();
  }

  timeline(): Timeline {
    return this.builder.timeline();
  }

  get held(): { openSeconds: number; durations: number; late: number; implausible: number } {
    let durations = 0;
    for (const b of this.open.values()) {
      durations += b.outcomeCount;
      for (const a of b.accs) durations += a?.n ?? 0;
    }
    return { openSeconds: this.open.size, durations, late: this.late, implausible: this.implausible };
  }

  private dim(map: Map<string, number>, cap: KeyCap, value: string): number {
    let d = map.get(value);
    if (d === undefined) {
      const key = cap.key(value);
      d = this.dimKeys.indexOf(key);
      if (d < 0) d = this.dimKeys.push(key) - 1;
      if (map.size < 1000) map.set(value, d);
    }
    return d;
  }

  private put(b: Bucket, slot: number, kind: number, value: number): void {
    let a = b.accs[slot];
    if (a === undefined) {
      a = { requests: 0, failures: 0, durations: this.spare(), n: 0 };
      b.accs[slot] = a;
    }
    if (kind === KIND_REQS) a.requests += value;
    else if (kind === KIND_FAILED) a.failures += value;
    else {
      a.durations = roomFor(a.durations, a.n);
      a.durations[a.n++] = value;
    }
  }

  private outcome(b: Bucket, atUs: number, failed: number): void {
    const o = b.outcomes === undefined ? this.spare() : roomFor(b.outcomes, b.outcomeCount);
    b.outcomes = o;
    o[b.outcomeCount++] = Math.round(atUs) * 2 + (failed > 0 ? 1 : 0);
  }

  private spare(): Float64Array {
    return this.pool.pop() ?? new Float64Array(256);
  }

  /** Keeps modest arrays for reuse; a burst's huge one goes to the GC. */
  private recycle(a: Float64Array): void {
    if (a.length <= 1 << 16 && this.pool.length < 64) this.pool.push(a);
  }

  private amendLate(sec: number, kind: number, value: number, nameDim: number, scenarioDim: number): void {
    this.late++;
    if (kind === KIND_REQS || kind === KIND_FAILED) {
      const r = kind === KIND_REQS ? value : 0;
      const f = kind === KIND_FAILED ? value : 0;
      this.builder.amend(sec, null, r, f);
      if (nameDim >= 0) this.builder.amend(sec, this.dimKeys[nameDim]!, r, f);
      if (scenarioDim >= 0) this.builder.amend(sec, this.dimKeys[scenarioDim]!, r, f);
    }
  }

  private finishUpTo(upTo: number): void {
    const secs = [...this.open.keys()].filter((s) => s <= upTo).sort((a, b) => a - b);
    for (const sec of secs) {
      const b = this.open.get(sec)!;
      this.open.delete(sec);
      if (this.last === b) this.last = undefined;
      const byKey = new Map<string, SecondFigures>();
      for (let slot = 1; slot < b.accs.length; slot++) {
        const a = b.accs[slot];
        if (a) byKey.set(this.dimKeys[slot - 1]!, this.figures(a));
      }
      const total = b.accs[0];
      const figures = total ? this.figures(total) : undefined;
      if (figures && b.outcomes) {
        figures.outcomes = failRuns(b.outcomes.subarray(0, b.outcomeCount).sort());
        this.recycle(b.outcomes);
      }
      this.builder.append(sec, figures, byKey);
    }
    this.finishedUpTo = Math.max(this.finishedUpTo, upTo);
  }

  private figures(a: Acc): SecondFigures {
    const sorted = a.durations.subarray(0, a.n).sort();
    const f: SecondFigures = {
      requests: a.requests,
      failures: a.failures,
      p50: percentile(sorted, 0.5),
      p95: percentile(sorted, 0.95),
      p99: percentile(sorted, 0.99),
    };
    this.recycle(a.durations);
    return f;
  }
}

/** `a`, or a copy twice its size when index `n` would not fit. */
function roomFor(a: Float64Array, n: number): Float64Array {
  if (n < a.length) return a;
  const grown = new Float64Array(a.length * 2);
  grown.set(a);
  return grown;
}

/**
 * Runs of failed responses from sorted outcome codes ((µs) * 2 + failed):
 * each run's first and last failure and the first success after it, in Unix
 * ms; plus the second's first success. Bounded: a flapping second keeps its
 * first and last MAX_FAIL_RUNS / 2 runs, the ones recovery looks at.
 */
export function failRuns(sorted: Float64Array): { failRuns: FailRun[]; firstOkAt: number | null } {
  const runs: FailRun[] = [];
  let firstOkAt: number | null = null;
  let open: FailRun | undefined;
  for (let i = 0; i < sorted.length; i++) {
    const code = sorted[i]!;
    const failed = code % 2 === 1;
    const ms = (code - (failed ? 1 : 0)) / 2000;
    if (failed) {
      if (open) open[1] = ms;
      else runs.push((open = [ms, ms, null]));
    } else {
      firstOkAt ??= ms;
      if (open) {
        open[2] = ms;
        open = undefined;
      }
    }
  }
  const half = MAX_FAIL_RUNS / 2;
  return { failRuns: runs.length > MAX_FAIL_RUNS ? [...runs.slice(0, half), ...runs.slice(-half)] : runs, firstOkAt };
}

/** k6's own rule (TrendSink.P): linear interpolation between closest ranks. */
export function percentile(sorted: Float64Array, q: number): number | null {
  const n = sorted.length;
  if (n === 0) return null;
  if (n === 1) return sorted[0]!;
  const i = q * (n - 1);
  const lo = Math.floor(i);
  const hi = Math.ceil(i);
  const a = sorted[lo]!;
  return a + (sorted[hi]! - a) * (i - lo);
}
