// The capacity block of one run, when its profile has steps: the plan from
// the resolved k6 options, the limits from its targets and --capacity, the
// start from k6's own clock (see startOf). Pure.
import type { ResolvedProfile } from '../profiles/types.ts';
import type { Timeline } from '../live/types.ts';
import { analyseCapacity, type CapacityBlock } from './analyse.ts';
import { limitsFromTargets, parseCapacityFlag } from './limits.ts';
import { planSteps } from './plan.ts';

export interface CapacityRequest {
  /** The --capacity text, already checked with checkCapacityFlag. */
  flag?: string;
}

/** Bad --capacity text as one line, checked before anything runs; undefined when fine. */
export function checkCapacityFlag(text: string | undefined): string | undefined {
  if (text === undefined) return undefined;
  const r = parseCapacityFlag(text, limitsFromTargets([]));
  return r.ok ? undefined : r.errors.join('; ');
}

/** True when the profile holds at least one level: the runs capacity is reported for. */
export function hasSteps(profile: Pick<ResolvedProfile, 'k6Options'>): boolean {
  return (planSteps(profile.k6Options)?.steps.length ?? 0) > 0;
}

/**
 * k6's "running (0m05.0s)" lines count from the start of the test; the
 * earliest `now - elapsed` over them is the start, late by the least delay.
 */
export function startTracker() {
  let start: number | undefined;
  return {
    progress(nowMs: number, elapsedMs: number) {
      const at = nowMs - elapsedMs;
      start = start === undefined ? at : Math.min(start, at);
    },
    startedAt: (fallback: number) => start ?? fallback,
  };
}

/**
 * The capacity block, only where the question was asked: a profile that
 * holds two or more levels (one level held, as a smoke test does, answers
 * nothing), or any staged profile run with --capacity. Without a live feed
 * (--no-live) there is nothing to answer from, and it says so.
 */
export function capacityOf(profile: Pick<ResolvedProfile, 'k6Options' | 'targets'>, timeline: Timeline | undefined, startedAt: number, request: CapacityRequest = {}): CapacityBlock | undefined {
  const plan = planSteps(profile.k6Options);
  if (!plan || plan.steps.length === 0) return undefined;
  if (plan.steps.length < 2 && request.flag === undefined) return undefined;
  let limits = limitsFromTargets(profile.targets);
  if (request.flag !== undefined) {
    const r = parseCapacityFlag(request.flag, limits);
    if (r.ok) limits = r.limits;
  }
  return analyseCapacity({ seconds: timeline?.total ?? [], plan, startedAt, limits, feed: timeline !== undefined, ...(timeline?.dropped ? { dropped: timeline.dropped } : {}) });
}
