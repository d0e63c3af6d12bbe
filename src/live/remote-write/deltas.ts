// Differences between consecutive cumulative observations, added into a
// second's accumulators (for the total and each dimension), and the figures
// a finished second shows. Used by src/live/aggregate.ts.
import { addDelta, emptyHistogram, quantile, type SparseHistogram } from './histogram.ts';
import type { NativeHistogram, TimeSeries } from './protobuf.ts';
import type { SecondFigures } from '../timeline.ts';

export interface CounterValue {
  requests: number;
  failures: number;
}

/** One second's running sums for one key (null: the total). */
export interface Acc {
  requests: number;
  failures: number;
  hist: SparseHistogram | null;
}

export type Accs = Map<string | null, Acc>;

export function failureShare(expected: string | undefined, rate: number | undefined): number {
  if (expected === 'false') return 1;
  if (expected === 'true') return 0;
  return rate ?? 0;
}

function accOf(m: Map<string | null, Acc>, k: string | null): Acc {
  let a = m.get(k);
  if (!a) {
    a = { requests: 0, failures: 0, hist: null };
    m.set(k, a);
  }
  return a;
}

export function counterDelta(m: Map<string | null, Acc>, dims: string[], cur: CounterValue, prev: CounterValue | undefined, sign: 1 | -1): boolean {
  const reset = prev !== undefined && cur.requests < prev.requests;
  const base = prev === undefined || reset ? { requests: 0, failures: 0 } : prev;
  const dr = sign * (cur.requests - base.requests);
  const df = sign * (cur.failures - base.failures);
  for (const k of [null, ...dims]) {
    const a = accOf(m, k);
    a.requests += dr;
    a.failures += df;
  }
  return reset;
}

export function histogramDelta(m: Map<string | null, Acc>, dims: string[], cur: NativeHistogram, prev: NativeHistogram | undefined, sign: 1 | -1): boolean {
  const reset = prev !== undefined && cur.count < prev.count;
  const base = reset ? undefined : prev;
  for (const k of [null, ...dims]) {
    const a = accOf(m, k);
    a.hist ??= emptyHistogram(cur.schema);
    addDelta(a.hist, cur, base, sign);
  }
  return reset;
}

export function figures(acc: Acc): SecondFigures {
  const h = acc.hist;
  // Seconds to milliseconds: k6 sends durations in base units.
  const q = (p: number): number | null => {
    const v = h ? quantile(h, p) : null;
    return v === null ? null : v * 1000;
  };
  return { requests: acc.requests, failures: acc.failures, p50: q(0.5), p95: q(0.95), p99: q(0.99) };
}

/** Identity of a series across pushes and across metrics: its labels without the name. */
export function seriesKey(s: TimeSeries): string {
  let k = '';
  for (const l of s.labels) if (l.name !== '__name__') k += `${l.name}\u0000${l.value}\u0001`;
  return k;
}
