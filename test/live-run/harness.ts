// Real parts for the chaos-under-load tests: the sandbox as a subprocess
// (bin/loadctl.js sandbox), test accounts through `loadctl setup-users`, the
// k6 stand-in in http mode, Redis in a container from loadctl-test:1, and
// pollers that watch Redis and the sandbox on their own, so the test knows
// when the outage really ended without asking loadctl.
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { createConnection } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { bin, docker, dockerSkipReason as skipReason, freePort, image, repo, unique, waitFor } from '../chaos-e2e/harness.ts';

export { bin, docker, freePort, image, repo, unique, waitFor };
export const standin = join(repo, 'test', 'fixtures', 'k6-standin', 'k6');

/** Why these tests cannot run here (printed), or undefined. Throws when CI requires Docker. */
export const dockerSkipReason = () => skipReason('chaos-under-load tests');

/** PING over a raw socket: true only when Redis itself answers +PONG. */
export function redisAnswers(port: number, timeoutMs = 300): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    let buf = '';
    const done = (ok: boolean) => { socket.destroy(); resolve(ok); };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.on('data', (d) => { buf += d.toString(); if (buf.includes('\r\n')) done(buf.startsWith('+PONG')); });
    socket.once('error', () => done(false));
    socket.once('close', () => done(false));
  });
}

/** Redis in a container, on a FIXED published port (an ephemeral one would change on restart). */
export async function startRedis(name: string): Promise<{ name: string; id: string; port: number }> {
  const port = await freePort();
  const id = docker('run', '-d', '--name', name, '--label', 'io.loadctl.test=1', '-p', `127.0.0.1:${port}:6379`,
    image, 'redis-server', '--bind', '0.0.0.0', '--protected-mode', 'no', '--save', '');
  await waitFor(`${name} to answer PING`, () => redisAnswers(port), 20_000);
  return { name, id, port };
}

/**
 * Samples a condition every `everyMs` and records when it flips, in Unix ms.
 * `stop()` returns the transitions: [{ at, value }], the first being the initial state.
 */
export function watch(check: () => Promise<boolean>, everyMs = 25): { stop(): Promise<Array<{ at: number; value: boolean }>> } {
  const flips: Array<{ at: number; value: boolean }> = [];
  let running = true;
  const loop = (async () => {
    while (running) {
      const at = Date.now();
      const value = await check();
      if (flips.length === 0 || flips[flips.length - 1]!.value !== value) flips.push({ at, value });
      await new Promise((r) => setTimeout(r, everyMs));
    }
  })();
  return { stop: async () => { running = false; await loop; return flips; } };
}

export interface Proc {
  done: Promise<number | string>;
  out(): string;
  kill(signal: NodeJS.Signals): void;
  waitForOutput(pattern: RegExp, timeoutMs?: number): Promise<void>;
}

export function loadctl(args: string[], options: { cwd: string; env?: Record<string, string> }): Proc {
  const child = spawn(process.execPath, [bin, ...args], { cwd: options.cwd, env: { ...process.env, NO_COLOR: '1', ...options.env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let text = '';
  child.stdout.on('data', (d: Buffer) => { text += d.toString(); });
  child.stderr.on('data', (d: Buffer) => { text += d.toString(); });
  const done = new Promise<number | string>((resolve) => child.on('close', (code, signal) => resolve(code ?? signal ?? -1)));
  return {
    done, out: () => text, kill: (s) => child.kill(s),
    waitForOutput: async (pattern, timeoutMs = 30_000) => { await waitFor(`output ${pattern}`, () => pattern.test(text), timeoutMs, 25); },
  };
}

/** The sandbox on a free port (Redis locks when `redis` is given), with `users` accounts. */
export async function startSandbox(options: { redisPort?: number; users: number }): Promise<{ url: string; stop(): Promise<void> }> {
  const port = await freePort();
  const args = ['sandbox', '--port', String(port), ...(options.redisPort ? ['--redis', `redis://127.0.0.1:${options.redisPort}`] : [])];
  const proc = loadctl(args, { cwd: repo });
  const url = `http://127.0.0.1:${port}`;
  try {
    await waitFor('the sandbox to be healthy', async () => (await fetch(`${url}/health`).catch(() => undefined))?.status === 200, 20_000);
    const users = loadctl(['setup-users', '--count', String(options.users), '--base-url', url], { cwd: repo });
    if ((await users.done) !== 0) throw new Error(`setup-users failed: ${users.out()}`);
  } catch (error) {
    proc.kill('SIGTERM');
    throw error;
  }
  return { url, stop: async () => { proc.kill('SIGTERM'); await proc.done; } };
}

/** A project folder with the given profiles/<name>.yaml and chaos/<name>.yaml files. */
export function project(files: { profiles?: Record<string, string>; chaos?: Record<string, string> }): string {
  const cwd = mkdtempSync(join(tmpdir(), 'loadctl-together-'));
  for (const [dir, entries] of Object.entries(files)) {
    mkdirSync(join(cwd, dir));
    for (const [name, text] of Object.entries(entries ?? {})) writeFileSync(join(cwd, dir, `${name}.yaml`), text);
  }
  return cwd;
}

/** A constant load the stand-in turns into the booking flow. */
export const constantProfile = (seconds: number, vus = 4) => [
  'description: constant booking load for the chaos-under-load tests',
  'scenario: simple',
  'executor: constant-vus',
  `vus: ${vus}`,
  `duration: ${seconds}s`,
  'defaultTargets: false',
  '',
].join('\n');

/** Environment that makes the stand-in send `seconds` of real booking traffic. */
export const standinEnv = (seconds: number, extra: Record<string, string> = {}) => ({
  K6_BIN: standin, K6_STANDIN_CASE: 'http', K6_STANDIN_VUS: '4', K6_STANDIN_DURATION_MS: String(seconds * 1000), K6_STANDIN_PACE_MS: '40', ...extra,
});
