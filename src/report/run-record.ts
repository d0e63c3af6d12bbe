// What `loadctl report` needs from one run folder, parsed purely from the
// files' JSON. It reads k6's own summary (handleSummary data, or the flat
// --summary-export form) for the metrics, and the result document for the
// verdict, targets and the phases/recovery block. Unknown shapes degrade to
// null fields rather than errors: a report on an old run is still useful.
import type { FaultWindow, Timeline } from '../live/types.ts';
import { peakVus } from '../k6/options.ts';
import type { ChaosResult } from '../chaos/engine-types.ts';
import { experimentEventsFromChaos, faultWindowFromChaos, type ExperimentEvent } from './chaos-events.ts';
import { parsePhasesBlock, type PhasesBlock } from './result-phases.ts';
import { parseGatesFile, type GatesFile } from './html-gates.ts';
import { parseInvariantsFile } from './html-invariants.ts';
import type { InvariantResult } from '../invariants/judge.ts';
import { scriptViewFromResult, type ScriptView } from './script-view.ts';

export interface TargetOutcome {
  name: string;
  /** As printed by the run (ms for latencies, fraction for rates), when known. */
  actual: number | null;
  passed: boolean;
  /** The statistic judged ("p99", "rate", "count"...), when the run recorded it. */
  stat: string | null;
  /** The requirement, e.g. "p99 < 2000", when recorded. */
  requirement: string | null;
  /** The run's own one-line explanation, e.g. why a metric had no samples. */
  detail: string | null;
}

export interface ThresholdOutcome {
  metric: string;
  expression: string;
  ok: boolean;
  /** k6's figure, e.g. "p(95)=1.2s", when the run recorded it. */
  figure?: string | null;
  /** The metric got no sample (a failure unless allowed). */
  noSamples?: boolean;
}

export interface RunMetrics {
  requests: number | null;
  /** Requests per second over the whole run. */
  requestRate: number | null;
  p50: number | null;
  p95: number | null;
  p99: number | null;
  /** http_req_failed rate, 0..1. */
  errorRate: number | null;
  /** checks pass rate, 0..1. */
  checksRate: number | null;
}

export interface RunRecord {
  dir: string;
  profile: string;
  scenario: string;
  /** Peak VUs seen by k6 (vus max), else the profile's largest VU figure. */
  vus: number | null;
  metrics: RunMetrics;
  thresholds: ThresholdOutcome[];
  targets: TargetOutcome[];
  verdict: 'pass' | 'fail' | 'unknown';
  /** k6 ran for less than planned or the run says it was aborted. */
  aborted: boolean;
  phases: PhasesBlock | null;
  timeline: Timeline | null;
  fault: FaultWindow | null;
  /** The chaos engine's events (chaos.json), for the experiment timeline. */
  events: ExperimentEvent[];
  /** The Prometheus gates (prometheus.json), when the run judged any. */
  gates: GatesFile | null;
  /** The invariants (invariants.json), when the run checked any. */
  invariants: InvariantResult[] | null;
  /** How many k6 runners the test was split over (--runners); null for one k6. */
  runners?: number | null;
  /** A staged run's capacity answer (`capacity.answer` in result.json). */
  capacity?: string | null;
  /** The whole `capacity` block, for report.html (read loosely there). */
  capacityBlock?: unknown;
  /** The script's checks (with group paths), groups and custom metrics, from result.json. */
  script?: ScriptView | null;
}

export interface RunFolderJson {
  profile?: unknown;
  summary?: unknown;
  result?: unknown;
  timeline?: unknown;
  /** The chaos engine's ChaosResult, when the run had an experiment. */
  chaos?: unknown;
  /** prometheus.json: the gates' verdicts and series. */
  prometheus?: unknown;
  /** invariants.json: the invariants' readings and verdicts. */
  invariants?: unknown;
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);
const str = (v: unknown): string | null => (typeof v === 'string' && v.length > 0 ? v : null);

/** A metric's values, whether nested under `values` (handleSummary) or flat (--summary-export). */
function metricValues(summary: unknown, name: string): Obj | null {
  if (!isObj(summary) || !isObj(summary.metrics)) return null;
  const m = summary.metrics[name];
  if (!isObj(m)) return null;
  return isObj(m.values) ? m.values : m;
}

