// One model of k6's execution options, for every reader in loadctl (the runners'
// plan, the report, the live schedule, the capacity plan, the k8s wait): the
// scenarios as k6 derives them (the `vus`/`duration`/`iterations`/`stages`
// shortcuts included, k6's defaults filled in), and the VUs they need over time
// as k6 computes them (lib/executor/*.go GetExecutionRequirements, combined by
// lib/executors.go GetFullExecutionRequirements). Pure: options in, numbers out.
//
// The peak is k6's GetMaxPossibleVUs: the most VUs planned (plus arrival-rate
// VUs that may be started mid-test, up to maxVUs) at any moment, scenarios'
// startTime and gracefulStop counted. Two 50-VU scenarios that overlap need
// 100; one that starts after the other has ended (gracefulStop included) needs 50.
import { parseDuration } from '../shared/duration.ts';
import { rampingVusSteps, type ExecutionStep, type Stage } from './ramping-vus.ts';

export type { ExecutionStep, Stage };

/** One scenario, normalised: times in ms, k6's defaults where the options say nothing. */
export interface Scenario {
  name: string;
  executor: string;
  startMs: number;
  gracefulStopMs: number;
  /** ramping-vus only: how long VUs of a ramp-down may finish their iteration. */
  gracefulRampDownMs: number;
  /** How long the executor drives load: its stages, its duration; undefined for iteration-based executors (they end when the iterations are done). */
  loadMs: number | undefined;
  /** When k6 stops it at the latest, before gracefulStop: loadMs, or maxDuration (10m) for iteration-based executors. */
  maxMs: number;
  stages: Stage[];
  /** startVUs of ramping-vus, startRate of ramping-arrival-rate. */
  startLevel: number;
  /** VUs started at the start: vus, preAllocatedVUs, startVUs. */
  vus: number;
  /** VUs it may reach: maxVUs of an arrival-rate executor, else vus (or the highest stage target). */
  maxVus: number;
  /** Arrival rates are per timeUnit (1s by default). */
  timeUnitMs: number;
}

type Raw = Record<string, unknown>;
const GRACEFUL_MS = 30_000;
const MAX_DURATION_MS = 600_000;

const ms = (v: unknown, fallback: number): number => {
  if (typeof v === 'number' && Number.isFinite(v)) return v; // k6 reads a JSON number as milliseconds
  return typeof v === 'string' ? parseDuration(v) ?? fallback : fallback;
};
const whole = (v: unknown, fallback: number): number => (typeof v === 'number' && Number.isFinite(v) ? v : fallback);
const isObj = (v: unknown): v is Raw => typeof v === 'object' && v !== null && !Array.isArray(v);

function stagesOf(v: unknown): Stage[] {
  return Array.isArray(v) ? v.filter(isObj).map((s) => ({ durationMs: ms(s.duration, 0), target: whole(s.target, 0) })) : [];
}

