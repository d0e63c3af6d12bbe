// For the end-to-end suites on real k6: bin/loadctl.js as a subprocess, the
// real sandbox (src/sandbox) with real accounts as the target, and a project
// folder with the test's own short profiles and scenarios.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startSandbox, type Sandbox } from '../../src/sandbox/server.ts';
import { setupUsers } from '../../src/users/setup.ts';

export const repo = fileURLToPath(new URL('../..', import.meta.url));
export const bin = join(repo, 'bin/loadctl.js');

export interface Ran { code: number | null; stdout: string; stderr: string; ms: number }

export interface SpawnOptions {
  cwd: string;
  env?: Record<string, string | undefined>;
  /** Called with everything printed so far (stdout + stderr); `kill` signals loadctl. */
  onOutput?: (text: string, kill: (signal: NodeJS.Signals) => void) => void;
}

export function loadctl(args: string[], options: SpawnOptions): Promise<Ran> {
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1', GITHUB_STEP_SUMMARY: undefined, K6_BIN: undefined, ...options.env };
  for (const [key, value] of Object.entries(env)) if (value === undefined) delete env[key];
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [bin, ...args], { cwd: options.cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    const seen = () => options.onOutput?.(stdout + stderr, (signal) => child.kill(signal));
    child.stdout.on('data', (d: Buffer) => { stdout += d; seen(); });
    child.stderr.on('data', (d: Buffer) => { stderr += d; seen(); });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr, ms: Date.now() - started }));
  });
}

/** The sandbox on a free port with `users` accounts (testuser1@loadtest.com ... / LoadTest123!). */
export async function sandboxWithUsers(users: number): Promise<Sandbox> {
  const sandbox = await startSandbox({ port: 0 });
  const made = await setupUsers({ baseUrl: sandbox.url, count: users, prefix: 'testuser', domain: 'loadtest.com', password: 'LoadTest123!', concurrency: 10 }, {});
  if (made.failed > 0) throw new Error(`could not create ${made.failed} test users`);
  return sandbox;
}

/** A temporary project: { 'profiles/x.yaml': text, 'scenarios/y.ts': text }. */
export function project(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'loadctl-e2e-'));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  return dir;
}

/** The run folders under outDir, oldest first. */
export function runDirs(outDir: string): string[] {
  return existsSync(outDir) ? readdirSync(outDir).sort().map((d) => join(outDir, d)) : [];
}

export function readJson<T = Record<string, any>>(path: string): T {
  return JSON.parse(readFileSync(path, 'utf8')) as T;
}
