// The one way tests run the CLI: bin/loadctl.js as a subprocess, as a user
// runs it, built first when src/ is newer (kit/build.ts). Plain output (NO_COLOR), and a CI
// job's own step summary is not ours to write to unless a test passes one.
// An env value of undefined removes that variable.
import { spawn, type ChildProcess } from 'node:child_process';
import { ensureBuilt } from './build.ts';
import { binPath } from './paths.ts';

export interface CliOptions {
  cwd?: string;
  env?: Record<string, string | undefined>;
  /** false: `env` is the whole environment (a bare machine), nothing inherited. */
  inheritEnv?: boolean;
  /** 'pipe': stdin stays open and unwritten (a prompt waits on it) instead of /dev/null. */
  stdin?: 'ignore' | 'pipe';
  /** SIGKILL after this long: a hang is a finding, not a stuck suite. */
  timeoutMs?: number;
  /** Called on every chunk of output with everything so far (stdout and stderr as they arrived). */
  onOutput?: (text: string, kill: (signal: NodeJS.Signals) => void) => void;
}

export interface CliExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** stdout and stderr interleaved as they arrived. */
  output: string;
  /** From spawn to exit. */
  ms: number;
}

export interface CliRun {
  child: ChildProcess;
  done: Promise<CliExit>;
  stdout(): string;
  stderr(): string;
  /** stdout and stderr interleaved as they arrived. */
  output(): string;
  kill(signal: NodeJS.Signals): void;
  /** Resolves when the output matches; rejects when the CLI exits first or after the ceiling. */
  waitForOutput(pattern: RegExp, timeoutMs?: number): Promise<void>;
}

export function cliEnv(env: Record<string, string | undefined> = {}, inherit = true): NodeJS.ProcessEnv {
  const merged: Record<string, string | undefined> = { ...(inherit ? process.env : {}), NO_COLOR: '1', GITHUB_STEP_SUMMARY: undefined, ...env };
  for (const [key, value] of Object.entries(merged)) if (value === undefined) delete merged[key];
  return merged;
}

export function spawnCli(args: string[], options: CliOptions = {}): CliRun {
  ensureBuilt();
  const started = Date.now();
  const child = spawn(process.execPath, [binPath, ...args], { cwd: options.cwd, env: cliEnv(options.env, options.inheritEnv), stdio: [options.stdin ?? 'ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  let all = '';
  const listeners = new Set<() => void>();
  const seen = () => {
    options.onOutput?.(all, (signal) => child.kill(signal));
    for (const listener of listeners) listener();
  };
  child.stdout!.on('data', (d: Buffer) => { stdout += d; all += d; seen(); });
  child.stderr!.on('data', (d: Buffer) => { stderr += d; all += d; seen(); });
  const killer = options.timeoutMs === undefined ? undefined : setTimeout(() => child.kill('SIGKILL'), options.timeoutMs);
  const done = new Promise<CliExit>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(killer);
      resolve({ code, signal, stdout, stderr, output: all, ms: Date.now() - started });
    });
  });
  const waitForOutput = (pattern: RegExp, timeoutMs = 60_000) => new Promise<void>((resolve, reject) => {
    const finish = (error?: Error) => {
      listeners.delete(check);
      clearTimeout(timer);
      if (error) reject(error); else resolve();
    };
    const check = () => { if (pattern.test(all)) finish(); };
    const timer = setTimeout(() => finish(new Error(`timed out after ${timeoutMs} ms waiting for output ${pattern}; so far:\n${all}`)), timeoutMs);
    listeners.add(check);
    check();
    void done.then(() => finish(pattern.test(all) ? undefined : new Error(`loadctl exited before printing ${pattern}:\n${all}`)), () => {});
  });
  return { child, done, stdout: () => stdout, stderr: () => stderr, output: () => all, kill: (signal) => child.kill(signal), waitForOutput };
}

/** Runs the CLI to its exit. */
export function runCli(args: string[], options: CliOptions = {}): Promise<CliExit> {
  return spawnCli(args, options).done;
}