/** The scenarios k6 runs for these options, sorted as k6 sorts them (start time, then name). */
export function scenariosOf(k6Options: Raw | undefined): Scenario[] {
  const o = k6Options ?? {};
  const raw: Array<[string, Raw]> = isObj(o.scenarios) && Object.keys(o.scenarios).length > 0
    ? Object.entries(o.scenarios).filter((e): e is [string, Raw] => isObj(e[1]))
    : [['default', shortcutScenario(o)]];
  return raw.map(([name, s]) => scenario(name, s))
    .sort((a, b) => a.startMs - b.startMs || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/** What k6 derives from top-level options (lib/executor/execution_config_shortcuts.go). */
function shortcutScenario(o: Raw): Raw {
  if (o.iterations !== undefined) return { executor: 'shared-iterations', vus: o.vus, iterations: o.iterations, ...(o.duration !== undefined ? { maxDuration: o.duration } : {}) };
  if (o.duration !== undefined) return { executor: 'constant-vus', vus: o.vus, duration: o.duration };
  if (Array.isArray(o.stages) && o.stages.length > 0) return { executor: 'ramping-vus', startVUs: o.vus, stages: o.stages };
  if (o.vus !== undefined) return { executor: 'shared-iterations', vus: o.vus, iterations: o.vus };
  return { executor: 'per-vu-iterations' };
}

function scenario(name: string, s: Raw): Scenario {
  const executor = typeof s.executor === 'string' ? s.executor : 'per-vu-iterations';
  const stages = stagesOf(s.stages);
  const stagesMs = stages.reduce((sum, st) => sum + st.durationMs, 0);
  const arrival = executor.endsWith('arrival-rate');
  const ramping = executor.startsWith('ramping-');
  const iterationBased = executor === 'shared-iterations' || executor === 'per-vu-iterations';
  const loadMs = ramping ? stagesMs : iterationBased ? undefined : ms(s.duration, 0);
  const startLevel = whole(executor === 'ramping-vus' ? s.startVUs : s.startRate, executor === 'ramping-vus' ? 1 : 0);
  const vus = arrival ? whole(s.preAllocatedVUs, 0) : executor === 'ramping-vus' ? startLevel : whole(s.vus, 1);
  return {
    name,
    executor,
    startMs: ms(s.startTime, 0),
    gracefulStopMs: ms(s.gracefulStop, GRACEFUL_MS),
    gracefulRampDownMs: ms(s.gracefulRampDown, GRACEFUL_MS),
    loadMs,
    maxMs: loadMs ?? ms(s.maxDuration, MAX_DURATION_MS),
    stages,
    startLevel,
    vus,
    // k6 takes maxVUs as preAllocatedVUs when unset, and refuses it below.
    maxVus: arrival ? Math.max(whole(s.maxVUs, vus), vus) : executor === 'ramping-vus' ? Math.max(vus, ...stages.map((st) => st.target)) : vus,
    timeUnitMs: ms(s.timeUnit, 1000),
  };
}

/** The VUs one scenario needs over time, from its own start (k6's GetExecutionRequirements). */
export function executionSteps(s: Scenario): ExecutionStep[] {
  const endMs = s.maxMs + s.gracefulStopMs;
  if (s.executor === 'ramping-vus') return rampingVusSteps(s.startLevel, s.stages, s.gracefulRampDownMs, endMs);
  const unplannedVus = s.maxVus - s.vus;
  return s.vus + unplannedVus === 0
    ? [{ atMs: 0, plannedVus: 0, unplannedVus: 0 }]
    : [{ atMs: 0, plannedVus: s.vus, unplannedVus }, { atMs: endMs, plannedVus: 0, unplannedVus: 0 }];
}

/** The VUs the whole test needs over time: every scenario's steps at its start time, summed (k6's GetFullExecutionRequirements). */
export function executionPlan(k6Options: Raw | undefined): ExecutionStep[] {
  const list = scenariosOf(k6Options);
  const tracked = list.flatMap((s, id) => executionSteps(s).map((step) => ({ ...step, atMs: step.atMs + s.startMs, id })));
  // A stable sort by (time, scenario): steps at one instant apply in scenario order, as in k6.
  tracked.sort((a, b) => a.atMs - b.atMs || a.id - b.id);
  const planned = list.map(() => 0);
  const unplanned = list.map(() => 0);
  const plan: ExecutionStep[] = [];
  for (const step of tracked) {
    planned[step.id] = step.plannedVus;
    unplanned[step.id] = step.unplannedVus;
    const next = { atMs: step.atMs, plannedVus: sum(planned), unplannedVus: sum(unplanned) };
    const last = plan[plan.length - 1];
    if (!last || last.plannedVus !== next.plannedVus || last.unplannedVus !== next.unplannedVus) plan.push(next);
  }
  return plan;
}

const sum = (values: number[]): number => values.reduce((a, b) => a + b, 0);

/** The most VUs the test may run at once (k6's GetMaxPossibleVUs over the plan). */
export function peakVus(k6Options: Raw | undefined): number {
  return Math.max(0, ...executionPlan(k6Options).map((s) => s.plannedVus + s.unplannedVus));
}

/** When k6 ends the test at the latest, gracefulStop included (the plan's last step), in ms. */
export function maxTestMs(k6Options: Raw | undefined): number {
  return Math.max(0, ...scenariosOf(k6Options).map((s) => s.startMs + s.maxMs + s.gracefulStopMs));
}

/** How long the test drives load, start to the end of its longest scenario, in ms; undefined when an iteration-based scenario makes it unknowable. */
export function loadTestMs(k6Options: Raw | undefined): number | undefined {
  let longest = 0;
  for (const s of scenariosOf(k6Options)) {
    if (s.loadMs === undefined) return undefined;
    longest = Math.max(longest, s.startMs + s.loadMs);
  }
  return longest;
}
