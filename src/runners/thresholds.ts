// k6 threshold expressions ("p(95)<500", "rate<0.05", "count>=300") judged
// by loadctl on merged figures: with N runners each k6 judges only its own
// slice, so the verdict must be taken again over the whole. Pure.
import type { MetricResult, ThresholdResult } from '../results/types.ts';
import type { Verdict } from '../verdict/judge.ts';
import { metricKey, splitMetricKey } from '../results/summary.ts';
import { parseThreshold, thresholdFigure as figure, thresholdOps as ops, type ParsedThreshold } from '../verdict/thresholds.ts';

export { parseThreshold, type ParsedThreshold } from '../verdict/thresholds.ts';

/** Percentiles (0..100) the expressions name, so the merge computes them. */
export function percentilesNamed(expressions: readonly string[]): number[] {
  const out = new Set<number>();
  for (const e of expressions) {
    const p = parseThreshold(e)?.aggregation.match(/^p\(([\d.]+)\)$/);
    if (p) out.add(Number(p[1]));
  }
  return [...out];
}

export interface MergedThreshold extends ThresholdResult {
  /** The merged figure compared, when there was one. */
  actual?: number;
  /** Why it could not be judged. */
  problem?: string;
}

/** What the merge knows beyond the merged figures: each percentile's error, and the runners' own exact figures. */
export interface MergeKnowledge {
  /** Largest relative error of a merged percentile of this metric key; undefined when exact. */
  relativeError(key: string): number | undefined;
  /** Each runner's own figure for this aggregation (its summary), in runner order; undefined when a runner has none. */
  runnerFigures(key: string, aggregation: string): Array<number | undefined>;
}

const fmt = (v: number) => `${+v.toPrecision(6)}`;

/**
 * A percentile threshold whose bound lies inside the merged figure's error:
 * said so, with which way the runners' own exact figures point. When every
 * runner's own figure holds (or every one crosses), the pooled figure cannot
 * be on the other side by more than the error, so that is the verdict;
 * otherwise the merged figure decides.
 */
function borderline(t: ParsedThreshold, actual: number, error: number, figures: Array<number | undefined>): { ok: boolean; note: string } | undefined {
  const lo = actual - Math.abs(actual) * error;
  const hi = actual + Math.abs(actual) * error;
  if (!(t.value >= lo && t.value <= hi)) return undefined;
  const known = figures.filter((f): f is number => f !== undefined);
  const holding = known.filter((f) => ops[t.op](f, t.value)).length;
  const complete = known.length === figures.length && known.length > 0;
  const ok = complete && holding === known.length ? true : complete && holding === 0 ? false : ops[t.op](actual, t.value);
  const own = known.length === 0 ? 'no runner\'s own figure is known'
    : `the runners' own exact ${t.aggregation}: ${known.map(fmt).join(', ')} (${holding === known.length ? 'all hold' : holding === 0 ? 'all cross' : `${holding} of ${known.length} hold`}${complete ? '' : `; ${figures.length - known.length} runner(s) without a summary`})`;
  return { ok, note: `${t.value} lies within the merged figure's error (±${+(error * 100).toFixed(3)} %: ${fmt(lo)}–${fmt(hi)}); ${own}; judged ${ok ? 'held' : 'crossed'}` };
}

/**
 * The profile's targets on merged percentiles, as thresholds are: one whose
 * bound lies within the merged figure's error follows the runners' own exact
 * figures when they agree, and its detail says so. Returns the verdict with
 * its counts redone (`judged`: there were results to judge).
 */
export function nearTargets(verdict: Verdict, knowledge: MergeKnowledge, judged: boolean): Verdict {
  const targets = verdict.targets.map((t) => {
    const aggregation = t.target.stat === 'med' || t.target.stat === 'p50' ? 'med' : /^p\d+$/.test(t.target.stat) ? `p(${t.target.stat.slice(1)})` : undefined;
    const error = aggregation ? knowledge.relativeError(t.key) : undefined;
    if (!aggregation || !error || t.actual === undefined) return t;
    const near = borderline({ aggregation, op: t.target.op, value: t.target.value }, t.actual, error, knowledge.runnerFigures(t.key, aggregation));
    return near ? { ...t, ok: near.ok, failure: near.ok ? undefined : ('missed' as const), detail: `${t.detail} (${near.note})` } : t;
  });
  const failedTargets = targets.filter((t) => !t.ok).length;
  return { ...verdict, targets, failedTargets, ok: judged && failedTargets === 0 && verdict.failedThresholds === 0 };
}

/**
 * Judges each declared threshold on the merged metrics. One that cannot be
 * parsed, or whose figure is missing, fails with the reason: nobody judged it.
 */
export function judgeThresholds(
  declared: ReadonlyArray<{ metric: string; expression: string }>,
  metrics: Readonly<Record<string, MetricResult>>,
  knowledge?: MergeKnowledge,
): MergedThreshold[] {
  return declared.map(({ metric, expression }) => {
    const { metric: name, tags } = splitMetricKey(metric);
    const m = metrics[metricKey(name, tags)];
    const parsed = parseThreshold(expression);
    if (!parsed) return { metric, expression, ok: false, problem: 'loadctl cannot read this expression to judge it over the merged runners' };
    if (!m) return { metric, expression, ok: false, missing: true, problem: 'no runner reported this metric' };
    const actual = figure(m, parsed.aggregation);
    if (actual === undefined) return { metric, expression, ok: false, problem: `no merged ${parsed.aggregation} for ${metric}` };
    const key = metricKey(name, tags);
    const error = m.type === 'trend' && /^(p\(|med$)/.test(parsed.aggregation) ? knowledge?.relativeError(key) : undefined;
    const near = error ? borderline(parsed, actual, error, knowledge!.runnerFigures(key, parsed.aggregation)) : undefined;
    if (near) return { metric, expression, ok: near.ok, actual, note: near.note };
    return { metric, expression, ok: ops[parsed.op](actual, parsed.value), actual };
  });
}
