// k6 threshold expressions ("p(95)<500", "rate<0.05", "count>=300") judged
// by loadctl on merged figures: with N runners each k6 judges only its own
// slice, so the verdict must be taken again over the whole. Pure.
import type { MetricResult, ThresholdResult } from '../results/types.ts';
import { metricKey, splitMetricKey } from '../results/summary.ts';
import { parseThreshold, thresholdFigure as figure, thresholdOps as ops } from '../verdict/thresholds.ts';

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

/**
 * Judges each declared threshold on the merged metrics. One that cannot be
 * parsed, or whose figure is missing, fails with the reason: nobody judged it.
 */
export function judgeThresholds(
  declared: ReadonlyArray<{ metric: string; expression: string }>,
  metrics: Readonly<Record<string, MetricResult>>,
): MergedThreshold[] {
  return declared.map(({ metric, expression }) => {
    const { metric: name, tags } = splitMetricKey(metric);
    const m = metrics[metricKey(name, tags)];
    const parsed = parseThreshold(expression);
    if (!parsed) return { metric, expression, ok: false, problem: 'loadctl cannot read this expression to judge it over the merged runners' };
    if (!m) return { metric, expression, ok: false, missing: true, problem: 'no runner reported this metric' };
    const actual = figure(m, parsed.aggregation);
    if (actual === undefined) return { metric, expression, ok: false, problem: `no merged ${parsed.aggregation} for ${metric}` };
    return { metric, expression, ok: ops[parsed.op](actual, parsed.value), actual };
  });
}
