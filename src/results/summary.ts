// Parses k6's end-of-test data into RunResults. Two inputs, one output:
//  - handleSummary data (what loadctl's injected hook writes): trend figures
//    nested under `values`, each metric typed, thresholds as {"ok": bool};
//  - --summary-export files: figures flat, no types, and threshold booleans
//    INVERTED (true means the threshold FAILED).
// Pure: text in, data out; a corrupt file is a value, not an exception.
import type { TargetStat } from './types.ts';
import type { CheckResult, MetricResult, MetricType, ParseOutcome, RunResults, ThresholdResult } from './types.ts';

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** "http_req_duration{name:book,method:POST}" -> metric and tags. */
export function splitMetricKey(key: string): { metric: string; tags: Record<string, string> } {
  const open = key.indexOf('{');
  if (open < 0 || !key.endsWith('}')) return { metric: key.trim(), tags: {} };
  const tags: Record<string, string> = {};
  for (const pair of key.slice(open + 1, -1).split(',')) {
    const colon = pair.indexOf(':');
    if (colon < 0) continue;
    tags[pair.slice(0, colon).trim()] = pair.slice(colon + 1).trim();
  }
  return { metric: key.slice(0, open).trim(), tags };
}

/** The key loadctl looks a metric up by: tags sorted, no spaces. */
export function metricKey(metric: string, tags: Record<string, string> = {}): string {
  const pairs = Object.keys(tags).sort().map((k) => `${k}:${tags[k]}`);
  return pairs.length === 0 ? metric : `${metric}{${pairs.join(',')}}`;
}

function numbers(source: Json): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(source)) if (typeof v === 'number' && Number.isFinite(v)) out[k] = v;
  return out;
}

/** --summary-export drops the metric type; recover it from which figures are present. */
function inferType(raw: Record<string, number>): MetricType | undefined {
  if ('passes' in raw || 'fails' in raw) return 'rate';
  if ('avg' in raw || 'med' in raw || Object.keys(raw).some((k) => k.startsWith('p('))) return 'trend';
  if ('value' in raw) return 'gauge';
  if ('count' in raw) return 'counter';
  return undefined;
}

const trendStatNames: Array<[string, TargetStat]> = [
  ['avg', 'avg'], ['min', 'min'], ['med', 'med'], ['max', 'max'], ['p(50)', 'p50'], ['p(90)', 'p90'], ['p(95)', 'p95'], ['p(99)', 'p99'], ['count', 'count'],
];

export function toMetric(key: string, type: MetricType, contains: MetricResult['contains'], raw: Record<string, number>): MetricResult {
  const { metric, tags } = splitMetricKey(key);
  const stats: MetricResult['stats'] = {};
  let samples: number | undefined;
  let empty: boolean;
  if (type === 'trend') {
    for (const [k6Name, stat] of trendStatNames) if (raw[k6Name] !== undefined) stats[stat] = raw[k6Name];
    if (stats.p50 === undefined && stats.med !== undefined) stats.p50 = stats.med;
    if (stats.med === undefined && stats.p50 !== undefined) stats.med = stats.p50;
    samples = raw.count;
    // k6 reports a trend that saw nothing as all zeros; without a count that is
    // the only sign, and reading it as "p99 = 0 ms" would pass a broken script.
    empty = samples !== undefined ? samples === 0 : Object.values(raw).every((v) => v === 0);
  } else if (type === 'rate') {
    const passes = raw.passes ?? 0;
    const fails = raw.fails ?? 0;
    samples = passes + fails;
    stats.rate = raw.rate ?? raw.value ?? (samples > 0 ? passes / samples : 0);
    stats.count = samples;
    empty = samples === 0;
  } else if (type === 'counter') {
    samples = raw.count;
    if (raw.count !== undefined) stats.count = raw.count;
    if (raw.rate !== undefined) stats.rate = raw.rate;
    empty = (samples ?? 0) === 0;
  } else {
    for (const s of ['min', 'max'] as const) if (raw[s] !== undefined) stats[s] = raw[s];
    samples = undefined;
    empty = Object.values(raw).every((v) => v === 0);
  }
  return { key, metric, tags, type, contains, stats, raw, samples, empty };
}

// handleSummary lists checks and groups as arrays; --summary-export as objects keyed by name.
const listOf = (v: unknown): unknown[] => (Array.isArray(v) ? v : isObject(v) ? Object.values(v) : []);

function walkChecks(group: unknown, out: CheckResult[]): void {
  if (!isObject(group)) return;
  for (const c of listOf(group.checks)) {
    if (!isObject(c)) continue;
    out.push({
      name: String(c.name ?? ''),
      path: String(c.path ?? c.name ?? ''),
      passes: typeof c.passes === 'number' ? c.passes : 0,
      fails: typeof c.fails === 'number' ? c.fails : 0,
    });
  }
  for (const g of listOf(group.groups)) walkChecks(g, out);
}

/** Every group's path under the root, depth first (k6's order). */
function walkGroups(group: unknown, out: string[], depth = 0): void {
  if (!isObject(group)) return;
  if (depth > 0) out.push(String(group.path ?? group.name ?? ''));
  for (const g of listOf(group.groups)) walkGroups(g, out, depth + 1);
}

