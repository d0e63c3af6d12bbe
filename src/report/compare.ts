// Compares a run with a baseline run metric by metric and flags regressions
// beyond a tolerance. Pure: `loadctl report --baseline` turns the result into
// a table and an exit code.
import type { RunRecord } from './run-record.ts';

export type Direction = 'lower-is-better' | 'higher-is-better';

export interface MetricDelta {
  metric: string;
  unit: 'ms' | 'rate' | 'req/s' | 's';
  direction: Direction;
  baseline: number | null;
  current: number | null;
  /** (current - baseline) / baseline; null when either side is missing or the baseline is 0. */
  change: number | null;
  regression: boolean;
  /** Why it is (or is not) a regression, when not obvious from the numbers. */
  note: string;
}

export interface Comparison {
  baselineDir: string;
  currentDir: string;
  /** Relative tolerance, e.g. 0.1 for 10 %. */
  tolerance: number;
  deltas: MetricDelta[];
  regressions: number;
}

interface MetricSpec {
  metric: string;
  unit: MetricDelta['unit'];
  direction: Direction;
  /**
   * Absolute change that never counts, however large relatively: without it a
   * 0.01 % -> 0.02 % error rate or 2 ms -> 3 ms p50 would be a "100 % regression".
   */
  slack: number;
  pick: (r: RunRecord) => number | null;
}

const specs: MetricSpec[] = [
  { metric: 'p50 latency', unit: 'ms', direction: 'lower-is-better', slack: 1, pick: (r) => r.metrics.p50 },
  { metric: 'p95 latency', unit: 'ms', direction: 'lower-is-better', slack: 1, pick: (r) => r.metrics.p95 },
  { metric: 'p99 latency', unit: 'ms', direction: 'lower-is-better', slack: 1, pick: (r) => r.metrics.p99 },
  { metric: 'error rate', unit: 'rate', direction: 'lower-is-better', slack: 0.001, pick: (r) => r.metrics.errorRate },
  { metric: 'checks passed', unit: 'rate', direction: 'higher-is-better', slack: 0.001, pick: (r) => r.metrics.checksRate },
  { metric: 'request rate', unit: 'req/s', direction: 'higher-is-better', slack: 0.5, pick: (r) => r.metrics.requestRate },
  { metric: 'user recovery', unit: 's', direction: 'lower-is-better', slack: 1, pick: (r) => r.phases?.recovery.userRecoverySeconds ?? null },
  { metric: 'container recovery', unit: 's', direction: 'lower-is-better', slack: 1, pick: (r) => r.phases?.recovery.containerRecoverySeconds ?? null },
];

/** Parses a percentage, "10%", "10 %" or "10", into a fraction (0.1); null when it is not one. */
export function parseTolerance(text: string): number | null {
  const m = /^\s*(\d+(?:\.\d+)?)\s*%?\s*$/.exec(text);
  if (!m) return null;
  return Number(m[1]) / 100;
}

export function compareMetric(spec: Omit<MetricSpec, 'pick'>, baseline: number | null, current: number | null, tolerance: number): MetricDelta {
  const base = { metric: spec.metric, unit: spec.unit, direction: spec.direction, baseline, current };
  if (baseline === null || current === null) {
    // A baseline with recovery figures and a current run that never recovered is the worst regression of all.
    const lost = spec.unit === 's' && baseline !== null && current === null;
    return { ...base, change: null, regression: lost, note: lost ? 'no figure in this run (never recovered?)' : 'not in both runs' };
  }
  const worse = spec.direction === 'lower-is-better' ? current - baseline : baseline - current;
  const change = baseline === 0 ? null : (current - baseline) / baseline;
  const allowed = Math.max(Math.abs(baseline) * tolerance, spec.slack);
  const regression = worse > allowed;
  const note = regression ? `worse by more than ${fmtAllowed(allowed, spec.unit)}` : '';
  return { ...base, change, regression, note };
}

function fmtAllowed(v: number, unit: MetricDelta['unit']): string {
  return unit === 'rate' ? `${(v * 100).toFixed(2)} points` : `${Number(v.toFixed(1))} ${unit}`;
}

export function compareRuns(baseline: RunRecord, current: RunRecord, tolerance: number): Comparison {
  const deltas = specs
    .map((spec) => compareMetric(spec, spec.pick(baseline), spec.pick(current), tolerance))
    .filter((d) => d.baseline !== null || d.current !== null);
  // A target that held in the baseline and fails now is a regression whatever the tolerance.
  for (const t of current.targets) {
    const before = baseline.targets.find((b) => b.name === t.name);
    if (before?.passed && !t.passed) {
      deltas.push({
        metric: `target: ${t.name}`, unit: 'rate', direction: 'higher-is-better', baseline: 1, current: 0,
        change: null, regression: true, note: 'passed in the baseline, fails now',
      });
    }
  }
  return {
    baselineDir: baseline.dir,
    currentDir: current.dir,
    tolerance,
    deltas,
    regressions: deltas.filter((d) => d.regression).length,
  };
}

export function formatValue(v: number | null, unit: MetricDelta['unit']): string {
  if (v === null) return 'n/a';
  if (unit === 'rate') return `${(v * 100).toFixed(2)} %`;
  if (unit === 'ms') return `${v.toFixed(1)} ms`;
  if (unit === 's') return `${Number(v.toFixed(3))} s`;
  return `${v.toFixed(1)} req/s`;
}

/** The comparison as a markdown table, ready for a PR comment. */
export function comparisonTable(c: Comparison): string {
  const lines = ['| Metric | Baseline | This run | Change | Verdict |', '|---|---:|---:|---:|---|'];
  for (const d of c.deltas) {
    if (d.metric.startsWith('target: ')) {
      lines.push(`| ${d.metric.replace(/\|/g, '\\|')} | PASS | FAIL | | REGRESSION: ${d.note} |`);
      continue;
    }
    const change = d.change === null ? '' : `${d.change >= 0 ? '+' : ''}${(d.change * 100).toFixed(1)} %`;
    const verdict = d.regression ? `REGRESSION${d.note ? `: ${d.note}` : ''}` : d.note || 'ok';
    lines.push(`| ${d.metric} | ${formatValue(d.baseline, d.unit)} | ${formatValue(d.current, d.unit)} | ${change} | ${verdict} |`);
  }
  return `${lines.join('\n')}\n`;
}
