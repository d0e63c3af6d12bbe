// N runners' end-of-test summaries -> one RunResults, as if one k6 had run the
// whole test. Pure. What is exact and what is not:
//  - counters (count), rates (passes, fails) and checks: summed, exact;
//  - counter rates (per second): summed, since the slices run side by side;
//  - trends: count summed, min/max the extremes (exact), avg from the exact
//    sums; percentiles from the runners' every sample (sketches within 0.1 %,
//    src/live/sketch.ts) or, without them, from their native histograms
//    merged bucket by bucket (within one bucket, ~9 % at k6's schema 3); never
//    an average of each runner's p(99). Then clamped to what is known
//    exactly: never above the max nor below the min, and between the
//    runners' own figures (see clampPercentile);
//  - gauges (vus, vus_max): each runner's figure summed (the fleet's).
import type { CheckResult, MetricResult, RunResults, ThresholdResult } from '../results/types.ts';
import { assemble, toMetric } from '../results/summary.ts';
import type { MergedTrend } from '../live/final-histograms.ts';

export interface TrendSource {
  merged(metric: string, tags?: Readonly<Record<string, string>>): MergedTrend | undefined;
  /** The live feed only: what one runner's pushes counted of its requests. */
  requestsOf?(runner: number): { requests: number; failures: number } | undefined;
}

export interface MergeInput {
  /** Each runner's parsed summary, in runner order. */
  runners: readonly RunResults[];
  /** The runner id of each summary; with `missing`, so the clamp knows whose figures it has. */
  runnerIds?: readonly number[];
  /** Runners that left no summary (killed): their samples may still be in `histograms`. */
  missing?: readonly number[];
  /** Those runners' requests as their live-feed pushes counted them, added to http_reqs and http_req_failed. */
  fromFeed?: { requests: number; failures: number };
  /** The live feed's whole-run histograms. */
  histograms: TrendSource;
  /** Percentiles (0..100) to compute besides 50, 90, 95, 99. */
  percentiles?: readonly number[];
  /** The thresholds judged on the merged figures (see thresholds.ts). */
  thresholds?: ThresholdResult[];
}

export interface MergeNotes {
  /** Trends with merged percentiles: where from, and the largest relative error of one. */
  histogramTrends: Array<{ key: string; source: MergedTrend['source']; relativeError: number; series: number; count: number }>;
  /** Merged percentiles moved onto what is known exactly (the max, the runners' own figures). */
  clamped: Array<{ key: string; stat: string; from: number; to: number; why: string }>;
  /** Trends no runner's histograms covered: their percentiles are left out. */
  trendsWithoutHistograms: string[];
}

const STANDARD = [50, 90, 95, 99];
const sum = (xs: Array<number | undefined>): number | undefined => {
  const present = xs.filter((x): x is number => x !== undefined);
  return present.length === 0 ? undefined : present.reduce((a, b) => a + b, 0);
};

function mergeTrend(key: string, parts: MetricResult[], trend: MergedTrend | undefined, ctx: TrendContext): Record<string, number> {
  const raw: Record<string, number> = {};
  const mins = parts.map((p) => p.raw.min).filter((x): x is number => x !== undefined);
  const maxs = parts.map((p) => p.raw.max).filter((x): x is number => x !== undefined);
  // Samples keep exact extremes, a killed runner's included.
  if (trend?.min != null) mins.push(trend.min);
  if (trend?.max != null) maxs.push(trend.max);
  if (mins.length > 0) raw.min = Math.min(...mins);
  if (maxs.length > 0) raw.max = Math.max(...maxs);
  let count = sum(parts.map((p) => p.raw.count));
  // A runner without a summary: its samples that arrived count.
  if (trend?.source === 'samples' && ctx.missing.length > 0 && (count === undefined || trend.count > count)) count = trend.count;
  if (count !== undefined) raw.count = count;
  if (trend) {
    if (trend.avg !== null) raw.avg = trend.avg;
    for (const p of ctx.percentiles) {
      const v = trend.percentile(p);
      if (v === null) continue;
      raw[`p(${p})`] = clampPercentile(v, p, raw, parts, ctx.runnerTrends(parts), ctx.missing.length === 0, (to, why) => ctx.notes.clamped.push({ key, stat: `p(${p})`, from: v, to, why }));
    }
    if (raw['p(50)'] !== undefined) raw.med = raw['p(50)'];
  } else if (count !== undefined && count > 0 && parts.every((p) => p.raw.avg !== undefined && p.raw.count !== undefined)) {
    raw.avg = parts.reduce((a, p) => a + p.raw.avg! * p.raw.count!, 0) / count;
  }
  return raw;
}