function groupBy(metrics: Record<string, MetricResult>, tag: string): Record<string, Record<string, MetricResult>> {
  const out: Record<string, Record<string, MetricResult>> = {};
  for (const m of Object.values(metrics)) {
    const value = m.tags[tag];
    if (value === undefined || Object.keys(m.tags).length !== 1) continue;
    (out[value] ??= {})[m.metric] = m;
  }
  return out;
}

export function assemble(source: RunResults['source'], durationMs: number | undefined, metrics: Record<string, MetricResult>, thresholds: ThresholdResult[], rootGroup: unknown): RunResults {
  const list: CheckResult[] = [];
  walkChecks(rootGroup, list);
  const groups: string[] = [];
  walkGroups(rootGroup, groups);
  const checksMetric = metrics.checks;
  const reqs = metrics.http_reqs;
  const failed = metrics.http_req_failed;
  const duration = metrics.http_req_duration;
  return {
    source,
    durationMs,
    metrics,
    thresholds,
    checks: {
      passes: checksMetric?.raw.passes ?? list.reduce((n, c) => n + c.passes, 0),
      fails: checksMetric?.raw.fails ?? list.reduce((n, c) => n + c.fails, 0),
      rate: checksMetric && !checksMetric.empty ? checksMetric.stats.rate : undefined,
      list,
    },
    groups,
    http: {
      requests: reqs?.stats.count,
      requestRate: reqs?.stats.rate,
      errorRate: failed && !failed.empty ? failed.stats.rate : undefined,
      duration: duration && !duration.empty ? duration.stats : undefined,
    },
    iterations: { count: metrics.iterations?.stats.count, rate: metrics.iterations?.stats.rate },
    endpoints: groupBy(metrics, 'name'),
    scenarios: groupBy(metrics, 'scenario'),
  };
}

/** Normalises keys so "{name: book}" and "{name:book}" meet the same target. */
function add(metrics: Record<string, MetricResult>, m: MetricResult): void {
  metrics[metricKey(m.metric, m.tags)] = m;
}

function fromHandleSummary(data: Json): ParseOutcome {
  const metrics: Record<string, MetricResult> = {};
  const thresholds: ThresholdResult[] = [];
  for (const [key, entry] of Object.entries(data.metrics as Json)) {
    if (!isObject(entry) || !isObject(entry.values)) return { ok: false, error: `metric "${key}" has no "values" object` };
    const raw = numbers(entry.values);
    const type = (['trend', 'rate', 'counter', 'gauge'] as const).find((t) => t === entry.type) ?? inferType(raw);
    if (!type) return { ok: false, error: `metric "${key}" has an unknown type ${JSON.stringify(entry.type)}` };
    const contains = entry.contains === 'time' || entry.contains === 'data' || entry.contains === 'default' ? entry.contains : undefined;
    add(metrics, toMetric(key, type, contains, raw));
    if (isObject(entry.thresholds)) {
      for (const [expression, t] of Object.entries(entry.thresholds)) {
        thresholds.push({ metric: key, expression, ok: isObject(t) && t.ok === true });
      }
    }
  }
  const state = isObject(data.state) ? data.state : {};
  const duration = typeof state.testRunDurationMs === 'number' ? state.testRunDurationMs : undefined;
  return { ok: true, results: assemble('handleSummary', duration, metrics, thresholds, data.root_group) };
}

function fromSummaryExport(data: Json): ParseOutcome {
  const metrics: Record<string, MetricResult> = {};
  const thresholds: ThresholdResult[] = [];
  for (const [key, entry] of Object.entries(data.metrics as Json)) {
    if (!isObject(entry)) return { ok: false, error: `metric "${key}" is not an object` };
    const raw = numbers(entry);
    const type = inferType(raw);
    if (!type) continue; // nothing a target could read
    add(metrics, toMetric(key, type, undefined, raw));
    if (isObject(entry.thresholds)) {
      for (const [expression, failed] of Object.entries(entry.thresholds)) {
        // --summary-export writes true when the threshold was CROSSED.
        thresholds.push({ metric: key, expression, ok: failed === false });
      }
    }
  }
  return { ok: true, results: assemble('summary-export', undefined, metrics, thresholds, data.root_group) };
}

/** Parses either summary format from its JSON text. */
export function parseSummary(text: string): ParseOutcome {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    return { ok: false, error: `not valid JSON (${(error as Error).message})` };
  }
  if (!isObject(data)) return { ok: false, error: 'not a JSON object' };
  if ('results' in data && 'config' in data && !('metrics' in data)) {
    return { ok: false, error: "this is k6 v2's new machine-readable summary, which drops p(99) and thresholds; loadctl needs handleSummary data" };
  }
  if (!isObject(data.metrics)) return { ok: false, error: 'no "metrics" object' };
  const first = Object.values(data.metrics)[0];
  const nested = 'state' in data || 'options' in data || (isObject(first) && isObject(first.values));
  return nested ? fromHandleSummary(data) : fromSummaryExport(data);
}
