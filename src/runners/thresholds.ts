// k6 threshold expressions ("p(95)<500", "rate<0.05", "count>=300") judged
// by loadctl on merged figures: with N runners each k6 judges only its own
// slice, so the verdict must be taken again over the whole. Pure.
import type { MetricResult, ThresholdResult } from '../results/types.ts';
import { metricKey, splitMetricKey } from '../results/summary.ts';

export interface ParsedThreshold {
  /** k6's aggregation name: avg, min, max, med, count, rate, value or p(N). */
  aggregation: string;
  op: '<' | '<=' | '>' | '>=' | '==' | '===' | '!=';
  value: number;
}

const PATTERN = /^\s*(avg|min|max|med|count|rate|value|p\(\s*\d+(?:\.\d+)?\s*\))\s*(<=|>=|===|==|!=|<|>)\s*(-?\d+(?:\.\d+)?(?:e-?\d+)?)\s*$/;

export function parseThreshold(expression: string): ParsedThreshold | undefined {
  const m = PATTERN.exec(expression);
  if (!m) return undefined;
  return { aggregation: m[1]!.replace(/\s+/g, ''), op: m[2] as ParsedThreshold['op'], value: Number(m[3]) };
}

/** Percentiles (0..100) the expressions name, so the merge computes them. */
export function percentilesNamed(expressions: readonly string[]): number[] {
  const out = new Set<number>();
  for (const e of expressions) {
    const p = parseThreshold(e)?.aggregation.match(/^p\(([\d.]+)\)$/);
    if (p) out.add(Number(p[1]));
  }
  return [...out];
}

const ops: Record<ParsedThreshold['op'], (a: number, b: number) => boolean> = {
  '<': (a, b) => a < b, '<=': (a, b) => a <= b, '>': (a, b) => a > b, '>=': (a, b) => a >= b,
  '==': (a, b) => a === b, '===': (a, b) => a === b, '!=': (a, b) => a !== b,
};

/** The figure k6 would compare: counters' `count`, rates' `rate`, gauges' `value`, trends by name. */
function figure(metric: MetricResult, aggregation: string): number | undefined {
  if (aggregation === 'rate' && metric.type === 'rate') return metric.stats.rate;
  if (aggregation === 'value' && metric.type === 'gauge') return metric.raw.value;
  return metric.raw[aggregation];
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
