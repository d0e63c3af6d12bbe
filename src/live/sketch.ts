// A mergeable quantile sketch with a fixed relative error (the DDSketch
// idea: logarithmic buckets, each value counted in the bucket whose
// representative is within ALPHA of it). Used to merge N runners' trend
// samples into the percentiles one k6 would have computed over all of them.
//
// Why the bound holds for k6's own percentile rule: k6 interpolates between
// the order statistics at floor(p(n-1)) and ceil(p(n-1)). Each of the two is
// read back within ALPHA of its true value (same sign), and a convex
// combination of two such estimates is within ALPHA of the combination of
// the true values. So every percentile, med included, is within ALPHA
// (relative) of k6's figure over the same samples; min and max are exact.
//
// Memory: one counter per bucket between the smallest and the largest value
// seen (about 1,150 per decade of values at 0.1 %), whatever the sample count.

/** Relative error of every percentile read from a sketch: 0.1 %. */
export const SKETCH_RELATIVE_ERROR = 0.001;
const GAMMA = (1 + SKETCH_RELATIVE_ERROR) / (1 - SKETCH_RELATIVE_ERROR);
const LOG_GAMMA = Math.log(GAMMA);
/** Below this magnitude a value counts as zero (k6 writes 0 for e.g. a reused connection's http_req_connecting). */
const TINY = 1e-9;

/** Counts per bucket index, kept dense over [offset, offset + counts.length). */
class Store {
  counts = new Float64Array(0);
  offset = 0;
  total = 0;

  add(i: number, n = 1): void {
    if (this.counts.length === 0) {
      this.counts = new Float64Array(64);
      this.offset = i - 32;
    } else if (i < this.offset || i >= this.offset + this.counts.length) {
      this.grow(i);
    }
    this.counts[i - this.offset]! += n;
    this.total += n;
  }

  private grow(i: number): void {
    const lo = Math.min(this.offset, i);
    const hi = Math.max(this.offset + this.counts.length, i + 1);
    // Doubling: a new extreme value costs amortised O(1).
    const size = Math.max(hi - lo, this.counts.length * 2);
    const offset = i < this.offset ? hi - size : lo;
    const next = new Float64Array(size);
    next.set(this.counts, this.offset - offset);
    this.counts = next;
    this.offset = offset;
  }

  merge(other: Store): void {
    for (let k = 0; k < other.counts.length; k++) if (other.counts[k]! > 0) this.add(other.offset + k, other.counts[k]!);
  }
}

export class LogSketch {
  private readonly positive = new Store();
  private readonly negative = new Store();
  private zeros = 0;
  count = 0;
  sum = 0;
  min = Infinity;
  max = -Infinity;

  add(v: number): void {
    if (Number.isNaN(v)) return;
    this.count++;
    this.sum += v;
    if (v < this.min) this.min = v;
    if (v > this.max) this.max = v;
    if (v > TINY) this.positive.add(Math.ceil(Math.log(v) / LOG_GAMMA));
    else if (v < -TINY) this.negative.add(Math.ceil(Math.log(-v) / LOG_GAMMA));
    else this.zeros++;
  }

  merge(other: LogSketch): void {
    if (other.count === 0) return;
    this.positive.merge(other.positive);
    this.negative.merge(other.negative);
    this.zeros += other.zeros;
    this.count += other.count;
    this.sum += other.sum;
    this.min = Math.min(this.min, other.min);
    this.max = Math.max(this.max, other.max);
  }

  /** The k-th smallest value (0-based), within the relative error; the extremes exactly. */
  private valueAt(k: number): number {
    if (k <= 0) return this.min;
    if (k >= this.count - 1) return this.max;
    let seen = 0;
    const neg = this.negative;
    // Negative values: the largest magnitude first.
    for (let j = neg.counts.length - 1; j >= 0; j--) {
      seen += neg.counts[j]!;
      if (seen > k) return this.clamp(-represent(neg.offset + j));
    }
    seen += this.zeros;
    if (seen > k) return 0;
    const pos = this.positive;
    for (let j = 0; j < pos.counts.length; j++) {
      seen += pos.counts[j]!;
      if (seen > k) return this.clamp(represent(pos.offset + j));
    }
    return this.max;
  }

  // The true value lies in [min, max]; clamping can only bring the estimate closer.
  private clamp(v: number): number {
    return Math.min(this.max, Math.max(this.min, v));
  }

  /** Percentile p (0..100) by k6's rule (linear between the two order statistics); null when empty. */
  percentile(p: number): number | null {
    const pair = this.around(p);
    return pair === null ? null : pair[0] + (pair[1] - pair[0]) * pair[2];
  }

  /**
   * The two order statistics k6 interpolates between for percentile p, and
   * the weight of the second. Every set of samples pooled with this one has
   * its p between the smallest first and the largest second of its parts.
   */
  around(p: number): [number, number, number] | null {
    if (this.count === 0) return null;
    const i = (p / 100) * (this.count - 1);
    const lo = Math.floor(i);
    const a = this.valueAt(lo);
    return Math.ceil(i) === lo ? [a, a, 0] : [a, this.valueAt(lo + 1), i - lo];
  }
}

/** The value bucket i stands for: within SKETCH_RELATIVE_ERROR of every value in (GAMMA^(i-1), GAMMA^i]. */
function represent(i: number): number {
  return (2 * GAMMA ** i) / (GAMMA + 1);
}
