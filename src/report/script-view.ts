// What k6's own end-of-test summary shows of a script that loadctl's verdict
// table does not: its checks (with their group path), its groups and its
// custom metrics (Trend, Rate, Counter, Gauge it made itself). One model
// from either source (the parsed summary, or result.json for `report`), a
// text rendering for the console; report.html renders the same model.
// Pure.
import type { CheckResult, MetricType } from '../results/types.ts';
import { formatThresholdFigure } from '../verdict/thresholds.ts';

/** What the model needs of a metric: the parsed summary's MetricResult and result.json's metric both fit. */
export interface MetricLike {
  type: string;
  contains?: string | null | undefined;
  stats: Partial<Record<string, number>>;
  empty: boolean;
}

export interface ScriptView {
  checks: CheckResult[];
  groups: string[];
  /** The script's own metrics (no tags), each as one line of k6-style figures. */
  custom: Array<{ name: string; type: string; figures: string }>;
}

/** k6's own metrics, and those of its protocol modules: everything else a script made. */
const BUILTIN = /^(http_req|http_reqs$|iteration|vus|data_(sent|received)$|checks$|group_duration$|dropped_iterations$|ws_|grpc_|browser_|webvital_|experimental_)/;

export function isCustomMetric(name: string): boolean {
  return !name.includes('{') && !BUILTIN.test(name);
}

function figuresOf(m: MetricLike): string {
  if (m.empty) return 'no samples';
  const kind: MetricType = m.type === 'rate' || m.type === 'counter' || m.type === 'gauge' ? m.type : 'trend';
  const shape = { type: kind, contains: (m.contains ?? undefined) as 'time' | 'data' | 'default' | undefined };
  const show = (name: string, stat: string) => (m.stats[stat] === undefined ? undefined : formatThresholdFigure(shape, name, m.stats[stat]!));
  const parts = kind === 'trend'
    ? [show('avg', 'avg'), show('med', 'med'), show('p(95)', 'p95'), show('p(99)', 'p99'), show('max', 'max')]
    : kind === 'rate'
      ? [show('rate', 'rate'), m.stats.count === undefined ? undefined : `of ${m.stats.count}`]
      : kind === 'counter'
        ? [show('count', 'count'), m.stats.rate === undefined ? undefined : `${Number(m.stats.rate.toFixed(2))}/s`]
        : [show('min', 'min'), show('max', 'max')];
  return parts.filter((p) => p !== undefined).join(' ');
}

export function scriptView(input: { checks: readonly CheckResult[]; groups?: readonly string[] | undefined; metrics: Readonly<Record<string, MetricLike>> }): ScriptView {
  const custom = Object.entries(input.metrics)
    .filter(([name]) => isCustomMetric(name))
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([name, m]) => ({ name, type: m.type, figures: figuresOf(m) }));
  return { checks: [...input.checks], groups: [...(input.groups ?? [])], custom };
}

/** "::api::status is 200" -> "api › status is 200"; a check outside any group is its name. */
export function checkLabel(c: Pick<CheckResult, 'path' | 'name'>): string {
  const parts = c.path.split('::').filter(Boolean);
  return parts.length > 1 ? `${parts.slice(0, -1).join(' › ')} › ${parts.at(-1)}` : c.name || c.path;
}

const pct = (passes: number, fails: number) => (passes + fails === 0 ? 'n/a' : `${Number(((passes / (passes + fails)) * 100).toFixed(2))}%`);

/** The console's lines under the figures; empty when the script has none of the three. */
export function renderScriptView(view: ScriptView, limit = 25): string {
  const lines: string[] = [];
  if (view.checks.length > 0) {
    lines.push('checks:');
    for (const c of view.checks.slice(0, limit)) {
      lines.push(`  ${c.fails === 0 ? '✓' : '✗'} ${checkLabel(c)}  ${pct(c.passes, c.fails)} (${c.passes} passed, ${c.fails} failed)`);
    }
    if (view.checks.length > limit) lines.push(`  … ${view.checks.length - limit} more in result.json (checks)`);
  }
  if (view.groups.length > 0) lines.push(`groups: ${view.groups.map((g) => g.split('::').filter(Boolean).join(' › ')).join(', ')}`);
  if (view.custom.length > 0) {
    lines.push('custom metrics:');
    const width = Math.max(...view.custom.map((m) => m.name.length));
    for (const m of view.custom.slice(0, limit)) lines.push(`  ${m.name.padEnd(width)}  ${m.type.padEnd(7)}  ${m.figures}`);
    if (view.custom.length > limit) lines.push(`  … ${view.custom.length - limit} more in result.json (metrics)`);
  }
  return lines.join('\n');
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);
const str = (v: unknown): string | null => (typeof v === 'string' && v.length > 0 ? v : null);

/** result.json's checks, groups and metrics as the script view; null on a folder without them. */
export function scriptViewFromResult(result: unknown): ScriptView | null {
  if (!isObj(result)) return null;
  if (!Array.isArray(result.checks) && !isObj(result.metrics)) return null;
  const checks = (Array.isArray(result.checks) ? result.checks : []).flatMap((c) => (isObj(c) && str(c.path) !== null
    ? [{ path: c.path as string, name: str(c.name) ?? (c.path as string), passes: num(c.passes) ?? 0, fails: num(c.fails) ?? 0 }]
    : []));
  const groups = Array.isArray(result.groups) ? result.groups.filter((g): g is string => typeof g === 'string') : [];
  const metrics: Record<string, MetricLike> = {};
  for (const [name, m] of Object.entries(isObj(result.metrics) ? result.metrics : {})) {
    if (!isObj(m) || typeof m.type !== 'string') continue;
    const stats = Object.fromEntries(Object.entries(isObj(m.stats) ? m.stats : {}).filter(([, v]) => num(v) !== null)) as Record<string, number>;
    metrics[name] = { type: m.type, contains: str(m.contains), stats, empty: m.empty === true };
  }
  return scriptView({ checks, groups, metrics });
}