export function metricsFromSummary(summary: unknown): RunMetrics {
  const duration = metricValues(summary, 'http_req_duration');
  const failed = metricValues(summary, 'http_req_failed');
  const reqs = metricValues(summary, 'http_reqs');
  const checks = metricValues(summary, 'checks');
  return {
    requests: num(reqs?.count),
    requestRate: num(reqs?.rate),
    p50: num(duration?.med) ?? num(duration?.['p(50)']),
    p95: num(duration?.['p(95)']),
    p99: num(duration?.['p(99)']),
    // handleSummary calls it `rate`; --summary-export calls it `value`.
    errorRate: num(failed?.rate) ?? num(failed?.value),
    checksRate: num(checks?.rate) ?? num(checks?.value),
  };
}

/**
 * k6 thresholds with whether they held. handleSummary data says `{ok: true}`;
 * --summary-export says `true` when the threshold FAILED. Both are read here.
 */
export function thresholdsFromSummary(summary: unknown): ThresholdOutcome[] {
  if (!isObj(summary) || !isObj(summary.metrics)) return [];
  const out: ThresholdOutcome[] = [];
  for (const [metric, m] of Object.entries(summary.metrics)) {
    if (!isObj(m) || !isObj(m.thresholds)) continue;
    for (const [expression, t] of Object.entries(m.thresholds)) {
      if (isObj(t) && typeof t.ok === 'boolean') out.push({ metric, expression, ok: t.ok });
      else if (typeof t === 'boolean') out.push({ metric, expression, ok: !t });
    }
  }
  return out.sort((a, b) => a.metric.localeCompare(b.metric) || a.expression.localeCompare(b.expression));
}

/** The profile's peak VUs as k6 plans them (src/k6/options.ts: overlapping scenarios add up); null without options. */
export function vusFromOptions(options: unknown): number | null {
  return isObj(options) ? peakVus(options) : null;
}

/** A chaos result's one target is recovery in time; its `targets` are containers, not goals. */
function chaosTargets(result: Obj): TargetOutcome[] {
  const r = isObj(result.recovery) ? result.recovery : {};
  if (typeof r.met !== 'boolean') return [];
  const target = num(r.targetMs);
  return [{
    name: 'recovery', actual: num(r.measuredMs), passed: r.met, stat: null,
    requirement: target === null ? null : `recovery < ${target} ms`, detail: null,
  }];
}

function targetsFromResult(result: unknown): TargetOutcome[] {
  if (isObj(result) && result.schema === 'loadctl/chaos-result') return chaosTargets(result);
  if (!isObj(result) || !Array.isArray(result.targets)) return [];
  const out: TargetOutcome[] = [];
  for (const t of result.targets) {
    if (!isObj(t)) continue;
    const name = str(t.name) ?? str(t.target) ?? 'target';
    // The result document says `ok`; older or hand-written files may say `passed`.
    const passed = typeof t.ok === 'boolean' ? t.ok : typeof t.passed === 'boolean' ? t.passed : false;
    const stat = str(t.stat);
    const requirement = stat && str(t.op) && num(t.value) !== null ? `${stat} ${String(t.op)} ${String(t.value)}` : null;
    out.push({ name, actual: num(t.actual), passed, stat, requirement, detail: str(t.detail) });
  }
  return out;
}

function thresholdsFromResult(result: unknown): ThresholdOutcome[] | null {
  if (!isObj(result) || !Array.isArray(result.thresholds)) return null;
  return result.thresholds.flatMap((t) => (isObj(t) && typeof t.ok === 'boolean' && str(t.metric) && str(t.expression)
    ? [{ metric: t.metric as string, expression: t.expression as string, ok: t.ok, figure: str(t.figure), noSamples: t.noSamples === true }]
    : []));
}

/** The figures the run itself judged (`totals` in result.json), else k6's summary. */
function metricsFrom(result: unknown, summary: unknown): RunMetrics {
  const fromSummary = metricsFromSummary(summary);
  const totals = isObj(result) && isObj(result.totals) ? result.totals : null;
  if (!totals) return fromSummary;
  const d = isObj(totals.httpReqDuration) ? totals.httpReqDuration : {};
  const checks = isObj(totals.checks) ? totals.checks : {};
  return {
    requests: num(totals.requests) ?? fromSummary.requests,
    requestRate: num(totals.requestRate) ?? fromSummary.requestRate,
    p50: num(d.p50) ?? num(d.med) ?? fromSummary.p50,
    p95: num(d.p95) ?? fromSummary.p95,
    p99: num(d.p99) ?? fromSummary.p99,
    errorRate: num(totals.errorRate) ?? fromSummary.errorRate,
    checksRate: num(checks.rate) ?? fromSummary.checksRate,
  };
}

