// k6 threshold expressions ("p(95)<500", "rate<0.05", "count>=300") read by
// loadctl: the figure k6 compares, shown beside held/crossed the way k6's
// own summary shows it ("p(95)=1.2s"), and whether the (sub)metric got any
// sample at all. k6 judges a threshold on a metric that saw nothing as held
// (a trend's p(95) of no samples is 0, a rate of nothing is 0); loadctl
// fails it, as it fails a target with no samples, unless the user allowed
// that threshold to be empty. Pure.
import type { MetricResult, ThresholdResult } from '../results/types.ts';
import type { Target } from '../profiles/types.ts';
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

export const thresholdOps: Record<ParsedThreshold['op'], (a: number, b: number) => boolean> = {
  '<': (a, b) => a < b, '<=': (a, b) => a <= b, '>': (a, b) => a > b, '>=': (a, b) => a >= b,
  '==': (a, b) => a === b, '===': (a, b) => a === b, '!=': (a, b) => a !== b,
};

/** The figure k6 would compare: counters' `count`, rates' `rate`, gauges' `value`, trends by name. */
export function thresholdFigure(metric: MetricResult, aggregation: string): number | undefined {
  if (aggregation === 'rate' && metric.type === 'rate') return metric.stats.rate;
  if (aggregation === 'value' && metric.type === 'gauge') return metric.raw.value;
  if (aggregation === 'count' && metric.type === 'counter') return metric.stats.count;
  if (aggregation === 'med') return metric.raw.med ?? metric.raw['p(50)'];
  return metric.raw[aggregation];
}

/** k6's way of printing a duration in its summary: "850ms", "1.2s", "2m3s". */
function k6Duration(ms: number): string {
  if (ms < 1) return `${Number((ms * 1000).toFixed(2))}µs`;
  if (ms < 1000) return `${Number(ms.toFixed(2))}ms`;
  if (ms < 60_000) return `${Number((ms / 1000).toFixed(2))}s`;
  const minutes = Math.floor(ms / 60_000);
  return `${minutes}m${Number(((ms - minutes * 60_000) / 1000).toFixed(2))}s`;
}

/** "p(95)=1.2s", "rate=0.52%", "count=12": the figure beside held/crossed. */
export function formatThresholdFigure(metric: Pick<MetricResult, 'type' | 'contains'>, aggregation: string, value: number): string {
  if (metric.type === 'rate' && aggregation === 'rate') return `rate=${Number((value * 100).toFixed(2))}%`;
  if (metric.type === 'trend' && metric.contains !== 'data' && metric.contains !== 'default') return `${aggregation}=${k6Duration(value)}`;
  return `${aggregation}=${Number(value.toFixed(4))}`;
}

/**
 * A counter that counts trouble (dropped iterations, a script's own error
 * counter) has no sample in a healthy run, and k6's count of it is then
 * really 0: a bound from above (`count<10`, `count==0`) is met, not unjudged.
 */
export function emptyIsZero(metric: Pick<MetricResult, 'type'>, parsed: ParsedThreshold | undefined): boolean {
  if (metric.type !== 'counter' || !parsed) return false;
  if (parsed.op === '<' || parsed.op === '<=') return parsed.value > 0 || (parsed.op === '<=' && parsed.value === 0);
  return (parsed.op === '==' || parsed.op === '===') && parsed.value === 0;
}

/**
 * Which thresholds the user allowed to see no sample: `--allow-no-samples`
 * entries (and the profile's `allowNoSamples`), each a threshold's metric key
 * ("http_req_failed{status:500}": every threshold on it) optionally followed
 * by one expression ("errors count<10").
 */
export function allowNoSamplesMatcher(entries: readonly string[]): (metric: string, expression: string) => boolean {
  const rules = entries.map(parseAllowEntry);
  return (metric, expression) => {
    const key = normaliseKey(metric);
    const expr = expression.replace(/\s+/g, '');
    return rules.some((r) => r.metric === key && (r.expression === undefined || r.expression === expr));
  };
}

/** "metric{tags} expr" -> its parts, the expression without spaces; a leading ':' before it is allowed. */
export function parseAllowEntry(entry: string): { metric: string; expression?: string } {
  const text = entry.trim();
  const close = text.indexOf('}');
  const end = text.includes('{') && close > 0 ? close + 1 : (/[\s:]/.exec(text)?.index ?? text.length);
  const rest = text.slice(end).trim().replace(/^:\s*/, '').replace(/\s+/g, '');
  return { metric: normaliseKey(text.slice(0, end)), ...(rest ? { expression: rest } : {}) };
}

/** An --allow-no-samples entry that is not a threshold, as one line; undefined when fine. */
export function allowEntryProblem(entry: string): string | undefined {
  const { metric, expression } = parseAllowEntry(entry);
  if (!/^[A-Za-z_][A-Za-z0-9_]*(\{.*\})?$/.test(metric)) return `"${entry}" does not start with a k6 metric name such as http_req_failed or http_req_failed{status:500}`;
  if (expression !== undefined && !parseThreshold(expression)) return `"${expression}" is not a k6 threshold expression such as p(95)<500 or rate<0.01`;
  return undefined;
}

/**
 * The k6 threshold a target adds (k6 reports a submetric only when a
 * threshold names it). It judges the same figure as the target, so the
 * verdict shows the target alone, not one breach twice.
 */
export function targetThreshold(t: Pick<Target, 'metric' | 'tags' | 'stat' | 'op' | 'value'>): { metric: string; expression: string } {
  const stat = /^p\d+$/.test(t.stat) ? `p(${t.stat.slice(1)})` : t.stat;
  return { metric: metricKey(t.metric, t.tags), expression: `${stat}${t.op}${t.value}` };
}

export function normaliseKey(metric: string): string {
  const { metric: name, tags } = splitMetricKey(metric);
  return metricKey(name, tags);
}

/**
 * A reported threshold with its figure and its samples: one whose metric got
 * nothing fails (k6 said held on no data) unless `allowed` says it may.
 */
export function withFigure(
  t: ThresholdResult,
  metrics: Readonly<Record<string, MetricResult>> | undefined,
  allowed: (metric: string, expression: string) => boolean,
): ThresholdResult {
  const m = metrics?.[normaliseKey(t.metric)];
  if (!m || t.missing) return t;
  const parsed = parseThreshold(t.expression);
  const value = parsed ? thresholdFigure(m, parsed.aggregation) : undefined;
  const out: ThresholdResult = { ...t, ...(parsed && value !== undefined && !m.empty ? { figure: formatThresholdFigure(m, parsed.aggregation, value) } : {}) };
  if (!m.empty) return out;
  if (emptyIsZero(m, parsed)) return { ...out, figure: `${parsed!.aggregation}=0` };
  const allow = allowed(t.metric, t.expression);
  return { ...out, noSamples: true, ok: t.ok && allow, ...(allow ? { allowedEmpty: true } : {}) };
}
