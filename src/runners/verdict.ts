// The verdict of a test split over runners, decided once from plain data:
// each runner's summary (its own figures and k6's judgement of its slice,
// kept for information), the merged results and the merged thresholds.
// Pure. The outcome is decided with a single k6's (src/run/decide.ts), with
// one addition: a runner that died, never got ready or never reported fails
// the run with that reason, whatever the figures say.
import { ExitCode } from '../errors.ts';
import { describeK6Exit } from '../k6/exit-codes.ts';
import type { RunResults, ThresholdResult } from '../results/types.ts';
import type { MergeNotes } from './merge.ts';
import type { RunnersRun } from './run.ts';
import { isObserverThreshold } from '../profiles/resolve.ts';

export interface RunnerSummary {
  results: RunResults | undefined;
  error: string | undefined;
}

/** What result.json (and every renderer) says about the runners. */
export interface RunnersBlock {
  count: number;
  placement: 'local' | 'docker' | 'kubernetes';
  /** docker: the endpoints runners were dealt out over, in order. */
  engines?: string[];
  releaseSpreadMs: number | null;
  setup: RunnersRun['setup'];
  teardown: RunnersRun['teardown'];
  failure: string | null;
  merge: {
    counters: 'summed from the runners\' summaries';
    percentiles: 'merged native histograms' | 'unavailable';
    /** Largest relative bucket width among the merged trends (0.0905 = 9.05 %). */
    bucketWidth: number | null;
    trendsWithoutHistograms: string[];
  };
  list: Array<{
    id: number;
    segment: string;
    where: string;
    /** docker: the endpoint this runner ran on; null for local processes. */
    engine: string | null;
    end: string;
    exitCode: number | null;
    signal: string | null;
    /** Unix ms of its release (the load's start, and the clock of --chaos --at); null when never released. */
    releasedAt: number | null;
    requests: number | null;
    errorRate: number | null;
    /** k6's own p(99) of this runner's slice, ms. */
    p99: number | null;
    /** k6's own threshold results on this runner's slice: information only. */
    thresholds: ThresholdResult[];
    summaryError: string | null;
  }>;
}

/**
 * One exit code standing for all runners, for decideOutcome. A runner's own
 * 99 (its slice crossed a threshold) is not the verdict: the merged data is.
 */
export function combinedExitCode(codes: ReadonlyArray<number | null>): number | null {
  const rank = (c: number | null) => {
    if (c === 0 || c === 99) return 0;
    const loadctl = describeK6Exit(c).loadctl;
    return loadctl === ExitCode.Script ? 3 : loadctl === ExitCode.Interrupted ? 2 : 1;
  };
  let worst: number | null = 0;
  for (const c of codes) if (rank(c) > rank(worst)) worst = c;
  return worst;
}

export function runnersBlock(
  run: RunnersRun, placement: RunnersBlock['placement'], summaries: readonly RunnerSummary[], notes: MergeNotes | undefined, engines?: readonly string[],
): RunnersBlock {
  const widths = notes?.histogramTrends.map((t) => t.bucketWidth) ?? [];
  return {
    count: run.runners.length,
    placement,
    ...(engines ? { engines: [...engines] } : {}),
    releaseSpreadMs: run.releaseSpreadMs,
    setup: run.setup,
    teardown: run.teardown,
    failure: run.failure?.reason ?? null,
    merge: {
      counters: 'summed from the runners\' summaries',
      percentiles: widths.length > 0 ? 'merged native histograms' : 'unavailable',
      bucketWidth: widths.length > 0 ? Math.max(...widths) : null,
      trendsWithoutHistograms: notes?.trendsWithoutHistograms ?? [],
    },
    list: run.runners.map((r, i) => {
      const res = summaries[i]?.results;
      return {
        id: r.id, segment: r.segment, where: r.where, engine: r.engine ?? null, end: r.end, exitCode: r.exitCode, signal: r.signal, releasedAt: r.releasedAt,
        requests: res?.http.requests ?? null,
        errorRate: res?.http.errorRate ?? null,
        p99: res?.http.duration?.p99 ?? null,
        thresholds: (res?.thresholds ?? []).filter((t) => !isObserverThreshold(t.metric, t.expression)),
        summaryError: summaries[i]?.error ?? null,
      };
    }),
  };
}
