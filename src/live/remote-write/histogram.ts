// Sparse native-histogram arithmetic: the difference of two cumulative
// snapshots is the histogram of what happened between them, and histograms
// of one second add up across series. Percentiles then come from the sum.
import type { NativeHistogram } from './protobuf.ts';

/**
 * A mutable sparse histogram at one schema. Bucket i at schema s holds values
 * in (base^(i-1), base^i] with base = 2^(2^-s); values at or below the zero
 * threshold sit in the zero bucket.
 */
export interface SparseHistogram {
  schema: number;
  count: number;
  zeroCount: number;
  buckets: Map<number, number>;
}

export function emptyHistogram(schema: number): SparseHistogram {
  return { schema, count: 0, zeroCount: 0, buckets: new Map() };
}

/** Bucket index of `index` at a coarser schema: 2^(s-t) fine buckets merge into one. */
function coarsen(index: number, from: number, to: number): number {
  return from <= to ? index : Math.ceil(index / 2 ** (from - to));
}

/** Coarsens `h` in place so that its schema is at most `schema`. */
function reschema(h: SparseHistogram, schema: number): void {
  if (schema >= h.schema) return;
  const merged = new Map<number, number>();
  for (const [i, c] of h.buckets) {
    const j = coarsen(i, h.schema, schema);
    merged.set(j, (merged.get(j) ?? 0) + c);
  }
  h.buckets = merged;
  h.schema = schema;
}

/**
 * Adds `sign * (cur - prev)` to `into`: the snapshot difference when `prev`
 * is given, the whole snapshot when it is not (a new series, or a reset).
 * Negative buckets are ignored: durations are never negative.
 */
export function addDelta(into: SparseHistogram, cur: NativeHistogram, prev: NativeHistogram | undefined, sign: 1 | -1 = 1): void {
  const schema = Math.min(into.schema, cur.schema, prev?.schema ?? cur.schema);
  reschema(into, schema);
  into.count += sign * (cur.count - (prev?.count ?? 0));
  into.zeroCount += sign * (cur.zeroCount - (prev?.zeroCount ?? 0));
  for (const b of cur.positive) {
    if (b.count === 0) continue;
    const j = coarsen(b.index, cur.schema, schema);
    into.buckets.set(j, (into.buckets.get(j) ?? 0) + sign * b.count);
  }
  if (prev) {
    for (const b of prev.positive) {
      if (b.count === 0) continue;
      const j = coarsen(b.index, prev.schema, schema);
      into.buckets.set(j, (into.buckets.get(j) ?? 0) - sign * b.count);
    }
  }
}

/** Adds one sparse histogram into another (per-second totals across series). */
export function addHistogram(into: SparseHistogram, h: SparseHistogram): void {
  const schema = Math.min(into.schema, h.schema);
  reschema(into, schema);
  into.count += h.count;
  into.zeroCount += h.zeroCount;
  for (const [i, c] of h.buckets) {
    const j = coarsen(i, h.schema, schema);
    into.buckets.set(j, (into.buckets.get(j) ?? 0) + c);
  }
}

/**
 * The q-quantile (0..1) by Prometheus' rule for native histograms: find the
 * bucket holding the rank, interpolate exponentially inside it. Null when
 * empty. The answer is within one bucket's width (about 9 % at schema 3).
 */
export function quantile(h: SparseHistogram, q: number): number | null {
  const total = h.zeroCount + sumBuckets(h);
  if (total <= 0) return null;
  const rank = q * total;
  if (rank <= h.zeroCount) return 0;
  const base = 2 ** (2 ** -h.schema);
  let seen = h.zeroCount;
  const indexes = [...h.buckets.keys()].sort((a, b) => a - b);
  let last = 0;
  for (const i of indexes) {
    const c = h.buckets.get(i)!;
    if (c <= 0) continue;
    last = i;
    if (seen + c >= rank) {
      const lower = base ** (i - 1);
      const fraction = (rank - seen) / c;
      return lower * base ** fraction;
    }
    seen += c;
  }
  return base ** last; // rounding left the rank a hair above the last bucket
}

function sumBuckets(h: SparseHistogram): number {
  let s = 0;
  for (const c of h.buckets.values()) if (c > 0) s += c;
  return s;
}
