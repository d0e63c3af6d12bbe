// Finding k6 and checking its version. k6 is a Go binary outside npm, so this
// is where a missing or wrong k6 becomes one clear EnvironmentError instead of
// an ENOENT from deep inside execa.
import { spawn } from 'node:child_process';
import { accessSync, constants, statSync } from 'node:fs';
import { delimiter, isAbsolute, join, resolve } from 'node:path';
import { EnvironmentError, InterruptedError } from '../errors.ts';
import { cachedK6Path, k6CacheDir, PINNED_K6 } from './install.ts';
import { isSupportedK6, parseK6Version, SUPPORTED_RANGE, type K6Version } from './version.ts';

export { isSupportedK6, parseK6Version, SUPPORTED_RANGE, type K6Version };

export interface LocatedK6 {
  path: string;
  /** Where the path came from, for `doctor` and error messages. */
  source: '--k6' | 'K6_BIN' | 'PATH' | 'cache';
  version: K6Version;
  /** The raw first line of `k6 version`. */
  versionLine: string;
}

const installLines = [
  'install k6 (https://grafana.com/docs/k6/latest/set-up/install-k6/):',
  '    Linux:   sudo apt-get install k6 (after adding the Grafana apt repo), sudo dnf install k6, or the binary from https://github.com/grafana/k6/releases',
  '    macOS:   brew install k6',
  '    Windows: winget install k6 --source winget (or choco install k6)',
];
const pointAt = '  or point loadctl at a k6 binary with --k6 /path/to/k6 or K6_BIN=/path/to/k6';

/**
 * How to get k6 here. With Go on PATH, `loadctl install-k6` comes first: one
 * command, no package repository (plain `go install go.k6.io/k6/v2@latest`
 * also asks the vanity-import host for a deprecation notice and fails where
 * only the module proxy is reachable, so it is not offered).
 */
export function installHint(env: NodeJS.ProcessEnv = process.env): string {
  const go = findOnPath('go', env.PATH ?? env.Path, process.platform, env.PATHEXT);
  const withGo = go
    ? [`loadctl install-k6 (Go found at ${go}): builds k6 ${PINNED_K6} into ${k6CacheDir(env)}, where loadctl finds it; or`]
    : [];
  return [...withGo, ...installLines, pointAt].join('\n');
}


