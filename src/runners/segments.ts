// How one test is split over N k6 instances: k6's execution segments. Each
// runner gets the slice (i/N, (i+1)/N] of every scenario, and all of them get
// the same sequence, which is what makes k6 hand out VUs, iterations and
// arrival rates so the slices add up exactly to the whole test. Pure.

export interface RunnerSlice {
  /** 0-based runner id; also the `runner` tag on its samples. */
  id: number;
  /** `--execution-segment`, e.g. "1/3:2/3". */
  segment: string;
  /** `--execution-segment-sequence`, the same for every runner, e.g. "0,1/3,2/3,1". */
  sequence: string;
}

/** The most runners one test is split over; more is a sign of a typo. */
export const MAX_RUNNERS = 64;

const gcd = (a: number, b: number): number => (b === 0 ? a : gcd(b, a % b));

function fraction(i: number, n: number): string {
  if (i === 0) return '0';
  if (i === n) return '1';
  const d = gcd(i, n);
  return `${i / d}/${n / d}`;
}

export function sliceTest(n: number): RunnerSlice[] {
  if (!Number.isInteger(n) || n < 1 || n > MAX_RUNNERS) throw new RangeError(`runner count must be 1..${MAX_RUNNERS}, got ${n}`);
  const points = Array.from({ length: n + 1 }, (_, i) => fraction(i, n));
  const sequence = points.join(',');
  return Array.from({ length: n }, (_, id) => ({ id, segment: `${points[id]}:${points[id + 1]}`, sequence }));
}

/** `--runners` as typed: a whole number 1..MAX_RUNNERS, or an error line. */
export function parseRunnerCount(text: string): number | { error: string } {
  if (!/^\d+$/.test(text)) return { error: `--runners "${text}" is not a whole number` };
  const n = Number(text);
  if (n < 1 || n > MAX_RUNNERS) return { error: `--runners ${n} is outside 1..${MAX_RUNNERS}` };
  return n;
}
