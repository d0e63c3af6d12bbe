// How long `loadctl k8s --apply` waits for a TestRun: the profile's own
// length (the longest scenario's start, run and graceful stop, as k6 plans
// them: src/k6/options.ts) plus a margin for the cluster to schedule the pods and pull the
// image. Pure.
import { maxTestMs } from '../../k6/options.ts';

/** Pods to schedule, an image to pull, the operator's initializer and starter. */
export const CLUSTER_MARGIN_S = 180;

/** The longest these k6 options can run, in seconds: the latest scenario's start, run and gracefulStop, as k6 plans them. */
export function profileSeconds(k6Options: Record<string, unknown> | undefined): number {
  return maxTestMs(k6Options) / 1000;
}

export function waitTimeoutMs(k6Options: Record<string, unknown> | undefined): number {
  return Math.round((profileSeconds(k6Options) + CLUSTER_MARGIN_S) * 1000);
}
