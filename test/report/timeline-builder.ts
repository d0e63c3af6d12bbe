// Builds per-second timelines with a known truth (which seconds fail, how
// slow they are), so phase and recovery figures can be checked to the second.
import type { SecondStats, Timeline } from '../../src/live/types.ts';

export interface SecondShape {
  requests?: number;
  failures?: number;
  p50?: number;
  p95?: number;
  p99?: number;
}

/** `count` seconds from unix second `start`; `shape(t)` overrides a healthy default second. */
export function buildTimeline(start: number, count: number, shape: (t: number) => SecondShape = () => ({})): Timeline {
  const total: SecondStats[] = [];
  for (let t = start; t < start + count; t++) {
    const s = { requests: 100, failures: 0, p50: 20, p95: 40, p99: 60, ...shape(t) };
    total.push({
      t,
      requests: s.requests,
      failures: s.failures,
      errorRate: s.requests === 0 ? 0 : s.failures / s.requests,
      p50: s.requests === 0 ? null : s.p50,
      p95: s.requests === 0 ? null : s.p95,
      p99: s.requests === 0 ? null : s.p99,
    });
  }
  return { total, series: {} };
}

/** An outage second: most requests fail fast. */
export const outage: SecondShape = { failures: 80, p50: 3, p95: 5, p99: 8 };
