// Runs k6 once. Silent: progress and lines go to callbacks, the command layer
// prints. Every expected k6 outcome (exit 99, 105, 107...) comes back as a
// value; only a k6 that cannot be started at all is reported as spawnError.
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { readFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { SUMMARY_PATH_ENV } from './bundle.ts';
import { OPTIONS_PATH_ENV, SCRIPT_STDOUT_ENV } from './entry.ts';
import { killProcessGroup } from './locate.ts';
import { claimSignals } from '../shared/signals.ts';
import { parseProgressLine, parseScenarioLine, type K6Progress, type K6ScenarioProgress } from './progress.ts';

export interface K6RunRequest {
  k6Path: string;
  scriptPath: string;
  /** Where the injected handleSummary writes (passed as LOADCTL_SUMMARY_PATH). */
  summaryPath: string;
  /** k6's own --summary-export file: a fallback if handleSummary never ran. */
  summaryExportPath?: string;
  /** Extra `--out` outputs, e.g. "experimental-prometheus-rw" for a live feed. */
  outputs?: readonly string[];
  /** The user's k6 flags (after `--`), placed before the script path. */
  extraArgs?: readonly string[];
  /** Environment for k6 on top of loadctl's own (BASE_URL, K6_* settings...). */
  env?: Readonly<Record<string, string>>;
  stdoutLog: string;
  stderrLog: string;
  cwd?: string;
}

export interface K6RunCallbacks {
  onSpawn?(pid: number | undefined): void;
  onProgress?(progress: K6Progress, scenarios: readonly K6ScenarioProgress[]): void;
  onStdoutLine?(line: string): void;
  onStderrLine?(line: string): void;
  /** A signal loadctl received and forwarded to k6. */
  onSignal?(signal: NodeJS.Signals, forwardedAs: NodeJS.Signals): void;
}

/** Where signals come from; `process` in real use, an EventEmitter in tests. */
export interface SignalSource {
  on(event: NodeJS.Signals, listener: () => void): unknown;
  off(event: NodeJS.Signals, listener: () => void): unknown;
}

export interface K6RunResult {
  exitCode: number | null;
  signal: string | null;
  /** loadctl received SIGINT/SIGTERM and forwarded it. */
  interrupted: boolean;
  /** Set when k6 could not be started (ENOENT, EACCES...). */
  spawnError: string | undefined;
  /** Unix ms when the process was spawned and when it ended. */
  spawnedAt: number;
  endedAt: number;
  durationMs: number;
  lastProgress: K6Progress | undefined;
  stdoutLog: string;
  stderrLog: string;
}

/** k6's argv (without the binary): `run`, loadctl's flags, the user's flags, the script. */
export function buildK6Argv(req: Pick<K6RunRequest, 'scriptPath' | 'summaryExportPath' | 'outputs' | 'extraArgs'>): string[] {
  const argv = ['run', '--no-color'];
  if (req.summaryExportPath) argv.push('--summary-export', req.summaryExportPath);
  for (const out of req.outputs ?? []) argv.push('--out', out);
  argv.push(...(req.extraArgs ?? []), req.scriptPath);
  return argv;
}

/** The environment k6 gets on top of loadctl's: the caller's plus the summary paths. */
export function buildK6Env(req: Pick<K6RunRequest, 'env' | 'summaryPath'>): Record<string, string> {
  return { ...req.env, [SUMMARY_PATH_ENV]: req.summaryPath, [SCRIPT_STDOUT_ENV]: scriptStdoutPath(req.summaryPath) };
}

/** Beside the summary: what the script's own handleSummary sent to stdout. */
export function scriptStdoutPath(summaryPath: string): string {
  return join(dirname(summaryPath), `${basename(summaryPath).replace(/\.json$/, '')}-script-stdout.txt`);
}

/** The script's own handleSummary stdout of a run, or undefined when it sent none. */
export async function readScriptStdout(summaryPath: string): Promise<string | undefined> {
  const text = await readFile(scriptStdoutPath(summaryPath), 'utf8').catch(() => undefined);
  return text === undefined || text.trim() === '' ? undefined : text;
}

/**
 * The command saved as k6-command.txt (and printed by --dry-run): the same
 * run, but its summaries go to replay-* files, so running it again does not
 * overwrite the files this run is judged and reported from.
 */
export function replayCommand(req: Pick<K6RunRequest, 'k6Path' | 'scriptPath' | 'summaryPath' | 'summaryExportPath' | 'outputs' | 'extraArgs' | 'env'>): string {
  const replay = (path: string) => join(dirname(path), `replay-${basename(path)}`);
  // A script's consolidated options file too: the run's own copy is what its capacity was judged on.
  const optionsPath = req.env?.[OPTIONS_PATH_ENV];
  const env = optionsPath ? { ...req.env, [OPTIONS_PATH_ENV]: replay(optionsPath) } : req.env;
  const again = { ...req, ...(env ? { env } : {}), summaryPath: replay(req.summaryPath), ...(req.summaryExportPath ? { summaryExportPath: replay(req.summaryExportPath) } : {}) };
  return formatK6Command(req.k6Path, buildK6Argv(again), buildK6Env(again));
}

const shellQuote = (s: string) => (/^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`);

/** A copy-pasteable POSIX shell line: `env K=V ... /path/k6 run ... script.js`. */
export function formatK6Command(k6Path: string, argv: readonly string[], env: Readonly<Record<string, string>>): string {
  const vars = Object.keys(env).sort().map((k) => shellQuote(`${k}=${env[k]}`));
  return [...(vars.length > 0 ? ['env', ...vars] : []), shellQuote(k6Path), ...argv.map(shellQuote)].join(' ');
}

/** How long k6's pipes may stay open after k6 itself has exited. */
const PIPE_GRACE_MS = 2000;

/** A wait that keeps the process alive (the pipes may not), cleared once the race is decided. */
function delay(ms: number, timers: NodeJS.Timeout[]): Promise<void> {
  return new Promise<void>((resolve) => { timers.push(setTimeout(resolve, ms)); });
}

/** Sends a signal to a process group, or to the process alone where there are no groups. */
function signalGroup(pid: number | undefined, signal: NodeJS.Signals, alone: () => void): void {
  if (pid === undefined || process.platform === 'win32') return alone();
  try {
    process.kill(-pid, signal);
  } catch {
    alone();
  }
}

function eachLine(stream: Readable | null, onLine: (line: string) => void): Promise<void> {
  if (!stream) return Promise.resolve();
  const rl = createInterface({ input: stream, crlfDelay: Infinity });
  rl.on('line', onLine);
  return new Promise((resolve) => rl.once('close', resolve));
}

export async function runK6(
  req: K6RunRequest,
  callbacks: K6RunCallbacks = {},
  signals: SignalSource = process,
): Promise<K6RunResult> {
  const { execa } = await import('execa');
  const argv = buildK6Argv(req);
  const spawnedAt = Date.now();
  // detached: a Ctrl-C in the terminal reaches only loadctl, which forwards it
  // once; k6 getting it twice would skip its summary.
  const child = execa(req.k6Path, argv, {
    cwd: req.cwd,
    env: buildK6Env(req),
    extendEnv: true,
    reject: false,
    buffer: false,
    detached: true,
    // execa would SIGKILL 5 s after a forwarded SIGTERM; k6's graceful stop
    // (gracefulStop, then handleSummary) may take longer, and must not be cut.
    forceKillAfterDelay: false,
    stdin: 'ignore',
    stdout: ['pipe', { file: req.stdoutLog }],
    stderr: ['pipe', { file: req.stderrLog }],
  });
  callbacks.onSpawn?.(child.pid);

  // k6's own end, apart from its pipes: a child it left behind (a wrapper's
  // `sleep &`) can hold them open long after k6 is gone.
  let exited: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  const exitSeen = new Promise<void>((resolve) => child.once('exit', (code, signal) => { exited = { code, signal }; resolve(); }));
  let stopWaiting = () => {};
  const waitStopped = new Promise<void>((resolve) => { stopWaiting = resolve; });

  let interrupted = false;
  let received = 0;
  const forward = (signal: NodeJS.Signals) => () => {
    received += 1;
    interrupted = true;
    // k6 has gone and only its pipes are waited on: a signal ends that wait now.
    if (exited) { stopWaiting(); return; }
    // k6 stops gracefully on the first signal and hard on the second; past that, kill.
    const as: NodeJS.Signals = received > 2 ? 'SIGKILL' : signal;
    callbacks.onSignal?.(signal, as);
    // The group: a wrapper script's k6 gets it too, not only the shell around it.
    signalGroup(child.pid, as, () => child.kill(as));
  };
  const onInt = forward('SIGINT');
  const onTerm = forward('SIGTERM');
  signals.on('SIGINT', onInt);
  signals.on('SIGTERM', onTerm);
  const release = claimSignals();
  // A detached child outlives us unless we take it down on the way out.
  // The whole group: a k6 wrapper script's own children go too.
  const onExit = () => killProcessGroup(child.pid);
  process.once('exit', onExit);

  let lastProgress: K6Progress | undefined;
  let scenarios: K6ScenarioProgress[] = [];
  const stdoutDone = eachLine(child.stdout, (line) => {
    callbacks.onStdoutLine?.(line);
    const progress = parseProgressLine(line);
    if (progress) {
      lastProgress = progress;
      scenarios = [];
      callbacks.onProgress?.(progress, scenarios);
      return;
    }
    const scenario = parseScenarioLine(line);
    if (scenario && lastProgress) {
      scenarios.push(scenario);
      callbacks.onProgress?.(lastProgress, scenarios);
    }
  });
  const stderrDone = eachLine(child.stderr, (line) => callbacks.onStderrLine?.(line));

  try {
    const drained = Promise.all([child, stdoutDone, stderrDone]).then(([result]) => result);
    const first = await Promise.race([drained.then(() => 'drained' as const), exitSeen.then(() => 'exited' as const)]);
    let result: Awaited<typeof child> | undefined;
    const timers: NodeJS.Timeout[] = [];
    if (first === 'exited') {
      // What k6 wrote is in the pipes already; past a moment, whatever still
      // holds them is a straggler of k6's group, not k6.
      const late = await Promise.race([drained, delay(PIPE_GRACE_MS, timers).then(() => undefined), waitStopped.then(() => undefined)]);
      if (late === undefined) {
        killProcessGroup(child.pid);
        child.stdout?.destroy();
        child.stderr?.destroy();
        result = await Promise.race([drained, delay(PIPE_GRACE_MS, timers).then(() => undefined)]);
      } else {
        result = late;
      }
    } else {
      result = await drained;
    }
    for (const t of timers) clearTimeout(t);
    const endedAt = Date.now();
    const spawnFailed = result !== undefined && result.failed && result.exitCode === undefined && result.signal === undefined && exited === undefined;
    return {
      exitCode: result?.exitCode ?? exited?.code ?? null,
      signal: result?.signal ?? exited?.signal ?? null,
      interrupted,
      spawnError: spawnFailed && result ? (result.cause instanceof Error ? result.cause.message : result.shortMessage) : undefined,
      spawnedAt,
      endedAt,
      durationMs: endedAt - spawnedAt,
      lastProgress,
      stdoutLog: req.stdoutLog,
      stderrLog: req.stderrLog,
    };
  } finally {
    release();
    signals.off('SIGINT', onInt);
    signals.off('SIGTERM', onTerm);
    process.off('exit', onExit);
  }
}
