// N runners' end-of-test summaries -> one RunResults, as if one k6 had run the
// whole test. Pure. What is exact and what is not:
//  - counters (count), rates (passes, fails) and checks: summed, exact;
//  - counter rates (per second): summed, since the slices run side by side;
//  - trends: count summed, min/max the extremes (exact), avg from the
//    histograms' sums; percentiles from the runners' native histograms merged
//    bucket by bucket (within one bucket, ~9 % at k6's schema 3), never an
//    average of each runner's p(99);
//  - gauges (vus, vus_max): each runner's figure summed (the fleet's).
import type { CheckResult, MetricResult, RunResults, ThresholdResult } from '../results/types.ts';
import { assemble, toMetric } from '../results/summary.ts';
import type { MergedTrend } from '../live/final-histograms.ts';

export interface TrendSource {
  merged(metric: string, tags?: Readonly<Record<string, string>>): MergedTrend | undefined;
}

export interface MergeInput {
  /** Each runner's parsed summary, in runner order. */
  runners: readonly RunResults[];
  /** The live feed's whole-run histograms. */
  histograms: TrendSource;
  /** Percentiles (0..100) to compute besides 50, 90, 95, 99. */
  percentiles?: readonly number[];
  /** The thresholds judged on the merged figures (see thresholds.ts). */
  thresholds?: ThresholdResult[];
}

export interface MergeNotes {
  /** Trends whose percentiles came from merged histograms, with the bucket width. */
  histogramTrends: Array<{ key: string; bucketWidth: number; series: number; count: number }>;
  /** Trends no runner's histograms covered: their percentiles are left out. */
  trendsWithoutHistograms: string[];
}

const STANDARD = [50, 90, 95, 99];
const sum = (xs: Array<number | undefined>): number | undefined => {
  const present = xs.filter((x): x is number => x !== undefined);
  return present.length === 0 ? undefined : present.reduce((a, b) => a + b, 0);
};

function mergeTrend(parts: MetricResult[], trend: MergedTrend | undefined, percentiles: readonly number[]): Record<string, number> {
  const raw: Record<string, number> = {};
  const mins = parts.map((p) => p.raw.min).filter((x): x is number => x !== undefined);
  const maxs = parts.map((p) => p.raw.max).filter((x): x is number => x !== undefined);
  if (mins.length > 0) raw.min = Math.min(...mins);
  if (maxs.length > 0) raw.max = Math.max(...maxs);
  const count = sum(parts.map((p) => p.raw.count));
  if (count !== undefined) raw.count = count;
  if (trend) {
    if (trend.avg !== null) raw.avg = trend.avg;
    for (const p of percentiles) {
      const v = trend.percentile(p);
      if (v !== null) raw[`p(${p})`] = v;
    }
    if (raw['p(50)'] !== undefined) raw.med = raw['p(50)'];
  } else if (count !== undefined && count > 0 && parts.every((p) => p.raw.avg !== undefined && p.raw.count !== undefined)) {
    raw.avg = parts.reduce((a, p) => a + p.raw.avg! * p.raw.count!, 0) / count;
  }
  return raw;
}

function mergeMetric(key: string, parts: MetricResult[], input: MergeInput, notes: MergeNotes): MetricResult {
  const first = parts[0]!;
  let raw: Record<string, number> = {};
  if (first.type === 'counter') {
    raw = { count: sum(parts.map((p) => p.raw.count)) ?? 0, rate: sum(parts.map((p) => p.raw.rate)) ?? 0 };
  } else if (first.type === 'rate') {
    const passes = sum(parts.map((p) => p.raw.passes)) ?? 0;
    const fails = sum(parts.map((p) => p.raw.fails)) ?? 0;
    raw = { passes, fails, rate: passes + fails > 0 ? passes / (passes + fails) : 0 };
  } else if (first.type === 'gauge') {
    for (const stat of ['value', 'min', 'max']) {
      const v = sum(parts.map((p) => p.raw[stat]));
      if (v !== undefined) raw[stat] = v;
    }
  } else {
    const trend = input.histograms.merged(first.metric, first.tags);
    const percentiles = [...new Set([...STANDARD, ...(input.percentiles ?? [])])];
    raw = mergeTrend(parts, trend && trend.count > 0 ? trend : undefined, percentiles);
    if (trend && trend.count > 0) notes.histogramTrends.push({ key, bucketWidth: trend.bucketWidth, series: trend.series, count: trend.count });
    else if (parts.some((p) => !p.empty)) notes.trendsWithoutHistograms.push(key);
  }
  return toMetric(first.key, first.type, first.contains, raw);
}

function mergeChecks(runners: readonly RunResults[]): CheckResult[] {
  const byPath = new Map<string, CheckResult>();
  for (const r of runners) {
    for (const c of r.checks.list) {
      const seen = byPath.get(c.path);
      if (seen) {
        seen.passes += c.passes;
        seen.fails += c.fails;
      } else byPath.set(c.path, { ...c });
    }
  }
  return [...byPath.values()];
}

export function mergeResults(input: MergeInput): { results: RunResults; notes: MergeNotes } {
  const notes: MergeNotes = { histogramTrends: [], trendsWithoutHistograms: [] };
  const keys = new Map<string, MetricResult[]>();
  for (const r of input.runners) {
    for (const [key, m] of Object.entries(r.metrics)) {
      const list = keys.get(key) ?? [];
      list.push(m);
      keys.set(key, list);
    }
  }
  const metrics: Record<string, MetricResult> = {};
  for (const [key, parts] of keys) metrics[key] = mergeMetric(key, parts, input, notes);
  const durations = input.runners.map((r) => r.durationMs).filter((d): d is number => d !== undefined);
  const results = assemble(
    input.runners.every((r) => r.source === 'handleSummary') ? 'handleSummary' : 'summary-export',
    durations.length > 0 ? Math.max(...durations) : undefined,
    metrics,
    input.thresholds ?? [],
    { checks: mergeChecks(input.runners) },
  );
  return { results, notes };
}
