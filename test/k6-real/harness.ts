// What the real-k6 suites share: a project folder of their own (profiles and
// scenarios written by the test), the reference sandbox as a real HTTP
// target, and `bin/loadctl.js run` spawned with a real k6 binary. Runs are
// kept to a few VUs for a few seconds: real k6 is the point, not the load.
import { runCli } from '../kit/cli.ts';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { startSandbox, type Sandbox } from '../../src/sandbox/server.ts';
import { tempDir } from '../kit/temp.ts';

export { repoRoot } from '../kit/paths.ts';
export { ensureBuilt } from '../kit/build.ts';

export interface Ran { code: number | null; stdout: string; stderr: string; runDir: string | undefined }

export interface Project {
  cwd: string;
  sandbox: Sandbox;
  write(path: string, text: string): void;
  /** `loadctl <args>` in the project, against the sandbox, with this k6. */
  loadctl(args: string[], env?: Record<string, string>): Promise<Ran>;
  close(): Promise<void>;
}

/** A temporary project with its own sandbox (no accounts unless the test makes them). */
export async function openProject(): Promise<Project> {
  const cwd = tempDir('loadctl-k6real-');
  mkdirSync(join(cwd, 'profiles'));
  mkdirSync(join(cwd, 'scenarios'));
  const sandbox = await startSandbox({ port: 0, events: 3, seatsPerEvent: 400 });
  const runs = join(cwd, '.loadctl', 'runs');
  return {
    cwd,
    sandbox,
    write(path, text) {
      mkdirSync(dirname(join(cwd, path)), { recursive: true });
      writeFileSync(join(cwd, path), text);
    },
    loadctl(args, env = {}) {
      const before = new Set(existsSync(runs) ? readdirSync(runs) : []);
      return runCli(args, { cwd, env: { BASE_URL: sandbox.url, ...env, K6_BIN: undefined, CI_JOB_ID: undefined } }).then(({ code, stdout, stderr }) => {
        const made = existsSync(runs) ? readdirSync(runs).filter((d) => !before.has(d)) : [];
        return { code, stdout, stderr, runDir: made.length > 0 ? join(runs, made.sort().at(-1)!) : undefined };
      });
    },
    async close() {
      await sandbox.close();
      rmSync(cwd, { recursive: true, force: true });
    },
  };
}

export function readJson<T = Record<string, unknown>>(path: string): T {
  return JSON.parse(readFileSync(path, 'utf8')) as T;
}

/** A constant-vus profile of a few VUs for a few seconds. */
export function shortProfile(o: { scenario: string; vus?: number; duration?: string; extra?: string }): string {
  return [
    `description: short real-k6 run of ${o.scenario}`,
    `scenario: ${o.scenario}`,
    'executor: constant-vus',
    `vus: ${o.vus ?? 2}`,
    `duration: ${o.duration ?? '3s'}`,
    ...(o.extra ? [o.extra] : []),
    '',
  ].join('\n');
}
