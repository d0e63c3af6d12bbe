// The run use case: one typed request in, one result out. Every command that
// runs a load (`run`, `gameday`, `demo`, `run --find-limit`'s probes) builds a
// RunRequest and reads the RunResult; nobody re-reads result.json to learn
// what happened. Silent: progress goes through `io.events`, lines through
// `io.ui`; the caller owns the console and turns `exitCode` into the process's.
import type { ProfileOverrides, ResolvedProfile, Target } from '../profiles/types.ts';
import type { BundleResult } from '../k6/bundle.ts';
import type { SignalSource } from '../k6/run.ts';
import type { RunEvents } from '../run/pipeline.ts';
import type { RunReport } from '../report/model.ts';
import type { Timeline } from '../live/types.ts';
import type { LiveSecond } from '../live/timeline.ts';
import type { ChaosRequest } from '../live-run/chaos.ts';
import type { RunnersRequestOptions } from '../runners/placements.ts';
import type { Ui } from '../ui.ts';
import type { RunBlocks, RunExtension } from '../run/extension.ts';
import type { Executor } from '../run/executor.ts';
import { UsageError, type ExitCodeValue } from '../errors.ts';

/**
 * What the load is made from: a profile (name or .yaml path), or a user's own
 * k6 script run as `k6 run` would (k6's --vus/--duration/--stage/--iterations/
 * --env travel in extraArgs, for k6 to apply; `targets` are loadctl's to judge).
 */
export type RunSource =
  | { kind: 'profile'; profile: string; overrides: ProfileOverrides }
  | { kind: 'script'; path: string; targets: Target[]; allowNoSamples?: string[] };

/** A request whose load comes from a profile (what --find-limit and gameday build on). */
export type ProfileRunRequest = RunRequest & { source: Extract<RunSource, { kind: 'profile' }> };

export interface RunRequest {
  source: RunSource;
  cwd: string;
  /** Where run folders go (absolute). */
  outDir: string;
  k6Path?: string;
  /** Resolve and bundle, write the k6 command, run nothing. */
  dryRun: boolean;
  /** Check the target answers before starting k6 (a profile's health URL; a script gets no check unless preflightUrl). */
  preflight: boolean;
  /** Check this URL instead (--preflight URL). */
  preflightUrl?: string;
  /** Type-check the scenario before bundling (default true). */
  typeCheck?: boolean;
  /** The user's k6 flags (after `--`). */
  extraArgs: string[];
  /** Extra k6 outputs and environment. */
  outputs?: string[];
  k6Env?: Record<string, string>;
  /** The environment loadctl reads (PATH, K6_BIN, BASE_URL, LOADCTL_*). */
  processEnv: NodeJS.ProcessEnv;
  /** The remote-write live feed (default on). */
  live: boolean;
  /** k6's exact NDJSON record too. */
  record: boolean;
  chaos?: ChaosRequest;
  /** Prometheus to judge gates in (else LOADCTL_PROMETHEUS, else the profile's prometheus.url). */
  prometheus?: string;
  /** Judge every gate live too; one that keeps failing stops the run. */
  prometheusAbort?: boolean;
  /** Forward k6's remote-write and loadctl's markers here (else LOADCTL_PROMETHEUS_RW). */
  prometheusRw?: string;
  /** Shipped invariants to check before the load and after recovery. */
  invariants?: string[];
  /** What a staged profile's step must hold (--capacity). */
  capacity?: string;
  /** Split over N k6 runners. */
  runners?: RunnersRequestOptions;
  /** A human can answer the experiment's confirmation. */
  interactive: boolean;
  quiet: boolean;
  /** Where SIGINT/SIGTERM come from (default: the process). */
  signals?: SignalSource;
  /** Each finished second of the live feed, as it comes. */
  onSecond?: (second: LiveSecond) => void;
}

export type { RunBlocks } from '../run/extension.ts';

export type RunResult =
  | { kind: 'dry-run'; exitCode: 0; runDir: string; commandLine: string; profile: ResolvedProfile; bundle: BundleResult }
  | {
    kind: 'ran';
    exitCode: ExitCodeValue;
    runDir: string;
    report: RunReport;
    blocks: RunBlocks;
    /** result.json as written, and as an object (the same content). */
    resultJson: string;
    document: Record<string, unknown>;
    /** The per-second timeline the phases were judged on, when the feed (or --record) had data. */
    timeline?: Timeline;
  };

export interface RunIo {
  events: RunEvents;
  ui: Ui;
  /** What runs the load instead of one k6 or the runners (the unit tests' fake of the k6 process). */
  executor?: Executor;
  /** The run's extensions (default: the registry, src/run/extensions/index.ts). */
  extensions?: readonly RunExtension[];
}

export async function runTest(request: RunRequest, io: RunIo): Promise<RunResult> {
  const { source } = request;
  const { runLive } = await import('../live-run/run.ts');
  const r = request;
  const result = await runLive({
    pipeline: {
      ...(source.kind === 'profile'
        ? { profile: source.profile, overrides: source.overrides }
        : { profile: source.path, overrides: {}, script: { path: source.path, targets: source.targets, ...(source.allowNoSamples ? { allowNoSamples: source.allowNoSamples } : {}) } }),
      cwd: r.cwd, outDir: r.outDir,
      ...(r.k6Path !== undefined ? { k6Path: r.k6Path } : {}),
      dryRun: r.dryRun, preflight: r.preflight, typeCheck: r.typeCheck !== false,
      ...(r.preflightUrl !== undefined ? { preflightUrl: r.preflightUrl } : {}),
      extraArgs: [...r.extraArgs], outputs: [...(r.outputs ?? [])], k6Env: { ...r.k6Env }, processEnv: r.processEnv,
      ...(r.signals ? { signals: r.signals } : {}),
    },
    live: r.live, record: r.record, interactive: r.interactive, quiet: r.quiet,
    ...(r.chaos ? { chaos: r.chaos } : {}),
    ...(r.runners ? { runners: r.runners } : {}),
    ...(r.prometheus !== undefined ? { prometheus: r.prometheus } : {}),
    ...(r.prometheusRw !== undefined ? { prometheusRw: r.prometheusRw } : {}),
    ...(r.prometheusAbort ? { prometheusAbort: true } : {}),
    ...(r.invariants && r.invariants.length > 0 ? { invariants: r.invariants } : {}),
    ...(r.capacity !== undefined ? { capacity: r.capacity } : {}),
    ...(r.onSecond ? { onSecond: r.onSecond } : {}),
    ...(io.executor ? { executor: io.executor } : {}),
  }, io.events, io.ui, ...(io.extensions ? [io.extensions] : []));
  if (result.kind === 'dry-run') return { ...result, exitCode: 0 };
  const { kind, runDir, report, resultJson, document, timeline, ...blocks } = result;
  return { kind, exitCode: report.outcome.exitCode, runDir, report, blocks, resultJson, document, ...(timeline ? { timeline } : {}) };
}
