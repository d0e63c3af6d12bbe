// Judges a run: the profile's targets against the parsed results, plus k6's
// own thresholds. Pure. Unlike k6, a target whose metric saw no samples FAILS:
// a broken script (nothing sent) must not read green.
import type { Target, TargetOp } from '../profiles/types.ts';
import type { RunResults, ThresholdResult } from '../results/types.ts';
import { metricKey, splitMetricKey } from '../results/summary.ts';
import { normaliseKey, targetThreshold, withFigure } from './thresholds.ts';

export type TargetFailure = 'missed' | 'no-samples' | 'no-metric' | 'no-stat' | 'no-summary';

export interface TargetVerdict {
  target: Target;
  /** Metric key looked up, e.g. "http_req_duration{name:book}". */
  key: string;
  actual: number | undefined;
  ok: boolean;
  /** Why it failed; undefined when ok. */
  failure: TargetFailure | undefined;
  /** One line for people: "p99 1843 ms < 2000 ms" or why it could not be judged. */
  detail: string;
}

export interface Verdict {
  ok: boolean;
  targets: TargetVerdict[];
  /** k6 thresholds as k6 judged them, plus declared ones k6 never reported (not ok). */
  thresholds: ThresholdResult[];
  failedTargets: number;
  failedThresholds: number;
  /** Of the failed thresholds, those whose (sub)metric got no sample. */
  emptyThresholds: number;
}

const compare: Record<TargetOp, (a: number, b: number) => boolean> = {
  '<': (a, b) => a < b,
  '<=': (a, b) => a <= b,
  '>': (a, b) => a > b,
  '>=': (a, b) => a >= b,
};

function isTimeStat(target: Target): boolean {
  return target.stat !== 'rate' && target.stat !== 'count';
}

/** Human figure for a target's value or actual: ms for time stats, % for rates. */
export function formatTargetValue(target: Pick<Target, 'stat'>, value: number | undefined): string {
  if (value === undefined) return 'n/a';
  if (target.stat === 'rate') return `${(value * 100).toFixed(2)}%`;
  if (target.stat === 'count') return String(Math.round(value));
  return value >= 1000 ? `${(value / 1000).toFixed(2)} s` : `${value.toFixed(value < 10 ? 2 : 0)} ms`;
}

export function describeTarget(target: Target): string {
  return `${metricKey(target.metric, target.tags)} ${target.stat} ${target.op} ${formatTargetValue(target, target.value)}`;
}

export function judgeTarget(results: RunResults | undefined, target: Target): TargetVerdict {
  const key = metricKey(target.metric, target.tags);
  const fail = (failure: TargetFailure, detail: string, actual?: number): TargetVerdict => ({ target, key, actual, ok: false, failure, detail });
  if (!results) return fail('no-summary', 'no k6 summary was read');
  const metric = results.metrics[key];
  if (!metric) {
    // k6 leaves out a metric nothing was recorded on, and a submetric no threshold names.
    const why = target.tags && Object.keys(target.tags).length > 0 ? 'no samples, or no threshold names this submetric' : 'no samples';
    return fail('no-metric', `${key} is not in the summary (${why})`);
  }
  if (metric.empty) return fail('no-samples', `${key} has no samples`);
  const actual = metric.stats[target.stat];
  if (actual === undefined) {
    const hint = target.stat.startsWith('p') ? ` (add "p(${target.stat.slice(1)})" to summaryTrendStats)` : '';
    return fail('no-stat', `${key} has no ${target.stat} in the summary${hint}`);
  }
  const ok = compare[target.op](actual, target.value);
  const unitless = isTimeStat(target) && metric.contains !== undefined && metric.contains !== 'time';
  const shown = unitless ? String(actual) : formatTargetValue(target, actual);
  const limit = unitless ? String(target.value) : formatTargetValue(target, target.value);
  // A breach must not read as the rule it broke ("p95 602 ms < 500 ms").
  const detail = ok ? `${target.stat} ${shown} ${target.op} ${limit}` : `${target.stat} ${shown}, not ${target.op} ${limit}`;
  return { target, key, actual, ok, failure: ok ? undefined : 'missed', detail };
}

/** Threshold expressions a k6 options object declares, by metric key. */
export function declaredThresholds(k6Options: Record<string, unknown> | undefined): Array<{ metric: string; expression: string }> {
  const thresholds = k6Options?.thresholds;
  if (typeof thresholds !== 'object' || thresholds === null) return [];
  const out: Array<{ metric: string; expression: string }> = [];
  for (const [metric, list] of Object.entries(thresholds as Record<string, unknown>)) {
    for (const item of Array.isArray(list) ? list : [list]) {
      const expression = typeof item === 'string' ? item : typeof item === 'object' && item !== null ? (item as { threshold?: unknown }).threshold : undefined;
      if (typeof expression === 'string') out.push({ metric, expression });
    }
  }
  return out;
}

export interface JudgeOptions {
  /** Thresholds that are not judgements (observer thresholds): neither shown nor judged. */
  ignoreThreshold?: (metric: string, expression: string) => boolean;
  /** Thresholds the user allowed to see no sample (--allow-no-samples); every other empty one fails. */
  allowNoSamples?: (metric: string, expression: string) => boolean;
}

/**
 * The verdict. `declared` are the thresholds the profile gave k6: one that k6
 * did not report back counts as failed, since nobody checked it. A threshold
 * whose metric got no sample fails too (see ./thresholds.ts); those a target
 * added are the target's, shown and counted once, as the target.
 */
export function judge(
  results: RunResults | undefined,
  targets: readonly Target[],
  declared: ReadonlyArray<{ metric: string; expression: string }> = [],
  options: JudgeOptions = {},
): Verdict {
  const targetVerdicts = targets.map((t) => judgeTarget(results, t));
  const ofTargets = new Set(targets.map(targetThreshold).map((t) => `${normaliseKey(t.metric)}|${t.expression}`));
  // Thresholds that exist only to make k6 report a submetric (they always
  // hold) say nothing about the run: they are neither shown nor judged.
  const keep = (t: { metric: string; expression: string }) =>
    !options.ignoreThreshold?.(t.metric, t.expression) && !ofTargets.has(`${normaliseKey(t.metric)}|${t.expression.replace(/\s+/g, '')}`);
  const allowed = options.allowNoSamples ?? (() => false);
  const reported = (results?.thresholds ?? []).filter(keep).map((t) => withFigure(t, results?.metrics, allowed));
  declared = declared.filter(keep);
  const seen = new Set(reported.map((t) => `${normaliseKey(t.metric)}|${t.expression.trim()}`));
  const missing = declared
    .filter((d) => !seen.has(`${normaliseKey(d.metric)}|${d.expression.trim()}`))
    .map((d) => ({ metric: d.metric, expression: d.expression, ok: false, missing: true }));
  const thresholds: ThresholdResult[] = [...reported, ...missing];
  const failedTargets = targetVerdicts.filter((t) => !t.ok).length;
  const failedThresholds = thresholds.filter((t) => !t.ok).length;
  const emptyThresholds = thresholds.filter((t) => !t.ok && t.noSamples).length;
  return {
    ok: results !== undefined && failedTargets === 0 && failedThresholds === 0,
    targets: targetVerdicts,
    thresholds,
    failedTargets,
    failedThresholds,
    emptyThresholds,
  };
}
