// Where runners run. A placement starts one k6 for a runner and hands back
// its REST API, its exit and a way to signal it; the orchestration
// (run.ts) is the same for local processes and Docker containers.
import { sliceTest, type RunnerSlice } from './segments.ts';
import type { K6Api } from './k6-api.ts';
import { assignEngines, type EngineRequest } from './engines.ts';

/** What every runner gets, in host terms; a placement maps paths into its world. */
export interface RunnerSpec {
  slice: RunnerSlice;
  k6Path: string;
  /** The bundle (and its source map beside it). */
  scriptPath: string;
  /** Where this runner's handleSummary and --summary-export land, and its logs. */
  summaryPath: string;
  summaryExportPath: string;
  stdoutLog: string;
  stderrLog: string;
  /** Where k6 writes this runner's every sample (`--out json`, gzip), for the exact merged percentiles. */
  samplesPath?: string;
  /** `--out` values, the user's k6 flags and the environment (live feed included). */
  outputs: readonly string[];
  extraArgs: readonly string[];
  env: Readonly<Record<string, string>>;
  cwd: string;
  /** The local k6's version ("v2.2.0"), for a placement that picks a matching image. */
  k6Version?: string;
  /** Open files this runner's VUs need (the plan's 2 per VU + 200), for a container's limit. */
  openFiles?: number;
}

export interface RunnerExit {
  exitCode: number | null;
  signal: string | null;
  /** Set when the runner could not be started at all. */
  startError?: string;
}

export interface StartedRunner {
  id: number;
  /** "process 4123" or "container loadctl-runner-...": for messages. */
  where: string;
  /** The Docker endpoint it runs on (docker placement only). */
  engine?: string;
  api: K6Api;
  exited: Promise<RunnerExit>;
  /** Has the process or container ended? */
  done(): boolean;
  signal(signal: 'SIGINT' | 'SIGTERM' | 'SIGKILL'): void;
  /** The exact command, for the run folder, and k6's argv. */
  commandLine: string;
  argv: string[];
}

export interface Placement {
  kind: 'local' | 'docker';
  /** The addresses loadctl's receiver must listen on (one port on each) for every runner to reach it. */
  receiverHosts: readonly string[];
  /** How long a runner may take from start to paused-and-ready. */
  readyTimeoutMs: number;
  /** Docker endpoints the runners are dealt out over (docker placement only). */
  engines?: readonly string[];
  /** Checks what only k6's version decides (the runner image on every engine), before any runner starts. */
  prepare?(k6Version: string | undefined): Promise<void>;
  start(spec: RunnerSpec): Promise<StartedRunner>;
  /** Removes whatever the placement made (containers, networks); idempotent. */
  close(): Promise<void>;
}

/**
 * The flags that make a k6 one runner of many: its slice, paused until
 * released, setup and teardown left to loadctl (run once, through runner 0's
 * API), alive after the test until told (--linger) so teardown can run, and
 * every sample tagged with the runner id.
 */
export function runnerFlags(slice: RunnerSlice, address: string): string[] {
  return [
    '--execution-segment', slice.segment,
    '--execution-segment-sequence', slice.sequence,
    '--paused', '--no-setup', '--no-teardown', '--linger',
    '--address', address,
    '--tag', `runner=${slice.id}`,
  ];
}

/** Environment each runner's script sees: which runner it is, and how many there are. */
export function runnerEnv(slice: RunnerSlice, count: number): Record<string, string> {
  return { LOADCTL_RUNNER: String(slice.id), LOADCTL_RUNNERS: String(count) };
}

/** What --dry-run says each runner adds to the command above (ports are picked at start), and on which engine. */
export function dryRunRunnerLines(count: number, placement: 'local' | 'docker', engines: ReadonlyArray<{ host: string; weight: number }> = []): string[] {
  const where = placement === 'docker' ? 'a container, API on 0.0.0.0:6565 published on the engine' : 'a process, API on a free 127.0.0.1 port';
  const on = engines.length > 0 ? assignEngines(count, engines.map((e) => e.weight)).map((i) => ` (on ${engines[i]!.host})`) : [];
  return [
    `with --runners ${count}, ${count} such k6 (${where}), released together through their REST API; setup() and teardown() once, on runner 0:`,
    ...sliceTest(count).map((s) => `  runner ${s.id}${on[s.id] ?? ''}: ${runnerFlags(s, '<api>').join(' ')}`),
  ];
}

/** What `--runners N` was asked for: the placement and, for docker, where the runners go. */
export interface RunnersRequestOptions {
  count: number;
  /** local (default) or docker. */
  placement: 'local' | 'docker';
  /** docker: the image with k6 in it (default: loadctl-k6:<local k6 version>). */
  image?: string;
  /** docker: the engines (--docker-host, DOCKER_HOST style, with weights); default: DOCKER_HOST or the local socket. */
  engines?: EngineRequest[];
  /** docker: the address every runner pushes the live feed to (required when an engine is on another machine). */
  receiverHost?: string;
  /** docker: an existing bridge network to run on (default: one loadctl creates and removes). */
  network?: string;
}