interface TrendContext {
  percentiles: readonly number[];
  missing: readonly number[];
  /** Each part's own samples (same order), when the source has them. */
  runnerTrends(parts: MetricResult[]): Array<MergedTrend | undefined>;
  notes: MergeNotes;
}

/**
 * A merged percentile moved onto what is known exactly. Within [min, max]
 * always. Between the runners' own figures when every runner's are known:
 * the pooled p lies between the smallest and largest of the order
 * statistics each runner interpolates between (its `bracket`, from its own
 * samples); without samples, between the runners' own p(N)s from their
 * summaries (exact for rank percentiles; k6's interpolation can in rare
 * cases put the pooled figure a little outside, at a cluster's edge).
 */
export function clampPercentile(
  v: number, p: number, raw: Readonly<Record<string, number>>, parts: readonly MetricResult[],
  own: ReadonlyArray<MergedTrend | undefined>, complete: boolean, moved: (to: number, why: string) => void,
): number {
  let lo = raw.min ?? -Infinity;
  let hi = raw.max ?? Infinity;
  let why = 'the merged max';
  if (complete) {
    const live = parts.map((part, i) => ({ part, own: own[i] })).filter((x) => !x.part.empty && (x.part.raw.count ?? 1) > 0);
    const brackets = live.map((x) => x.own?.bracket?.(p) ?? null);
    const figures = live.map((x) => x.part.raw[`p(${p})`]);
    if (live.length > 0 && brackets.every((b) => b !== null)) {
      lo = Math.max(lo, Math.min(...brackets.map((b) => b![0])));
      hi = Math.min(hi, Math.max(...brackets.map((b) => b![1])));
      why = 'the runners\' own samples around their p';
    } else if (live.length > 0 && figures.every((f) => f !== undefined)) {
      lo = Math.max(lo, Math.min(...(figures as number[])));
      hi = Math.min(hi, Math.max(...(figures as number[])));
      why = 'the runners\' own exact figures';
    }
  }
  if (v > hi) {
    moved(hi, hi === raw.max ? 'the merged max' : why);
    return hi;
  }
  if (v < lo) {
    moved(lo, lo === raw.min ? 'the merged min' : why);
    return lo;
  }
  return v;
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
    const ids = input.runnerIds ?? input.runners.map((_, i) => i);
    const ctx: TrendContext = {
      percentiles: [...new Set([...STANDARD, ...(input.percentiles ?? [])])],
      missing: input.missing ?? [],
      notes,
      runnerTrends: (ps) => (trend?.source !== 'samples' ? ps.map(() => undefined) : ps.map((part) => {
        const i = input.runners.findIndex((r) => r.metrics[key] === part);
        return input.histograms.merged(first.metric, { ...first.tags, runner: String(ids[i]) });
      })),
    };
    raw = mergeTrend(key, parts, trend && trend.count > 0 ? trend : undefined, ctx);
    if (trend && trend.count > 0) notes.histogramTrends.push({ key, source: trend.source, relativeError: trend.relativeError, series: trend.series, count: trend.count });
    else if (parts.some((p) => !p.empty)) notes.trendsWithoutHistograms.push(key);
  }
  return toMetric(first.key, first.type, first.contains, raw);
}

/** A killed runner's requests, as the live feed counted them, into the totals (the submetrics stay the summaries'). */
function addFromFeed(metrics: Record<string, MetricResult>, feed: { requests: number; failures: number }): void {
  const reqs = metrics.http_reqs;
  if (reqs) {
    const count = (reqs.raw.count ?? 0) + feed.requests;
    const rate = reqs.raw.count ? (reqs.raw.rate ?? 0) * (count / reqs.raw.count) : reqs.raw.rate ?? 0;
    metrics.http_reqs = toMetric(reqs.key, reqs.type, reqs.contains, { ...reqs.raw, count, rate });
  }
  const failed = metrics.http_req_failed;
  if (failed) {
    // A rate's passes are its true samples: failed requests.
    const passes = (failed.raw.passes ?? 0) + feed.failures;
    const fails = (failed.raw.fails ?? 0) + feed.requests - feed.failures;
    metrics.http_req_failed = toMetric(failed.key, failed.type, failed.contains, { passes, fails, rate: passes + fails > 0 ? passes / (passes + fails) : 0 });
  }
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
  const notes: MergeNotes = { histogramTrends: [], clamped: [], trendsWithoutHistograms: [] };
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
  if (input.fromFeed) addFromFeed(metrics, input.fromFeed);
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
