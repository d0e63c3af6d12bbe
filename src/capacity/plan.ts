// Which parts of a staged profile are steps: a stage that holds the level the
// stage before it reached (k6 stages ramp linearly to their target, so a
// stage whose target equals the level before it is flat). Ramps between
// steps are kept too, to say where a run broke when it broke on the way up.
// Pure: k6 options in, a plan out.
import { scenariosOf } from '../k6/options.ts';

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

/**
 * The steps of the first staged scenario, or undefined when the profile has
 * no stages. A profile of ramps only (no flat stage) has a plan with no steps.
 */
export function planSteps(k6Options: Record<string, unknown>): StepPlan | undefined {
  const s = scenariosOf(k6Options).find((x) => x.stages.length > 0);
  if (!s) return undefined;
  const arrival = s.executor === 'ramping-arrival-rate';
  // Arrival rates are per timeUnit; the plan speaks per second.
  const perSecond = arrival ? 1000 / s.timeUnitMs : 1;
  let level = s.startLevel;
  let at = s.startMs / 1000;
  let rampStart: { at: number; level: number } | undefined;
  const steps: PlannedStep[] = [];
  for (const stage of s.stages) {
    const seconds = stage.durationMs / 1000;
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
