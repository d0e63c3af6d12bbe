// `loadctl run` without the UI: resolve the profile, find k6, check the
// target, bundle, run k6, read the summary, judge, and leave every artefact
// in the run folder. Silent: it reports through RunEvents; the command prints.
import { rm, writeFile } from 'node:fs/promises';
import type { ProfileOverrides, ResolvedProfile } from '../profiles/types.ts';
import { bundleScenario, OPTIONS_PATH_ENV, type BundleResult } from '../k6/bundle.ts';
import { adoptTestOptions, testOptionsPath } from '../script/test-options.ts';
import { resolveK6Path, type LocatedK6 } from '../k6/locate.ts';
import { buildK6Argv, readScriptStdout, replayCommand, type K6RunCallbacks, type SignalSource } from '../k6/run.ts';
import type { RunReport } from '../report/model.ts';
import type { Executor } from './executor.ts';
import type { OutcomeFacts } from './decide.ts';
import { buildRunReport } from './report.ts';
import { singleExecutor } from './single.ts';
import { createRunFolder, runFiles } from '../shared/run-folder.ts';
import type { PreflightResult } from './preflight.ts';
import { InterruptedError } from '../errors.ts';
import { claimSignals } from '../shared/signals.ts';
import type { PhasesBlock } from '../report/result-phases.ts';

export interface RunPipelineOptions {
  profile: string;
  cwd: string;
  overrides: ProfileOverrides;
  outDir: string;
  k6Path?: string;
  dryRun: boolean;
  preflight: boolean;
  preflightTimeoutMs?: number;
  /** Type-check the scenario before bundling (cached by content); default true. */
  typeCheck?: boolean;
  /** The user's k6 flags (after `--`). */
  extraArgs: string[];
  /** Extra k6 outputs (`--out`) and environment, for callers such as a live feed. */
  outputs: string[];
  k6Env: Record<string, string>;
  /** More k6 environment that depends on the k6 found (undefined for --dry-run) and the environment so far. */
  k6EnvFor?: (k6: LocatedK6 | undefined, env: Readonly<Record<string, string | undefined>>) => Record<string, string>;
  /** Environment loadctl reads (PATH, K6_BIN, BASE_URL). */
  processEnv: NodeJS.ProcessEnv;
  now?: () => Date;
  signals?: SignalSource;
  /**
   * Called with the resolved profile before the run folder is made and k6
   * starts (not on a dry run): a caller's own checks, e.g. that the profile's
   * Prometheus answers. A throw stops the run with nothing started.
   */
  beforeLoad?: (profile: ResolvedProfile) => Promise<void>;
  /** What runs the load once it is bundled: one k6 (the default), N runners (runners/stage.ts), a fake in tests. */
  executor?: Executor;
  /** The load is this k6 script, as it is (`loadctl run file.js`); `profile` is then only its label. */
  script?: import('../script/load.ts').RunScript;
  /** Check this URL answers before k6 starts (--preflight URL); a script gets no check otherwise. */
  preflightUrl?: string;
}

export interface RunEvents extends K6RunCallbacks {
  onProfile?(profile: ResolvedProfile): void;
  onK6?(k6: LocatedK6): void;
  onPreflight?(result: PreflightResult): void;
  onRunDir?(dir: string): void;
  onBundle?(bundle: BundleResult): void;
  onCommand?(commandLine: string): void;
}

export type PipelineResult =
  | { kind: 'dry-run'; runDir: string; commandLine: string; profile: ResolvedProfile; bundle: BundleResult }
  | {
    kind: 'ran'; runDir: string; report: RunReport;
    /** What the load's outcome was decided from; the run's extensions add their say to it (./decide.ts). */
    facts: OutcomeFacts;
  };

export async function runPipeline(options: RunPipelineOptions, events: RunEvents = {}): Promise<PipelineResult> {
  const guard = interruptGuard(options.signals ?? process);
  try {
    return await pipeline(options, events, guard);
  } finally {
    guard.stop();
  }
}

/**
 * Ctrl-C before k6 starts: finish the current step, then stop with exit 4
 * (not Node's default 130) and remove the half-made run folder.
 */
