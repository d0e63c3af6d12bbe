// The verdict of a test split over runners, decided once from plain data:
// each runner's summary (its own figures and k6's judgement of its slice,
// kept for information), the merged results and the merged thresholds.
// Pure. The outcome is decided with a single k6's (src/run/decide.ts), with
// one addition: a runner that died, never got ready or never reported fails
// the run with that reason, whatever the figures say.
import { ExitCode } from '../errors.ts';
import { describeK6Exit, formatK6Exit } from '../k6/exit-codes.ts';
import type { RunResults, ThresholdResult } from '../results/types.ts';
import type { MergeNotes } from './merge.ts';
import type { RunnersRun } from './run.ts';
import type { RunnerSamples } from './samples.ts';
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
    /** 'samples': every runner's every trend sample, sketched; else the live feed's native histograms. */
    percentiles: 'samples' | 'merged native histograms' | 'unavailable';
    /** Largest relative error of a merged percentile against one k6 over all the samples (0.001 = 0.1 %). */
    relativeError: number | null;
    /** The native histograms' relative bucket width when they were merged (0.0905 = 9.05 %), else null. */
    bucketWidth: number | null;
    /** Merged percentiles moved onto what is known exactly (the max, the runners' own figures). */
    clamped: MergeNotes['clamped'];
    /** Each runner's samples file: read to its end, trend samples in it; null when none were read. */
    samples: { files: Array<{ runner: number; complete: boolean; points: number; error: string | null }>; readMs: number } | null;
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
    /** Where `requests` and `errorRate` come from: its summary, or (no summary: killed) what its live feed pushed. */
    requestsFrom: 'summary' | 'live feed' | null;
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

export interface BlockExtras {
  samples?: RunnerSamples | undefined;
  /** Runners without a summary, and what the live feed counted of their requests. */
  feed?: ReadonlyArray<{ id: number; counted: { requests: number; failures: number } | undefined }>;
}

export function runnersBlock(
  run: RunnersRun, placement: RunnersBlock['placement'], summaries: readonly RunnerSummary[], notes: MergeNotes | undefined,
  engines?: readonly string[], extras: BlockExtras = {},
): RunnersBlock {
  const trends = notes?.histogramTrends ?? [];
  const fromSamples = trends.length > 0 && trends.every((t) => t.source === 'samples');
  const widths = trends.filter((t) => t.source === 'native histograms').map((t) => t.relativeError);
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
      percentiles: trends.length === 0 ? 'unavailable' : fromSamples ? 'samples' : 'merged native histograms',
      relativeError: trends.length > 0 ? Math.max(...trends.map((t) => t.relativeError)) : null,
      bucketWidth: widths.length > 0 ? Math.max(...widths) : null,
      clamped: notes?.clamped ?? [],
      samples: extras.samples ? { files: extras.samples.files.map((f, i) => ({ runner: run.runners[i]?.id ?? i, ...f })), readMs: extras.samples.readMs } : null,
      trendsWithoutHistograms: notes?.trendsWithoutHistograms ?? [],
    },
    list: run.runners.map((r, i) => {
      const res = summaries[i]?.results;
      const counted = res ? undefined : extras.feed?.find((f) => f.id === r.id)?.counted;
      return {
        id: r.id, segment: r.segment, where: r.where, engine: r.engine ?? null, end: r.end, exitCode: r.exitCode, signal: r.signal, releasedAt: r.releasedAt,
        requests: res?.http.requests ?? counted?.requests ?? null,
        requestsFrom: res ? 'summary' : counted ? 'live feed' : null,
        errorRate: res?.http.errorRate ?? (counted && counted.requests > 0 ? counted.failures / counted.requests : null),
        p99: res?.http.duration?.p99 ?? null,
        thresholds: (res?.thresholds ?? []).filter((t) => !isObserverThreshold(t.metric, t.expression)),
        summaryError: summaries[i]?.error ?? null,
      };
    }),
  };
}

/**
 * The k6 line above the verdict. One k6: its exit. Runners: each one's own
 * exit, said as theirs, because the combined code (0 for a runner's own 99)
 * would read "all thresholds held" above a merged verdict that crossed them.
 */
export function k6ExitLine(k6: { exitCode: number | null; signal: string | null }, runners: Pick<RunnersBlock, 'list'> | undefined): string {
  if (!runners || runners.list.length === 0) return formatK6Exit(k6.exitCode, k6.signal);
  const codes = runners.list.map((r) => (r.exitCode === null ? r.signal ?? '?' : String(r.exitCode)));
  return `${runners.list.length} k6 runners exited ${codes.join(', ')} (each judged its own slice; the verdict below is on the merged data)`;
}
