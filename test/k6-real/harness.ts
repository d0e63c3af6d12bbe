// What the real-k6 suites share: a project folder of their own (profiles and
// scenarios written by the test), the reference sandbox as a real HTTP
// target, and `bin/loadctl.js run` spawned with a real k6 binary. Runs are
// kept to a few VUs for a few seconds: real k6 is the point, not the load.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startSandbox, type Sandbox } from '../../src/sandbox/server.ts';

export const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
const bin = join(repoRoot, 'bin', 'loadctl.js');

/** dist/ is what bin/loadctl.js runs: build it when missing or older than src/. */
export function ensureBuilt(): void {
  const r = spawnSync(process.execPath, [join(repoRoot, 'scripts', 'build.mjs')], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`npm run build failed:\n${r.stderr}`);
}

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
  const cwd = mkdtempSync(join(tmpdir(), 'loadctl-k6real-'));
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
      return new Promise((resolve, reject) => {
        const childEnv: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1', BASE_URL: sandbox.url, ...env };
        for (const k of ['K6_BIN', 'GITHUB_STEP_SUMMARY', 'CI_JOB_ID']) delete childEnv[k];
        const child = spawn(process.execPath, [bin, ...args], { cwd, env: childEnv, stdio: ['ignore', 'pipe', 'pipe'] });
        let stdout = '';
        let stderr = '';
        child.stdout.on('data', (c: Buffer) => { stdout += c.toString(); });
        child.stderr.on('data', (c: Buffer) => { stderr += c.toString(); });
        child.on('error', reject);
        child.on('close', (code) => {
          const made = existsSync(runs) ? readdirSync(runs).filter((d) => !before.has(d)) : [];
          resolve({ code, stdout, stderr, runDir: made.length > 0 ? join(runs, made.sort().at(-1)!) : undefined });
        });
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
