// From a validated profile to what the bundler, runner and verdict need:
// normalised targets and k6 options. Pure.
import type { Target, TargetOp, TargetStat } from './types.ts';
import { targetThreshold } from '../verdict/thresholds.ts';
import { TARGET_STRING_RE, type ProfileSpec, type TargetSpec, type Validation } from './schema.ts';

/** Trend stats every bundle reports; `count` lets the verdict spot an empty trend. */
export const SUMMARY_TREND_STATS = ['avg', 'min', 'med', 'max', 'p(90)', 'p(95)', 'p(99)', 'count'] as const;

/** The Milestone 6 targets every profile gets unless it sets defaultTargets: false. */
export const DEFAULT_TARGETS: readonly Target[] = [
  { name: 'booking P99', metric: 'booking_duration', stat: 'p99', op: '<', value: 2000 },
  { name: 'error rate', metric: 'http_req_failed', stat: 'rate', op: '<', value: 0.05 },
];

/** The `name` tags scenarios/lib puts on its requests. */
export const LIBRARY_ENDPOINTS = ['login', 'search_events', 'view_seats', 'hold_seats', 'confirm_booking', 'cancel_booking'] as const;

/**
 * Thresholds that always hold, added only so k6 reports a submetric per
 * endpoint (it reports none that no threshold names). Readers of k6's
 * threshold results can leave them out with isObserverThreshold.
 */
export const OBSERVER_THRESHOLDS: Readonly<Record<string, string>> = { http_req_duration: 'max>=0', http_req_failed: 'rate>=0' };

/** The submetric that counts 401 answers, so a run can say its logins were refused. */
export const UNAUTHORIZED_METRIC = 'http_req_failed{status:401}';

/** Expressions no sample can break: on a submetric they only make k6 report it (a script's --target on one). */
const ALWAYS_HOLDS = new Set(['max>=0', 'rate>=0', 'count>=0']);

export function isObserverThreshold(metric: string, expression: string): boolean {
  const { metric: base, tags } = splitMetric(metric);
  const expr = expression.replace(/\s/g, '');
  return OBSERVER_THRESHOLDS[base] === expr || (tags !== undefined && ALWAYS_HOLDS.has(expr));
}

type MetricKind = 'trend' | 'rate' | 'counter' | 'gauge';

/** Types of the metrics k6 and scenarios/lib emit, to catch a stat k6 would reject. */
export const KNOWN_METRICS: Readonly<Record<string, MetricKind>> = {
  http_req_duration: 'trend', http_req_waiting: 'trend', http_req_connecting: 'trend', http_req_tls_handshaking: 'trend',
  http_req_sending: 'trend', http_req_receiving: 'trend', http_req_blocked: 'trend', iteration_duration: 'trend', group_duration: 'trend',
  http_req_failed: 'rate', checks: 'rate', http_reqs: 'counter', iterations: 'counter', data_sent: 'counter', data_received: 'counter',
  dropped_iterations: 'counter', vus: 'gauge', vus_max: 'gauge',
  booking_duration: 'trend', booking_success: 'rate', booking_lock_failures: 'counter',
};

export const STATS_BY_KIND: Record<MetricKind, readonly TargetStat[]> = {
  trend: ['avg', 'min', 'med', 'max', 'p50', 'p90', 'p95', 'p99'],
  rate: ['rate'],
  counter: ['count', 'rate'],
  gauge: ['min', 'max'],
};

/** "http_req_duration{name:login,flow:book}" -> metric and tags. */
export function splitMetric(key: string): { metric: string; tags?: Record<string, string> } {
  const brace = key.indexOf('{');
  if (brace < 0) return { metric: key };
  const tags: Record<string, string> = {};
  for (const pair of key.slice(brace + 1, -1).split(',')) {
    const colon = pair.indexOf(':');
    if (colon > 0) tags[pair.slice(0, colon).trim()] = pair.slice(colon + 1).trim();
  }
  return { metric: key.slice(0, brace), tags };
}

/** The k6 key of a target's metric: "http_req_duration{name:login}". */
export function metricKey(t: Pick<Target, 'metric' | 'tags'>): string {
  const tags = Object.entries(t.tags ?? {});
  return tags.length === 0 ? t.metric : `${t.metric}{${tags.map(([k, v]) => `${k}:${v}`).join(',')}}`;
}

/** "2s" -> 2000, "500ms" -> 500, "5%" -> 0.05, 12 -> 12. */
export function parseBound(b: number | string): number {
  if (typeof b === 'number') return b;
  const n = Number.parseFloat(b);
  if (b.endsWith('ms')) return n;
  if (b.endsWith('s')) return n * 1000;
  if (b.endsWith('%')) return n / 100;
  return n;
}


export function targetName(t: Omit<Target, 'name'>): string {
  return `${metricKey(t)} ${t.stat} ${t.op} ${t.value}`;
}