function isExecutableFile(path: string): boolean {
  try {
    if (!statSync(path).isFile()) return false;
    accessSync(path, process.platform === 'win32' ? constants.F_OK : constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** Looks k6 up on a PATH string, honouring PATHEXT on Windows. */
export function findOnPath(command: string, pathValue: string | undefined, platform = process.platform, pathExt?: string): string | undefined {
  if (!pathValue) return undefined;
  const exts = platform === 'win32' ? (pathExt ?? '.EXE;.CMD;.BAT').split(';').concat('') : [''];
  for (const dir of pathValue.split(platform === 'win32' ? ';' : delimiter)) {
    if (!dir) continue;
    for (const ext of exts) {
      const candidate = join(dir, command + ext.toLowerCase());
      if (isExecutableFile(candidate)) return candidate;
    }
  }
  return undefined;
}

export interface LocateOptions {
  /** --k6 PATH from the command line. */
  k6Path?: string;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** Aborting kills `k6 version` and its children (Ctrl-C while it hangs). */
  signal?: AbortSignal;
  versionTimeoutMs?: number;
}

/** Which k6 binary would run, without running it. Throws EnvironmentError when none. */
export function resolveK6Path(options: LocateOptions = {}): { path: string; source: LocatedK6['source'] } {
  const env = options.env ?? process.env;
  const cwd = options.cwd ?? process.cwd();
  const explicit: Array<[string | undefined, '--k6' | 'K6_BIN']> = [[options.k6Path, '--k6'], [env.K6_BIN, 'K6_BIN']];
  for (const [value, source] of explicit) {
    if (!value) continue;
    const path = isAbsolute(value) ? value : resolve(cwd, value);
    if (!isExecutableFile(path)) {
      throw new EnvironmentError(`k6 not found at ${path} (from ${source}): no executable file there`, { hint: installHint(env) });
    }
    return { path, source };
  }
  const found = findOnPath('k6', env.PATH ?? env.Path, process.platform, env.PATHEXT);
  if (found) return { path: found, source: 'PATH' };
  // What `loadctl install-k6` (or `loadctl demo` on a machine with Go) built.
  const cached = cachedK6Path(k6CacheDir(env), PINNED_K6);
  if (isExecutableFile(cached)) return { path: cached, source: 'cache' };
  throw new EnvironmentError('k6 was not found on PATH', { hint: installHint(env) });
}

/** How long `k6 version` may take; a real k6 answers in milliseconds. */
export const VERSION_TIMEOUT_MS = 10_000;

/**
 * `k6 version` with node's own child_process, not execa: it starts before the
 * heavier imports of a run, so k6 answers while they load. The child leads
 * its own process group, so a timeout or Ctrl-C takes down whatever it
 * started too (a wrapper script's `sleep` would otherwise outlive loadctl).
 */
function runVersion(path: string, env: NodeJS.ProcessEnv | undefined, timeoutMs: number, signal?: AbortSignal): Promise<{ exitCode: number | null; stdout: string; stderr: string; spawnError?: string }> {
  return new Promise((resolvePromise) => {
    const child = spawn(path, ['version'], { env: env ?? process.env, windowsHide: true, detached: process.platform !== 'win32', stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (c: Buffer) => out.push(c));
    child.stderr.on('data', (c: Buffer) => err.push(c));
    let why: string | undefined;
    const killGroup = (reason: string) => {
      why ??= reason;
      killProcessGroup(child.pid);
    };
    const timer = setTimeout(() => killGroup(`timed out after ${timeoutMs / 1000} s`), timeoutMs);
    const onAbort = () => killGroup('interrupted');
    signal?.addEventListener('abort', onAbort, { once: true });
    let done = false;
    const finish = (exitCode: number | null, spawnError?: string) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      resolvePromise({ exitCode, stdout: Buffer.concat(out).toString(), stderr: Buffer.concat(err).toString(), ...(spawnError ?? why ? { spawnError: spawnError ?? why } : {}) });
    };
    child.once('error', (error: NodeJS.ErrnoException) => finish(null, `${error.code ?? 'error'}: ${error.message}`));
    child.once('close', (code) => finish(why ? null : code));
    // A grandchild that escaped the group (setsid) could hold the pipes open
    // for ever: once k6 itself has exited, stop waiting for them.
    child.once('exit', (code) => {
      setTimeout(() => {
        child.stdout.destroy();
        child.stderr.destroy();
        finish(why ? null : code);
      }, 1000).unref();
    });
  });
}

/** SIGKILL to the whole group a detached child leads; quiet when it is already gone. */
export function killProcessGroup(pid: number | undefined): void {
  if (pid === undefined) return;
  try {
    process.kill(process.platform === 'win32' ? pid : -pid, 'SIGKILL');
  } catch {
    // Already exited.
  }
}

/** Finds k6, runs `k6 version` and checks it is in the supported range. */
export async function locateK6(options: LocateOptions = {}): Promise<LocatedK6> {
  const { path, source } = resolveK6Path(options);
  const result = await runVersion(path, options.env, options.versionTimeoutMs ?? VERSION_TIMEOUT_MS, options.signal);
  if (options.signal?.aborted) throw new InterruptedError(`${String(options.signal.reason ?? 'interrupted')} while \`${path} version\` ran; nothing was run`);
  const output = `${result.stdout}\n${result.stderr}`;
  const version = parseK6Version(output);
  if (result.exitCode !== 0 || !version) {
    // A binary or a file of another kind prints bytes that are not text: quoting them helps nobody.
    const binary = /[\u0000-\u0008\u000e-\u001a\u001c-\u001f\ufffd]/.test(output);
    const why = result.spawnError ?? (binary
      ? `it printed ${Buffer.byteLength(output)} bytes that are not text, so it is not k6`
      : `it printed: ${output.trim().split('\n')[0] || '(nothing)'}`);
    throw new EnvironmentError(`\`${path} version\` did not report a k6 version (${why})`, { hint: installHint(options.env) });
  }
  if (!isSupportedK6(version)) {
    throw new EnvironmentError(`k6 ${version.text} at ${path} is not supported (loadctl needs k6 ${SUPPORTED_RANGE.text})`, {
      hint: 'install a supported k6 (https://github.com/grafana/k6/releases) and point loadctl at it with --k6 or K6_BIN',
    });
  }
  const versionLine = output.split('\n').find((line) => line.includes(version.text))?.trim() ?? version.text;
  return { path, source, version, versionLine };
}