const passWords = new Set(['pass', 'passed']);
const failWords = new Set(['fail', 'failed', 'interrupted', 'script-error', 'usage-error', 'environment-error', 'no-summary', 'aborted']);

function verdictFrom(result: unknown, targets: TargetOutcome[], thresholds: ThresholdOutcome[]): RunRecord['verdict'] {
  if (isObj(result)) {
    const v = result.status ?? result.verdict;
    if (v === true || (typeof v === 'string' && passWords.has(v))) return 'pass';
    if (v === false || (typeof v === 'string' && failWords.has(v))) return 'fail';
  }
  if (targets.length === 0 && thresholds.length === 0) return 'unknown';
  return targets.every((t) => t.passed) && thresholds.every((t) => t.ok) ? 'pass' : 'fail';
}

function isChaosResult(v: unknown): v is ChaosResult {
  return isObj(v) && typeof v.experiment === 'string' && isObj(v.timeline) && Array.isArray(v.events);
}

function isTimeline(v: unknown): v is Timeline {
  return isObj(v) && Array.isArray(v.total) && isObj(v.series);
}

export function runRecordFrom(dir: string, files: RunFolderJson): RunRecord {
  const { profile, summary, result } = files;
  const resultObj = isObj(result) ? result : {};
  const profileObj = isObj(profile) ? profile : isObj(resultObj.profile) ? resultObj.profile : {};
  // A chaos run's result names its experiment where a load run names its profile.
  const experiment = isObj(resultObj.experiment) ? str(resultObj.experiment.name) : null;
  const profileName = str(profileObj.name) ?? str(resultObj.profile) ?? experiment ?? dirName(dir);
  const scenario = str(profileObj.scenario) ?? str(resultObj.scenario) ?? profileName;
  const vus = num(metricValues(summary, 'vus')?.max) ?? vusFromOptions(profileObj.k6Options) ?? num(metricValues(summary, 'vus_max')?.max);
  const thresholds = thresholdsFromResult(result) ?? thresholdsFromSummary(summary);
  const targets = targetsFromResult(result);
  const phases = parsePhasesBlock(result);
  const chaos = isChaosResult(files.chaos) ? files.chaos : null;
  const status = str(resultObj.status);
  return {
    dir,
    profile: profileName,
    scenario,
    vus,
    metrics: metricsFrom(result, summary),
    thresholds,
    targets,
    verdict: verdictFrom(result, targets, thresholds),
    aborted: resultObj.aborted === true || status === 'aborted' || status === 'interrupted',
    phases,
    timeline: isTimeline(files.timeline) ? files.timeline : null,
    fault: phases ? faultOf(phases) : faultFromResult(resultObj) ?? (chaos ? faultWindowFromChaos(chaos) : null),
    events: chaos ? experimentEventsFromChaos(chaos.events) : [],
    gates: parseGatesFile(files.prometheus),
    invariants: parseInvariantsFile(files.invariants),
    runners: isObj(resultObj.runners) ? num(resultObj.runners.count) : null,
    capacity: isObj(resultObj.capacity) ? str(resultObj.capacity.answer) : null,
    capacityBlock: resultObj.capacity ?? null,
    script: scriptViewFromResult(resultObj),
  };
}


function faultOf(block: PhasesBlock): FaultWindow {
  const r = block.recovery;
  const fault: FaultWindow = { experiment: r.experiment, injectedAt: r.injectedAt, rolledBackAt: r.rolledBackAt };
  if (r.containerRecoverySeconds !== null) fault.probesRecoveredAt = r.rolledBackAt + r.containerRecoverySeconds * 1000;
  return fault;
}

/** A fault window the run recorded without phases (`fault` in result.json), so `report` can compute them. */
function faultFromResult(result: Obj): FaultWindow | null {
  const f = result.fault;
  if (!isObj(f) || num(f.injectedAt) === null || num(f.rolledBackAt) === null) return null;
  const fault: FaultWindow = { experiment: str(f.experiment) ?? 'experiment', injectedAt: f.injectedAt as number, rolledBackAt: f.rolledBackAt as number };
  const probes = num(f.probesRecoveredAt);
  if (probes !== null) fault.probesRecoveredAt = probes;
  return fault;
}

function dirName(dir: string): string {
  const parts = dir.split(/[\\/]/).filter(Boolean);
  return parts[parts.length - 1] ?? dir;
}

export function scenarioLabel(run: Pick<RunRecord, 'profile' | 'scenario'>): string {
  return run.profile === run.scenario ? run.profile : `${run.profile} (${run.scenario})`;
}
