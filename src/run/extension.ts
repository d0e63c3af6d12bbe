// A run extension: one feature of a run under load (chaos, Prometheus gates,
// live gates, invariants, capacity, remote-write forward) as one object the
// live run loops over, in the order of the registry (./extensions/index.ts).
// Modelled on k6's small Output interface with opt-in capabilities: every
// hook is optional, and "may stop the load" is one of them (`signals`).
// Adding a feature is one file in ./extensions/ plus one registry line.
import type { IncomingHttpHeaders } from 'node:http';
import type { TimelineEvent } from '../chaos/engine-types.ts';
import type { SignalSource } from '../k6/run.ts';
import type { LiveSecond } from '../live/timeline.ts';
import type { SecondStats, Timeline } from '../live/types.ts';
import type { ResolvedProfile } from '../profiles/types.ts';
import type { RunReport } from '../report/model.ts';
import type { Ui } from '../ui.ts';
import type { Say } from './decide.ts';
import type { RunPipelineOptions } from './pipeline.ts';

/** The live run's options: the one bag from the run use case to runLive and every extension's `host.request`. */
export interface LiveRunOptions {
  pipeline: RunPipelineOptions;
  /** The remote-write live feed (default on; --no-live turns it off). */
  live: boolean;
  /** Also have k6 write its exact NDJSON record (--record), read into the timeline afterwards. */
  record: boolean;
  chaos?: import('../live-run/chaos.ts').ChaosRequest;
  /** --prometheus: gates are judged there after the load (LOADCTL_PROMETHEUS and the profile's prometheus.url otherwise). */
  prometheus?: string;
  /** --prometheus-abort: every gate is judged live too, and stops the run when it keeps failing. */
  prometheusAbort?: boolean;
  /** --prometheus-rw: forward k6's remote-write and loadctl's markers here (env LOADCTL_PROMETHEUS_RW). */
  prometheusRw?: string;
  /** --invariant: shipped invariants to check before the load and after recovery. */
  invariants?: string[];
  /** Each finished second of the live feed, as it comes (the --find-limit probes decide on it). */
  onSecond?: (second: LiveSecond) => void;
  /** --capacity settings for a staged profile's steps (checked already). */
  capacity?: string;
  /** stdin is a terminal (a human can confirm the experiment). */
  interactive: boolean;
  quiet: boolean;
  /** Split the test over N k6 runners (--runners N), locally or in Docker containers. */
  runners?: import('../runners/placements.ts').RunnersRequestOptions;
  /** What runs the load instead of one k6 or the runners (the unit tests' fake). */
  executor?: import('./executor.ts').Executor;
}

/** Shared between the extensions of one run, each slot written by one of them. */
export interface RunShared {
  /** Written by chaos when it opens: the experiment's name, its Prometheus gates and invariants. */
  experiment?: import('../chaos/experiment-schema.ts').Experiment;
  /** Written by prometheus-gates before the load; live gates judge the same gates. */
  gates?: import('../prometheus/in-run.ts').PreparedGates | null;
  /** Written by live-gates after the load: what they saw, and whether one stopped the run. */
  liveGates?: import('../live-run/live-gates.ts').LiveGatesOutcome | null;
  /** Written by chaos when it finishes: the phases the gates are judged per. */
  phases?: import('../live/phases.ts').PhaseStats[] | null;
  /** Written by chaos: rolls back a fault in flight (a live gate that stops the run calls it). */
  abortFaults?: () => void;
}

/** The run's host, as every hook may use it. */
export interface RunHost {
  request: LiveRunOptions;
  ui: Ui;
  shared: RunShared;
  /** A line under the live view (never torn by the spinner). */
  note(line: string): void;
  /** The live feed's most recent seconds (empty without a feed). */
  recent(): readonly SecondStats[];
  recentSeconds(): readonly LiveSecond[];
  /** True once the load has ended. */
  loadEnded(): boolean;
  /** Aborted when a runner failed: the load is being stopped. */
  loadStopped: AbortSignal;
  /** Tells every other extension about a timeline event (the chaos experiment's). */
  emit(event: TimelineEvent): void;
  /** A hang-up: stop the runners as on Ctrl-C (they listen for SIGINT/SIGTERM themselves). */
  hangUp(): void;
  /** Shows or hides the per-second live lines (kept on while a fault is in). */
  setChaosActive(active: boolean): void;
}

export interface FinishContext {
  runDir: string;
  report: RunReport;
  /** The timeline the phases are judged on; undefined when no feed had data. */
  timeline: Timeline | undefined;
  /** The profile the run used, when the pipeline resolved it. */
  profile: ResolvedProfile | undefined;
}

/** The blocks a run adds beside the k6 report, each present when its feature ran. */
export interface RunBlocks {
  phases?: import('../report/result-phases.ts').PhasesBlock;
  prometheus?: import('../prometheus/in-run.ts').PrometheusDoc;
  invariants?: import('../invariants/in-run.ts').InvariantsDoc;
  capacity?: import('../capacity/analyse.ts').CapacityBlock;
}

/** What an extension adds when the run is judged. */
export interface Finding {
  /** Its say in the verdict (src/run/decide.ts). */
  say?: Say;
  /** Its blocks of result.json. */
  doc?: Record<string, unknown>;
  /** Its blocks of the RunResult (and the command's --junit and step summary). */
  blocks?: Partial<RunBlocks>;
}

export interface ActiveExtension {
  /** On a dry run: what the feature would do (printed after the k6 command). */
  dryRun?(): string | undefined;
  /** Asked before anything starts (a consent); a throw refuses the run with nothing started. */
  confirm?(): Promise<void>;
  /** With the resolved profile, before the run folder and k6 (not on a dry run); a throw stops the run. */
  beforeLoad?(profile: ResolvedProfile): Promise<void>;
  /** k6's remote-write bodies as the live feed receives them. */
  onPush?(body: Uint8Array, headers: IncomingHttpHeaders): void;
  onSecond?(second: LiveSecond): void;
  /** k6's progress: when the test began by its own clock (now - elapsed). */
  onProgress?(nowMs: number, elapsedMs: number): void;
  /** The load started (k6 spawned, or the runners released); `pid` for a single k6. */
  onStart?(at: number, pid: number | undefined): void;
  /** Another extension's timeline event. */
  onEvent?(event: TimelineEvent): void;
  /** Capability "may stop the load": the signal source the pipeline listens to instead of `base`. */
  signals?(base: SignalSource): SignalSource;
  /** A signal from the user reached loadctl (Ctrl-C, SIGTERM, a hang-up). */
  onSignal?(name: NodeJS.Signals): void;
  /** True while the extension itself is signalling k6 (its stop is not the user's Ctrl-C). */
  stopping?(): boolean;
  /** The load ended (or never started): stop what runs under it (registry order: live gates, then chaos's rollback). */
  afterLoad?(): Promise<void>;
  /** After the run folder has its timeline: files, the say, the result.json block. */
  finish?(ctx: FinishContext): Promise<Finding | undefined>;
}

export interface RunExtension {
  readonly name: string;
  /** Before anything starts: null when this run does not use the feature; a throw refuses the run. */
  open(host: RunHost): Promise<ActiveExtension | null>;
}