function interruptGuard(signals: SignalSource) {
  let received: NodeJS.Signals | undefined;
  let stopped = false;
  // Waits that can stop early (k6 version, the health check) listen to this.
  const controller = new AbortController();
  const on = (name: NodeJS.Signals) => () => {
    received = name;
    controller.abort(name);
  };
  const onInt = on('SIGINT');
  const onTerm = on('SIGTERM');
  signals.on('SIGINT', onInt);
  signals.on('SIGTERM', onTerm);
  const release = claimSignals();
  return {
    signal: controller.signal,
    async check(runDir?: string) {
      if (!received) return;
      if (runDir) await rm(runDir, { recursive: true, force: true });
      throw new InterruptedError(`${received} before k6 started; nothing was run`);
    },
    /** Hands signals over to the k6 runner, which forwards them. */
    stop() {
      if (stopped) return;
      stopped = true;
      release();
      signals.off('SIGINT', onInt);
      signals.off('SIGTERM', onTerm);
    },
  };
}

async function pipeline(options: RunPipelineOptions, events: RunEvents, guard: ReturnType<typeof interruptGuard>): Promise<PipelineResult> {
  const now = options.now ?? (() => new Date());
  // `k6 version` is a process spawn; run it while the profile loads. A bad
  // profile still wins (exit 2 before exit 3) because it is awaited first.
  const executor = options.executor ?? singleExecutor;
  const locating = options.dryRun ? undefined : executor.locate({ k6Path: options.k6Path, env: options.processEnv, cwd: options.cwd, signal: guard.signal });
  locating?.catch(() => {});
  // execa is the biggest import on the way to k6 (hundreds of files); start it
  // now, so it loads while `k6 version` and esbuild (both other processes) work.
  if (!options.dryRun) import('execa').catch(() => {});
  const profile = await (await import('../script/load.ts')).loadRunProfile(options);
  events.onProfile?.(profile);
  await guard.check();

  let k6: LocatedK6 | undefined;
  if (locating) {
    k6 = await locating;
    events.onK6?.(k6);
    // A script's URLs are its own business: no health check unless one was asked for.
    if (options.preflightUrl !== undefined || (options.preflight && !profile.script)) {
      const { preflight } = await import('./preflight.ts');
      events.onPreflight?.(await preflight(options.preflightUrl ?? profile.env, options.preflightTimeoutMs, guard.signal));
    }
    await options.beforeLoad?.(profile);
  }

  const startedAt = now();
  const runDir = await createRunFolder(options.outDir, profile.name, startedAt);
  events.onRunDir?.(runDir);
  const files = runFiles(runDir);
  await writeFile(files.profile, `${JSON.stringify(profile, null, 2)}\n`);
  const bundle = await bundleScenario(profile, runDir, { cwd: options.cwd, typeCheck: options.typeCheck !== false });
  await guard.check(runDir);
  events.onBundle?.(bundle);

  const k6Env = { ...profile.env, ...options.k6Env, ...(profile.script ? { [OPTIONS_PATH_ENV]: testOptionsPath(runDir) } : {}) };
  // Relative to the run folder's parent would break copy-paste; keep absolute paths.
  const request = {
    k6Path: k6?.path ?? safeK6Path(options),
    scriptPath: bundle.scriptPath,
    summaryPath: files.summary,
    summaryExportPath: files.summaryExport,
    outputs: options.outputs,
    extraArgs: options.extraArgs,
    env: { ...k6Env, ...options.k6EnvFor?.(k6, { ...options.processEnv, ...k6Env }) },
    stdoutLog: files.stdout,
    stderrLog: files.stderr,
    cwd: options.cwd,
  };
  const argv = buildK6Argv(request);
  const commandLine = replayCommand(request);
  await writeFile(files.command, `${commandLine}\n`);
  events.onCommand?.(commandLine);
  if (options.dryRun) return { kind: 'dry-run', runDir, commandLine, profile, bundle };
  await guard.check(runDir);
  guard.stop();
  const executed = await executor.run({
    profile, runDir, files, request, k6, cwd: options.cwd, ...(options.signals ? { signals: options.signals } : {}),
  }, events);
  // A script's options as k6 ran them (command line applied), for the capacity steps worked out after the load.
  await adoptTestOptions(profile, runDir);
  const report = buildRunReport({
    profile, cwd: options.cwd, startedAt, endedAt: now(), runDir, k6: { path: request.k6Path, version: k6?.version.text }, executed,
  });
  const scriptStdout = await readScriptStdout(files.summary);
  if (scriptStdout) report.scriptStdout = scriptStdout;
  return { kind: 'ran', runDir, report, facts: executed.facts };
}

/** For --dry-run, which needs no k6: show the one that would run, or plain "k6". */
function safeK6Path(options: RunPipelineOptions): string {
  try {
    return resolveK6Path({ k6Path: options.k6Path, env: options.processEnv, cwd: options.cwd }).path;
  } catch {
    return options.k6Path ?? 'k6';
  }
}
