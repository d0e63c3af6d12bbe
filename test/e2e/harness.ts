// For the end-to-end suites on real k6: bin/loadctl.js as a subprocess, the
// real sandbox (src/sandbox) with real accounts as the target, and a project
// folder with the test's own short profiles and scenarios.
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startSandbox, type Sandbox } from '../../src/sandbox/server.ts';
import { setupUsers } from '../../src/users/setup.ts';
import { runCli } from '../kit/cli.ts';
import { tempDir } from '../kit/temp.ts';

export const repo = fileURLToPath(new URL('../..', import.meta.url));

export interface Ran { code: number | null; stdout: string; stderr: string; ms: number }

export interface SpawnOptions {
  cwd: string;
  env?: Record<string, string | undefined>;
  /** Called with everything printed so far (stdout + stderr); `kill` signals loadctl. */
  onOutput?: (text: string, kill: (signal: NodeJS.Signals) => void) => void;
}

/** bin/loadctl.js to its exit (test/kit/cli.ts); the k6 is the one a test passes, never the caller's K6_BIN. */
export function loadctl(args: string[], options: SpawnOptions): Promise<Ran> {
  return runCli(args, { cwd: options.cwd, env: { K6_BIN: undefined, ...options.env }, onOutput: options.onOutput });
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
  const dir = tempDir('loadctl-e2e-');
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
