// Real parts for the live-feed and chaos-under-load tests: the sandbox as a
// subprocess (bin/loadctl.js sandbox), test accounts through `loadctl
// setup-users`, real k6 (both ends of the supported range, built by
// scripts/ci/install-k6.sh) booking seats with a scenario the test writes,
// Redis in a container from loadctl-test:1, and pollers that watch Redis and
// the sandbox on their own, so the test knows when the outage really ended
// without asking loadctl.
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { createConnection } from 'node:net';
import { join } from 'node:path';

import { k6Skip, k6Versions, realK6, type K6Version } from '../kit/parts.ts';
import { docker, dockerSkipReason as skipReason, freePort, image, loadctl, repo, unique, waitFor } from '../chaos-e2e/harness.ts';
import { tempDir } from '../kit/temp.ts';

export { docker, freePort, image, loadctl, repo, unique, waitFor, k6Skip, k6Versions };

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
  await waitFor(`${name} to answer PING`, () => redisAnswers(port), 60_000);
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


/** The sandbox on a free port (Redis locks when `redis` is given), with `users` accounts. */
export async function startSandbox(options: { redisPort?: number; users: number; host?: string }): Promise<{ url: string; stop(): Promise<void> }> {
  const port = await freePort();
  const host = options.host ?? '127.0.0.1';
  const args = ['sandbox', '--port', String(port), '--host', host, ...(options.redisPort ? ['--redis', `redis://127.0.0.1:${options.redisPort}`] : [])];
  const proc = loadctl(args, { cwd: repo });
  const url = `http://${host}:${port}`;
  try {
    await waitFor('the sandbox to be healthy', async () => (await fetch(`${url}/health`).catch(() => undefined))?.status === 200, 60_000);
    const users = loadctl(['setup-users', '--count', String(options.users), '--base-url', url], { cwd: repo });
    if ((await users.done) !== 0) throw new Error(`setup-users failed: ${users.out()}`);
  } catch (error) {
    proc.kill('SIGTERM');
    throw error;
  }
  return { url, stop: async () => { proc.kill('SIGTERM'); await proc.done; } };
}

/**
 * Redis in a container (named `<prefix>-<name>-<hex>`, labelled) and the
 * sandbox with its locks in it, per test; `cleanup()` (in after()) stops the
 * sandboxes and removes only the containers made here.
 */
export function redisRigs(prefix: string) {
  const containers: string[] = [];
  const stops: Array<() => Promise<void>> = [];
  return {
    /** Also remove this container at cleanup. */
    track: (name: string) => { containers.push(name); },
    /** `host`: where the sandbox listens (a test network's gateway, for runners in containers). */
    async rig(name: string, users = 8, host?: string) {
      const redis = await startRedis(unique(`${prefix}-${name}`));
      containers.push(redis.name);
      const sandbox = await startSandbox({ redisPort: redis.port, users, ...(host ? { host } : {}) });
      stops.push(sandbox.stop);
      return { redis, sandbox };
    },
    async cleanup() {
      for (const stop of stops) await stop().catch(() => undefined);
      if (containers.length > 0) docker('rm', '-f', ...containers);
    },
  };
}

// Project folders (run folders, k6 records) go when the test file's process ends.
const made: string[] = [];
process.once('exit', () => { for (const dir of made) rmSync(dir, { recursive: true, force: true }); });

/**
 * A project folder with profiles/<name>.yaml and chaos/<name>.yaml, and the
 * scenarios the tests' profiles name: `holds` (below) and `idle`.
 */
export function project(files: { profiles?: Record<string, string>; chaos?: Record<string, string> }): string {
  const cwd = tempDir('loadctl-live-run-');
  made.push(cwd);
  for (const [dir, entries] of Object.entries(files)) {
    mkdirSync(join(cwd, dir));
    for (const [name, text] of Object.entries(entries ?? {})) writeFileSync(join(cwd, dir, `${name}.yaml`), text);
  }
  mkdirSync(join(cwd, 'scenarios'));
  writeFileSync(join(cwd, 'scenarios', 'holds.ts'), holdsScenario);
  writeFileSync(join(cwd, 'scenarios', 'idle.ts'), idleScenario);
  return cwd;
}