export function normaliseTarget(spec: TargetSpec): Target {
  if (typeof spec === 'string') {
    const m = TARGET_STRING_RE.exec(spec)!;
    const stat = m[3]!.replace(/^p\((\d+)\)$/, 'p$1') as TargetStat;
    const t = { ...splitMetric(m[1]!), stat, op: m[4] as TargetOp, value: parseBound(m[5]!) };
    return { name: targetName(t), ...t };
  }
  const [op, bound]: [TargetOp, number | string] =
    spec.below !== undefined ? ['<', spec.below] : spec.atMost !== undefined ? ['<=', spec.atMost] : spec.above !== undefined ? ['>', spec.above] : ['>=', spec.atLeast!];
  const t = { ...splitMetric(spec.metric), stat: spec.stat, op, value: parseBound(bound) };
  return { name: spec.name ?? targetName(t), ...t };
}

/** Defaults first, a profile target with the same metric, tags and stat replaces one. */
export function resolveTargets(spec: Pick<ProfileSpec, 'targets' | 'defaultTargets'>): Validation<Target[]> {
  const own = (spec.targets ?? []).map(normaliseTarget);
  const same = (a: Target, b: Target) => metricKey(a) === metricKey(b) && a.stat === b.stat;
  const defaults = spec.defaultTargets ? DEFAULT_TARGETS.filter((d) => !own.some((o) => same(o, d))) : [];
  const all = [...defaults, ...own];
  const problems: string[] = [];
  all.forEach((t) => {
    const kind = KNOWN_METRICS[t.metric];
    if (kind && !STATS_BY_KIND[kind].includes(t.stat)) {
      problems.push(`targets: ${t.name}: ${t.metric} is a ${kind} metric; use one of ${STATS_BY_KIND[kind].join(', ')}`);
    }
  });
  return problems.length > 0 ? { ok: false, problems } : { ok: true, value: all };
}

/** The executor block of the single k6 scenario a profile describes. */
function executorOptions(spec: ProfileSpec): Record<string, unknown> {
  const base = spec.gracefulStop ? { gracefulStop: spec.gracefulStop } : {};
  switch (spec.executor) {
    case 'ramping-vus':
      return { executor: spec.executor, startVUs: spec.startVUs, stages: spec.stages, ...(spec.gracefulRampDown ? { gracefulRampDown: spec.gracefulRampDown } : {}), ...base };
    case 'constant-vus':
      return { executor: spec.executor, vus: spec.vus, duration: spec.duration, ...base };
    case 'ramping-arrival-rate':
      return { executor: spec.executor, startRate: spec.startRate, timeUnit: spec.timeUnit, preAllocatedVUs: spec.preAllocatedVUs, ...(spec.maxVUs ? { maxVUs: spec.maxVUs } : {}), stages: spec.stages, ...base };
    case 'constant-arrival-rate':
      return { executor: spec.executor, rate: spec.rate, timeUnit: spec.timeUnit, duration: spec.duration, preAllocatedVUs: spec.preAllocatedVUs, ...(spec.maxVUs ? { maxVUs: spec.maxVUs } : {}), ...base };
  }
}

/**
 * k6 options: one scenario named after the scenario file, the profile's
 * thresholds plus one per target (k6 only reports a submetric such as
 * http_req_duration{name:hold_seats} when a threshold names it), observer
 * thresholds for the endpoint breakdown, and trend stats with p(99).
 */
export function buildK6Options(spec: ProfileSpec, targets: readonly Target[]): Record<string, unknown> {
  const thresholds: Record<string, unknown[]> = {};
  for (const [key, list] of Object.entries(spec.thresholds ?? {})) thresholds[key] = [...list];
  for (const t of targets) {
    const expr = targetThreshold(t).expression;
    const list = (thresholds[metricKey(t)] ??= []);
    if (!list.some((e) => (typeof e === 'string' ? e : (e as { threshold: string }).threshold).replace(/\s/g, '') === expr)) list.push(expr);
  }
  const endpoints = spec.endpoints ?? LIBRARY_ENDPOINTS;
  for (const endpoint of endpoints) {
    for (const [metric, expr] of Object.entries(OBSERVER_THRESHOLDS)) thresholds[`${metric}{name:${endpoint}}`] ??= [expr];
  }
  if (endpoints.length > 0) thresholds[UNAUTHORIZED_METRIC] ??= [OBSERVER_THRESHOLDS.http_req_failed!];
  return {
    ...(spec.options ?? {}),
    scenarios: { [scenarioName(spec)]: executorOptions(spec) },
    thresholds,
    summaryTrendStats: [...SUMMARY_TREND_STATS],
  };
}

/** The k6 scenario a profile's executor becomes: the scenario's name, or the script file's. */
export function scenarioName(spec: Pick<ProfileSpec, 'scenario' | 'script'>): string {
  if (spec.scenario !== undefined) return spec.scenario;
  return (spec.script ?? 'script').split(/[\\/]/).pop()!.replace(/\.[^.]+$/, '').replace(/[^\w-]/g, '_');
}

/** Profile env values as strings, as k6's __ENV sees them. */
export function envStrings(env: ProfileSpec['env']): Record<string, string> {
  return Object.fromEntries(Object.entries(env ?? {}).map(([k, v]) => [k, String(v)]));
}
