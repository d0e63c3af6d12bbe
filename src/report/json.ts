// The --json document (schema "loadctl/run-result", version 1; described in
// docs/result-json.md). Bump `version` on any change that breaks a reader.
import type { RunReport } from './model.ts';
import type { MetricResult } from '../results/types.ts';
import { describeK6Exit } from '../k6/exit-codes.ts';

export const RESULT_SCHEMA = 'loadctl/run-result';
export const RESULT_VERSION = 1;

type Stats = Record<string, number>;
interface MetricDoc { type: string; contains: string | null; stats: Stats; samples: number | null; empty: boolean }

const metricDoc = (m: MetricResult): MetricDoc => ({
  type: m.type,
  contains: m.contains ?? null,
  stats: { ...m.stats } as Stats,
  samples: m.samples ?? null,
  empty: m.empty,
});

function byTag(groups: Record<string, Record<string, MetricResult>>): Record<string, Record<string, MetricDoc>> {
  const out: Record<string, Record<string, MetricDoc>> = {};
  for (const [tag, metrics] of Object.entries(groups)) {
    out[tag] = Object.fromEntries(Object.entries(metrics).map(([name, m]) => [name, metricDoc(m)]));
  }
  return out;
}

const orNull = <T>(v: T | undefined): T | null => (v === undefined ? null : v);

export function toResultDocument(report: RunReport) {
  const r = report.results;
  const k6Exit = describeK6Exit(report.k6.exitCode, report.k6.signal);
  return {
    schema: RESULT_SCHEMA,
    version: RESULT_VERSION,
    status: report.outcome.status,
    exitCode: report.outcome.exitCode,
    reason: report.outcome.reason,
    hints: report.hints ?? [],
    profile: report.profile,
    startedAt: report.startedAt,
    endedAt: report.endedAt,
    runDir: report.runDir,
    k6: {
      path: report.k6.path,
      version: orNull(report.k6.version),
      argv: report.k6.argv,
      exitCode: report.k6.exitCode,
      exitName: k6Exit.name,
      signal: report.k6.signal,
      durationMs: Math.round(report.k6.durationMs),
      error: report.k6.error ?? null,
    },
    summary: report.summary ? { ...report.summary, error: null } : { source: null, file: null, error: orNull(report.summaryError) },
    targets: report.verdict.targets.map((t) => ({
      name: t.target.name,
      metric: t.target.metric,
      tags: t.target.tags ?? {},
      stat: t.target.stat,
      op: t.target.op,
      value: t.target.value,
      actual: orNull(t.actual),
      ok: t.ok,
      failure: orNull(t.failure),
      detail: t.detail,
    })),
    thresholds: report.verdict.thresholds.map((t) => ({
      metric: t.metric, expression: t.expression, ok: t.ok, reported: !t.missing,
      figure: orNull(t.figure), noSamples: t.noSamples === true, ...(t.allowedEmpty ? { allowedNoSamples: true } : {}),
      ...(t.note ? { note: t.note } : {}),
    })),
    totals: {
      testRunDurationMs: orNull(r?.durationMs),
      requests: orNull(r?.http.requests),
      requestRate: orNull(r?.http.requestRate),
      errorRate: orNull(r?.http.errorRate),
      httpReqDuration: (r?.http.duration ?? null) as Stats | null,
      iterations: orNull(r?.iterations.count),
      iterationRate: orNull(r?.iterations.rate),
      checks: r ? { passes: r.checks.passes, fails: r.checks.fails, rate: orNull(r.checks.rate) } : null,
    },
    checks: r?.checks.list ?? [],
    groups: r?.groups ?? [],
    endpoints: r ? byTag(r.endpoints) : {},
    scenarios: r ? byTag(r.scenarios) : {},
    metrics: r ? Object.fromEntries(Object.entries(r.metrics).map(([k, m]) => [k, metricDoc(m)])) : {},
    // With --runners, every figure above is the merged one; this says how.
    ...(report.runners ? { runners: report.runners } : {}),
  };
}

export type ResultDocument = ReturnType<typeof toResultDocument>;

export function renderJson(report: RunReport): string {
  return `${JSON.stringify(toResultDocument(report), null, 2)}\n`;
}