/**
 * The booking path that needs the seat locks, and little else: each VU logs in
 * once, reads a seat map when it has no free seat left in hand, then holds a
 * seat and confirms it, then pauses PACE seconds (0.15: long beside a
 * request's latency, so the rate holds steady even on two busy cores, and
 * `--at steady` finds it). With Redis away nearly every request is a failed
 * hold (503), so users feel the fault plainly.
 */
const holdsScenario = `import http from 'k6/http';
import { sleep } from 'k6';
import exec from 'k6/execution';

const base = __ENV.BASE_URL;
const json = { 'Content-Type': 'application/json' };
let token = '';
let eventId = '';
let free: string[] = [];

export default function holds(): void {
  const vu = exec.vu.idInTest;
  if (!token) {
    const res = http.post(base + '/api/auth/login', JSON.stringify({ email: 'testuser' + vu + '@loadtest.com', password: 'LoadTest123!' }), { headers: json, tags: { name: 'login' } });
    token = res.status === 200 ? (res.json('token') as string) : '';
  }
  const auth = { ...json, Authorization: 'Bearer ' + token };
  if (free.length === 0) {
    const events = http.get(base + '/api/events?page=1&size=20', { tags: { name: 'search_events' } });
    const items = events.status === 200 ? (events.json('items') as Array<{ id: string; availableSeats: number }>) : [];
    const open = items.filter((e) => e.availableSeats > 0);
    eventId = open.length > 0 ? open[(vu + exec.vu.iterationInInstance) % open.length]!.id : '';
    const seats = eventId ? http.get(base + '/api/events/' + eventId + '/seats', { tags: { name: 'view_seats' } }) : undefined;
    const list = seats && seats.status === 200 ? (seats.json('seats') as Array<{ id: string; status: string }>) : [];
    free = list.filter((s) => s.status === 'AVAILABLE').map((s) => s.id).sort(() => Math.random() - 0.5);
  }
  const seat = free.pop();
  if (seat) {
    const hold = http.post(base + '/api/bookings', JSON.stringify({ eventId, seatIds: [seat] }), {
      headers: auth, tags: { name: 'hold_seats' }, responseCallback: http.expectedStatuses(201, 409),
    });
    if (hold.status === 201) http.post(base + '/api/bookings/' + (hold.json('id') as string) + '/confirm', null, { headers: auth, tags: { name: 'confirm_booking' } });
  }
  sleep(Number(__ENV.PACE || '0.15'));
}
`;

/** A scenario that sends no request at all: k6 runs, pushes its own metrics, but no request data. */
const idleScenario = `import { sleep } from 'k6';

export default function idle(): void {
  sleep(0.2);
}
`;

/** A constant load of the `holds` scenario (or another one of the project's). */
export const constantProfile = (seconds: number, vus = 4, scenario = 'holds') => [
  `description: constant booking load for the live-run tests (real k6)`,
  `scenario: ${scenario}`,
  'executor: constant-vus',
  `vus: ${vus}`,
  `duration: ${seconds}s`,
  'defaultTargets: false',
  '',
].join('\n');

/** Environment for `loadctl run` with this real k6. */
export const k6Env = (version: K6Version = 'v2.2.0', extra: Record<string, string> = {}) => ({ K6_BIN: realK6(version), ...extra });

/** An experiment that stops the sandbox's Redis container for `duration`, with a TCP and a PING probe. */
export const redisStopExperiment = (container: string, port: number, duration: string) => [
  'name: redis-stop',
  'description: stop the sandbox\'s Redis under load',
  `targets: { redis: { container: ${container} } }`,
  'steadyState:',
  '  probes:',
  `    - { type: tcp, address: "127.0.0.1:${port}" }`,
  '    - { type: exec, target: redis, command: [redis-cli, ping] }',
  'steps:',
  `  - { target: redis, fault: { kind: stop, mode: stop }, duration: ${duration} }`,
  'recovery: { target: 10s, interval: 100ms, healthyRounds: 3, maxWait: 20s }',
  '',
].join('\n');
