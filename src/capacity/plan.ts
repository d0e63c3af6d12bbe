// Which parts of a staged profile are steps: a stage that holds the level the
// stage before it reached (k6 stages ramp linearly to their target, so a
// stage whose target equals the level before it is flat). Ramps between
// steps are kept too, to say where a run broke when it broke on the way up.
// Pure: k6 options in, a plan out.
import { durationSeconds } from '../profiles/overrides.ts';

export type LoadUnit = 'VUs' | 'iterations/s';

export interface PlannedStep {
  /** 1-based, in the order the profile holds them. */
  index: number;
  /** VUs, or iterations per second for an arrival-rate executor. */
  level: number;
  /** Seconds after the scenario starts: the hold's first and end second. */
  holdFrom: number;
  holdTo: number;
  /** The ramp that leads to this hold (absent when the level was already reached). */
  ramp?: { from: number; to: number; fromLevel: number };
}

export interface StepPlan {
  unit: LoadUnit;
  steps: PlannedStep[];
  /** Seconds the profile drives load, start to end of its last stage. */
  totalSeconds: number;
}

interface StagedScenario {
  executor?: string;
  startTime?: string;
  startVUs?: number;
  startRate?: number;
  timeUnit?: string;
  stages?: Array<{ duration: string; target: number }>;
}

/** The staged scenario of a profile's k6 options, or undefined when it has none. */
function stagedScenario(k6Options: Record<string, unknown>): StagedScenario | undefined {
  const scenarios = k6Options.scenarios;
  if (typeof scenarios !== 'object' || scenarios === null) return undefined;
  for (const s of Object.values(scenarios as Record<string, unknown>)) {
    if (typeof s === 'object' && s !== null && Array.isArray((s as StagedScenario).stages) && (s as StagedScenario).stages!.length > 0) return s as StagedScenario;
  }
  return undefined;
}

/**
 * The steps of the first staged scenario, or undefined when the profile has
 * no stages. A profile of ramps only (no flat stage) has a plan with no steps.
 */
export function planSteps(k6Options: Record<string, unknown>): StepPlan | undefined {
  const s = stagedScenario(k6Options);
  if (!s) return undefined;
  const arrival = s.executor === 'ramping-arrival-rate';
  // Arrival rates are per timeUnit; the plan speaks per second.
  const perSecond = arrival ? 1 / durationSeconds(s.timeUnit ?? '1s') : 1;
  const offset = s.startTime ? durationSeconds(s.startTime) : 0;
  let level = (arrival ? s.startRate : s.startVUs) ?? 0;
  let at = offset;
  let rampStart: { at: number; level: number } | undefined;
  const steps: PlannedStep[] = [];
  for (const stage of s.stages!) {
    const seconds = durationSeconds(stage.duration);
    if (stage.target === level && level > 0 && seconds > 0) {
      const last = steps[steps.length - 1];
      if (!rampStart && last && last.holdTo === at && last.level === level * perSecond) {
        // Two flat stages in a row at one level are one step.
        last.holdTo = at + seconds;
        at += seconds;
        continue;
      }
      const ramp = rampStart ? { from: rampStart.at, to: at, fromLevel: rampStart.level * perSecond } : undefined;
      steps.push({ index: steps.length + 1, level: level * perSecond, holdFrom: at, holdTo: at + seconds, ...(ramp ? { ramp } : {}) });
      rampStart = undefined;
    } else if (stage.target !== level) {
      rampStart ??= { at, level };
    }
    level = stage.target;
    at += seconds;
  }
  return { unit: arrival ? 'iterations/s' : 'VUs', steps, totalSeconds: at };
}
