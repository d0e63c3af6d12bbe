// How long `loadctl k8s --apply` waits for a TestRun: the profile's own
// length (the longest scenario's start, run and graceful stop, as k6 counts
// them) plus a margin for the cluster to schedule the pods and pull the
// image. Pure.
import { durationSeconds } from '../../profiles/overrides.ts';

/** Pods to schedule, an image to pull, the operator's initializer and starter. */
export const CLUSTER_MARGIN_S = 180;

interface ScenarioOptions {
  executor?: string;
  startTime?: string;
  duration?: string;
  maxDuration?: string;
  stages?: Array<{ duration?: string }>;
  gracefulStop?: string;
  gracefulRampDown?: string;
}

const secs = (d: unknown, fallback: number) => (typeof d === 'string' && /\d/.test(d) ? durationSeconds(d) : fallback);

/** The longest a scenario of these k6 options can run, in seconds (k6's defaults where unset). */
export function profileSeconds(k6Options: Record<string, unknown> | undefined): number {
  const scenarios = (k6Options?.scenarios ?? {}) as Record<string, ScenarioOptions>;
  let longest = 0;
  for (const s of Object.values(scenarios)) {
    const run = s.stages ? s.stages.reduce((a, st) => a + secs(st.duration, 0), 0)
      // Iteration-based executors stop at maxDuration, 10 minutes unless set.
      : s.duration !== undefined ? secs(s.duration, 0) : secs(s.maxDuration, 600);
    const tail = secs(s.gracefulStop, 30) + (s.executor === 'ramping-vus' ? secs(s.gracefulRampDown, 30) : 0);
    longest = Math.max(longest, secs(s.startTime, 0) + run + tail);
  }
  return longest;
}

export function waitTimeoutMs(k6Options: Record<string, unknown> | undefined): number {
  return Math.round((profileSeconds(k6Options) + CLUSTER_MARGIN_S) * 1000);
}
