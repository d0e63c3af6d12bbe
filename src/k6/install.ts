// Building real k6 from source with the Go toolchain, for machines that have
// Go but no k6 package (k6 is a Go program; `go build` needs only the module
// proxy). The binary goes to a cache, one folder per version, and loadctl
// finds it there after --k6, K6_BIN and PATH.
//
// A throwaway module that requires the exact version is built instead of
// `go install go.k6.io/k6/v2@vX`: that form also fetches the module's
// deprecation notice from the vanity-import host, which fails where only the
// module proxy is reachable.
import { execa } from 'execa';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rename, rm, writeFile } from 'node:fs/promises';
import { homedir, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { EnvironmentError, UsageError } from '../errors.ts';
import { isSupportedK6, parseK6Version, SUPPORTED_RANGE } from './version.ts';

/** The k6 that `loadctl demo` builds when none is installed. */
export const PINNED_K6 = 'v2.2.0';

/** The cache folder: LOADCTL_K6_CACHE, else $XDG_CACHE_HOME/loadctl/k6, else ~/.cache/loadctl/k6. */
export function k6CacheDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.LOADCTL_K6_CACHE) return env.LOADCTL_K6_CACHE;
  return join(env.XDG_CACHE_HOME || join(env.HOME || homedir(), '.cache'), 'loadctl', 'k6');
}

export function cachedK6Path(cacheDir: string, version: string): string {
  return join(cacheDir, version, process.platform === 'win32' ? 'k6.exe' : 'k6');
}

/** "v2.2.0" -> go.k6.io/k6/v2; the module path gained its major suffix at v2. */
export function k6Module(version: string): string {
  const match = /^v(\d+)\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?$/.exec(version);
  if (!match) throw new UsageError(`"${version}" is not a k6 version; write it like v2.2.0`);
  // A build of minutes that loadctl would then refuse to run: say so first.
  if (!isSupportedK6(parseK6Version(version)!)) {
    throw new UsageError(`k6 ${version} is outside the versions loadctl runs (${SUPPORTED_RANGE.text}); nothing was built`, { hint: `e.g. loadctl install-k6 ${PINNED_K6}` });
  }
  const major = Number(match[1]);
  return major >= 2 ? `go.k6.io/k6/v${major}` : 'go.k6.io/k6';
}

export interface BuildK6Options {
  version: string;
  cacheDir: string;
  /** The go binary (default `go` on PATH). */
  go?: string;
  env?: NodeJS.ProcessEnv;
  /** A line per step, for the progress display. */
  onStep?: (text: string) => void;
  signal?: AbortSignal;
}

/** Builds k6 `version` into the cache (reused when already there); returns its path. */
export async function buildK6(options: BuildK6Options): Promise<{ path: string; built: boolean; seconds: number }> {
  const module = k6Module(options.version);
  // go build runs in a temporary folder: a relative -o would land there, not here.
  const out = cachedK6Path(resolve(options.cacheDir), options.version);
  const versionDir = join(resolve(options.cacheDir), options.version);
  if (existsSync(out)) return { path: out, built: false, seconds: 0 };
  const go = options.go ?? 'go';
  const env = { ...(options.env ?? process.env), GOFLAGS: '-mod=mod' };
  const started = Date.now();
  const madeDir = !existsSync(versionDir);
  await mkdir(versionDir, { recursive: true });
  const work = await mkdtemp(join(tmpdir(), 'loadctl-k6-build-'));
  const run = async (args: string[], step: string) => {
    options.onStep?.(step);
    const r = await execa(go, args, { cwd: work, env, reject: false, all: true, ...(options.signal ? { cancelSignal: options.signal } : {}) });
    if (r.isCanceled) throw new EnvironmentError(`building k6 ${options.version} was interrupted`);
    if (r.failed) {
      const why = r.code === 'ENOENT' ? `${go} was not found` : lastLines(r.all ?? '', 3);
      throw new EnvironmentError(`building k6 ${options.version} failed at "go ${args[0]}": ${why}`, {
        hint: 'check that Go 1.22+ is installed and the Go module proxy is reachable (go env GOPROXY), or install k6 another way',
      });
    }
  };
  try {
    await writeFile(join(work, 'go.mod'), `module loadctl.local/k6build\n\ngo 1.22\n\nrequire ${module} ${options.version}\n`);
    // A build-tagged import keeps the requirement; `go mod tidy` then resolves the rest.
    await writeFile(join(work, 'tools.go'), `//go:build tools\n\npackage tools\n\nimport _ "${module}"\n`);
    await run(['mod', 'tidy'], `resolving ${module}@${options.version} through the Go module proxy`);
    await run(['build', '-trimpath', '-o', `${out}.tmp`, module], `compiling k6 ${options.version} (several minutes on a small machine, once)`);
    await rename(`${out}.tmp`, out);
  } catch (error) {
    // A failed build leaves no empty version folder for the next look-up to trip on.
    if (madeDir) await rm(versionDir, { recursive: true, force: true });
    throw error;
  } finally {
    await rm(work, { recursive: true, force: true });
    await rm(`${out}.tmp`, { force: true });
  }
  return { path: out, built: true, seconds: (Date.now() - started) / 1000 };
}

function lastLines(text: string, n: number): string {
  return text.trim().split('\n').slice(-n).join(' | ') || '(no output)';
}
