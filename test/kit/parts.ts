// The real programs the system tier needs (k6, Docker, redis-server,
// Chromium, Podman, Prometheus, PostgreSQL) and what a test does when one is
// missing.
//
// On a developer's machine a missing part skips the tests that need it. The
// line that names the part and how to get it is printed once per run: under
// scripts/test.mjs (npm test) it is collected and printed at the end of the
// run, each line once, whichever test files skipped for it; a test file run
// alone prints it once. Each skipped test carries only the short "needs …".
// Under CI (CI=true, as `.ci/run` runs) a missing part is a failure: CI
// installs everything, so a skip there would hide a broken install step.
import { accessSync, appendFileSync, constants } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { basename } from 'node:path';
import { cachedK6Path, k6CacheDir } from '../../src/k6/install.ts';

/** The k6 versions the suites that differ by version run on: both ends of the supported range. */
export const k6Versions = ['v0.49.0', 'v2.2.0'] as const;
/** A k6 v1 as well, for the suite of run outcomes by k6 exit code (cheap: one more build, cached). */
export const k6VersionsWithV1 = ['v0.49.0', 'v1.8.1', 'v2.2.0'] as const;
export type K6Version = (typeof k6VersionsWithV1)[number];

/** Where `.ci/run` (scripts/ci/install-k6.sh) builds the pinned versions for every user of the machine. */
export const ciK6Cache = '/var/cache/loadctl/k6';

export const inCI = (): boolean => process.env.CI === 'true' || process.env.CI === '1';

const printed = new Set<string>();

/**
 * The skip reason for a missing part, or false when it is there. `how` is the
 * one line that says how to get it. Under CI a missing part throws, so the
 * suite fails instead of skipping.
 */
export function missing(what: string, how: string | undefined): string | false {
  if (!how) return false;
  const line = `${what}: ${how}`;
  if (inCI()) throw new Error(`CI=true but ${line}`);
  if (process.env.LOADCTL_TEST_SKIPS) appendFileSync(process.env.LOADCTL_TEST_SKIPS, `${line}\n`);
  else if (!printed.has(line)) console.log(`# skipping: ${line}`);
  printed.add(line);
  return `needs ${what}`;
}

const isExecutable = (path: string): boolean => {
  try { accessSync(path, constants.X_OK); return true; } catch { return false; }
};

/**
 * The real k6 binary of that version, or undefined when it was not built
 * here. Found where loadctl itself finds the k6 it built (`loadctl install-k6`
 * and `loadctl demo` build into its cache: LOADCTL_K6_CACHE, else
 * ~/.cache/loadctl/k6), then where `.ci/run` built it.
 */
export function k6Path(version: K6Version): string | undefined {
  return [k6CacheDir(process.env), ciK6Cache].map((dir) => cachedK6Path(dir, version)).find(isExecutable);
}

/** How to get the missing versions, in one line (what `npm test` runs itself when Go is here). */
export const k6BuildHint = (versions: readonly string[]): string =>
  `./bin/loadctl.js install-k6 ${versions.join(' ')} builds it with Go (npm test does it by itself when go is on PATH)`;

/** Skip reason for a suite that needs real k6 of this version (false when present). */
export function k6Skip(version: K6Version = 'v2.2.0'): string | false {
  return missing(`real k6 ${version}`, k6Path(version) ? undefined : `not built here; ${k6BuildHint([version])}`);
}

/** The real k6 of that version; throws when missing (call after k6Skip). */
export function realK6(version: K6Version = 'v2.2.0'): string {
  const path = k6Path(version);
  if (!path) throw new Error(`real k6 ${version} is missing: ${k6BuildHint([version])}`);
  return path;
}

function hasCommand(command: string, args = ['--version']): boolean {
  const r = spawnSync(command, args, { stdio: 'ignore', timeout: 10_000 });
  return !r.error;
}

/** The Debian package of each program (`.ci/run` installs them all). */
const packages: Record<string, string> = {
  'redis-server': 'redis-server',
  chromium: 'chromium',
  '/usr/bin/chromium': 'chromium',
  prometheus: 'prometheus',
  postgres: 'postgresql',
  podman: 'podman',
  '/usr/sbin/sshd': 'openssh-server',
  go: 'golang-go',
};

/** The one line for a program missing from this machine. */
export const installLine = (command: string): string => `not installed; apt-get install ${packages[command] ?? command}`;

/** Skip reason for a suite that needs a program from Debian's packages. */
export function commandSkip(command: string, args?: string[]): string | false {
  return missing(basename(command), hasCommand(command, args) ? undefined : installLine(command));
}

const dockerHow = {
  engine: 'no engine answers; start one with sudo bash scripts/ci/start-docker.sh (or sudo dockerd &)',
  image: (image: string, script: string) => `image ${image} is not built; bash scripts/ci/${script}`,
};

/** The local test image the Docker suites run (no registry is reachable here). */
export const testImage = process.env.LOADCTL_TEST_IMAGE ?? 'loadctl-test:1';

/**
 * Skip reason for a suite that needs a Docker engine (and the local test
 * image, or `image` built by `script`; null: the engine alone), or undefined when all is there.
 * LOADCTL_REQUIRE_DOCKER=1 (`.ci/run`) makes a missing one a failure, as CI=true does.
 */
export function dockerSkip(image: string | null = testImage, script = 'build-test-image.sh'): string | undefined {
  const info = spawnSync('docker', ['info', '--format', '{{.ServerVersion}}'], { stdio: 'ignore', timeout: 10_000 });
  const engine = info.error || info.status !== 0 ? dockerHow.engine : undefined;
  const built = engine || image === null || spawnSync('docker', ['image', 'inspect', image], { stdio: 'ignore' }).status === 0;
  const how = engine ?? (built ? undefined : dockerHow.image(image!, script));
  if (how && process.env.LOADCTL_REQUIRE_DOCKER === '1') throw new Error(`LOADCTL_REQUIRE_DOCKER=1 but Docker: ${how}`);
  return missing(engine ? 'a Docker engine' : `Docker image ${image}`, how) || undefined;
}
