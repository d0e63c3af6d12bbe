// The real programs the suites need (k6, redis-server, Docker, Chromium,
// Podman, Prometheus, PostgreSQL) and what a test does when one is missing.
//
// On a developer's machine a missing part skips the suites that need it, with
// one line naming the part and how to get it. Under CI (CI=true, as `.ci/run`
// runs) a missing part is a failure: CI installs everything, so a skip there
// would hide a broken install step.
import { existsSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

/** The k6 versions the suites that differ by version run on: both ends of the supported range. */
export const k6Versions = ['v0.49.0', 'v2.2.0'] as const;
/** A k6 v1 as well, for the suite of run outcomes by k6 exit code (cheap: one more build, cached). */
export const k6VersionsWithV1 = ['v0.49.0', 'v1.8.1', 'v2.2.0'] as const;
export type K6Version = (typeof k6VersionsWithV1)[number];

/** Where `scripts/ci/install-k6.sh` puts each pinned k6: <cache>/<version>/k6. */
export const k6Cache = process.env.LOADCTL_K6_CACHE ?? '/var/cache/loadctl/k6';

const install = 'bash scripts/ci/install-k6.sh (go install, cached; .ci/run does it)';

export const inCI = (): boolean => process.env.CI === 'true' || process.env.CI === '1';

/**
 * The skip reason for a missing part, or false when it is there. Under CI a
 * missing part throws, so the suite fails instead of skipping.
 */
export function missing(what: string, reason: string | undefined): string | false {
  if (!reason) return false;
  const line = `${what}: ${reason}`;
  if (inCI()) throw new Error(`CI=true but ${line}`);
  console.log(`# skipping ${line}`);
  return line;
}

/** The real k6 binary of that version, or undefined when it was not built here. */
export function k6Path(version: K6Version): string | undefined {
  const cached = join(k6Cache, version, 'k6');
  return existsSync(cached) ? cached : undefined;
}

/** Skip reason for a suite that needs real k6 of this version (false when present). */
export function k6Skip(version: K6Version = 'v2.2.0'): string | false {
  return missing(`real k6 ${version}`, k6Path(version) ? undefined : `not found at ${join(k6Cache, version, 'k6')}; build it with ${install}`);
}

/** The real k6 of that version; throws when missing (call after k6Skip). */
export function realK6(version: K6Version = 'v2.2.0'): string {
  const path = k6Path(version);
  if (!path) throw new Error(`real k6 ${version} is missing: ${install}`);
  return path;
}

function hasCommand(command: string, args = ['--version']): boolean {
  const r = spawnSync(command, args, { stdio: 'ignore', timeout: 10_000 });
  return !r.error;
}

const howTo: Record<string, string> = {
  'redis-server': 'apt-get install redis-server',
  chromium: 'apt-get install chromium',
  prometheus: 'apt-get install prometheus',
  postgres: 'apt-get install postgresql',
  podman: 'apt-get install podman',
  '/usr/sbin/sshd': 'apt-get install openssh-server',
};

/** Skip reason for a suite that needs a program from Debian's packages. */
export function commandSkip(command: keyof typeof howTo | string, args?: string[]): string | false {
  return missing(command, hasCommand(command, args) ? undefined : `not installed (${howTo[command] ?? `install ${command}`}; bash .ci/run installs it)`);
}
