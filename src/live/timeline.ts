// Appends finished seconds to a Timeline (shared by the remote-write and the
// NDJSON aggregators) and tells a listener about each one. Every series is
// kept aligned with `total` (same seconds, zeros where it had no traffic), so
// a chart or the phase maths can index all of them the same way.
import type { FailRun, SecondStats, Timeline } from './types.ts';

/** What an aggregator knows about one key in one finished second. */
export interface SecondFigures {
  requests: number;
  failures: number;
  /** Percentiles in ms; null when there were no timings. */
  p50: number | null;
  p95: number | null;
  p99: number | null;
  /** When the responses failed, to the request (exact feed, total only); see SecondStats.failRuns. */
  outcomes?: { failRuns: FailRun[]; firstOkAt: number | null };
}

/** One finished second, as handed to `onSecond` (e.g. for the live line). */
export interface LiveSecond {
  total: SecondStats;
  /** Keyed like Timeline.series: "name:<tag>" or "scenario:<name>". */
  series: Record<string, SecondStats>;
}

export type OnSecond = (second: LiveSecond) => void;

/**
 * How far from the first second a time stamp may lie. The timeline has no
 * gaps, so one absurd stamp (a zero, a clock jump) would otherwise allocate
 * years of empty seconds.
 */
export const MAX_SPAN_SECONDS = 7 * 24 * 3600;

/**
 * Distinct endpoint names (and scenarios) kept as their own series. k6 tags
 * an untagged request with its full URL, so IDs in paths would otherwise make
 * a series per URL, each a row per second. The rest share "(other)".
 */
export const MAX_KEYS_PER_TAG = 100;
export const OTHER = '(other)';

/** Maps tag values to series keys, folding values past the cap into "(other)". */
export class KeyCap {
  private readonly seen = new Map<string, string>();
  constructor(private readonly prefix: string) {}
  key(value: string): string {
    let k = this.seen.get(value);
    if (k === undefined) {
      k = this.seen.size < MAX_KEYS_PER_TAG ? this.prefix + value : this.prefix + OTHER;
      if (this.seen.size < MAX_KEYS_PER_TAG * 10) this.seen.set(value, k);
    }
    return k;
  }
}

/** Remembers the first second seen and says whether a later one is plausible. */
export class SpanGuard {
  private origin: number | undefined;
  accepts(sec: number): boolean {
    this.origin ??= sec;
    return Math.abs(sec - this.origin) <= MAX_SPAN_SECONDS;
  }
}

export function toStats(t: number, f: SecondFigures | undefined): SecondStats {
  const s: SecondStats = !f || f.requests <= 0
    ? { t, requests: f?.requests ?? 0, failures: f?.failures ?? 0, errorRate: 0, p50: null, p95: null, p99: null }
    : { t, requests: f.requests, failures: f.failures, errorRate: f.failures / f.requests, p50: f.p50, p95: f.p95, p99: f.p99 };
  if (f?.outcomes) {
    if (f.outcomes.failRuns.length > 0) s.failRuns = f.outcomes.failRuns;
    s.firstOkAt = f.outcomes.firstOkAt;
  }
  return s;
}

export class TimelineBuilder {
  private readonly total: SecondStats[] = [];
  private readonly series: Record<string, SecondStats[]> = {};

  constructor(private readonly onSecond?: OnSecond) {}

  /** The next second to be appended, or undefined before the first. */
  get nextSecond(): number | undefined {
    const last = this.total[this.total.length - 1];
    return last === undefined ? undefined : last.t + 1;
  }

  /** Appends second `t` (and zero seconds for any gap before it). Earlier seconds are ignored. */
  append(t: number, total: SecondFigures | undefined, byKey: ReadonlyMap<string, SecondFigures>): void {
    const next = this.nextSecond;
    if (next !== undefined && t < next) return;
    if (next !== undefined) for (let gap = next; gap < t; gap++) this.appendOne(gap, undefined, new Map());
    this.appendOne(t, total, byKey);
  }

  private appendOne(t: number, total: SecondFigures | undefined, byKey: ReadonlyMap<string, SecondFigures>): void {
    const startT = this.total[0]?.t ?? t;
    const totalStats = toStats(t, total);
    this.total.push(totalStats);
    const live: Record<string, SecondStats> = {};
    for (const [key, f] of byKey) {
      if (!this.series[key]) {
        // A key first seen now still gets every earlier second, as zeros.
        this.series[key] = [];
        for (let s = startT; s < t; s++) this.series[key].push(toStats(s, undefined));
      }
    }
    for (const key of Object.keys(this.series)) {
      const stats = toStats(t, byKey.get(key));
      this.series[key]!.push(stats);
      live[key] = stats;
    }
    this.onSecond?.({ total: totalStats, series: live });
  }

  /**
   * Adds counts that arrived after their second was finished (a very late
   * push or point). Counts stay exact; that second's percentiles do not change.
   */
  amend(t: number, key: string | null, requests: number, failures: number): boolean {
    const first = this.total[0]?.t;
    if (first === undefined || t < first || t >= first + this.total.length) return false;
    const list = key === null ? this.total : this.series[key];
    const s = list?.[t - first];
    if (!s) return false;
    s.requests += requests;
    s.failures += failures;
    s.errorRate = s.requests > 0 ? s.failures / s.requests : 0;
    return true;
  }

  timeline(): Timeline {
    return { total: this.total, series: this.series };
  }
}
