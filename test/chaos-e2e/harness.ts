// Real parts for the chaos end-to-end tests: containers from the local image
// loadctl-test:1 with unique names (created and removed here, via the docker
// CLI, so the code under test and its setup never share a client), free ports,
// throwaway project folders, and bin/loadctl.js as a subprocess.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createServer as createHttpServer } from 'node:http';
import { createConnection, createServer } from 'node:net';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { spawnCli, type CliRun } from '../kit/cli.ts';
import { dockerSkip, testImage } from '../kit/parts.ts';
import { waitFor } from '../kit/wait.ts';
import { binPath } from '../kit/paths.ts';
import { tempDir } from '../kit/temp.ts';

export const repo = join(import.meta.dirname, '..', '..');
export const bin = binPath;
export const image = testImage;

/** Why Docker tests cannot run here (one line, printed once), or undefined when they can. Throws when CI requires Docker. */
export const dockerSkipReason = (_what?: string): string | undefined => dockerSkip(testImage);

export function docker(...args: string[]): string {
  const out = spawnSync('docker', args, { encoding: 'utf8', timeout: 60_000 });
  if (out.status !== 0) throw new Error(`docker ${args.join(' ')}: ${out.stderr.trim()}`);
  return out.stdout.trim();
}

export const unique = (prefix: string) => `${prefix}-${randomBytes(3).toString('hex')}`;

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

export function tcpOpen(port: number, timeoutMs = 500): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    const done = (ok: boolean) => { socket.destroy(); resolve(ok); };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

export { waitFor };

/** A Redis container with a FIXED published port (an ephemeral one would change on restart). */
export async function startRedis(name: string, options: { restart?: string; flags?: string[] } = {}): Promise<{ name: string; id: string; port: number }> {
  const port = await freePort();
  const id = docker('run', '-d', '--name', name, '--label', 'io.loadctl.test=1', '-p', `127.0.0.1:${port}:6379`,
    ...(options.restart ? ['--restart', options.restart] : []),
    ...(options.flags ?? []),
    image, 'redis-server', '--bind', '0.0.0.0', '--protected-mode', 'no', '--save', '');
  await waitFor(`${name} to answer`, () => redisPing(name), 60_000);
  return { name, id, port };
}

export function redisPing(name: string): boolean {
  const out = spawnSync('docker', ['exec', name, 'redis-cli', 'ping'], { encoding: 'utf8' });
  return out.status === 0 && out.stdout.trim() === 'PONG';
}

export function removeContainers(...names: string[]): void {
  spawnSync('docker', ['rm', '-f', ...names], { stdio: 'ignore' });
}

/** What must not change on a container no experiment names. */
export function snapshot(name: string): string {
  return docker('inspect', '--format',
    '{{.Id}} {{.State.Status}} {{.State.StartedAt}} {{.State.Paused}} {{.RestartCount}} {{.HostConfig.Memory}} {{.HostConfig.MemorySwap}} {{json .NetworkSettings.Networks}}', name);
}

/** A project folder holding chaos/<name>.yaml for each given experiment. */
export function project(experiments: Record<string, string>): string {
  const cwd = tempDir('loadctl-chaos-e2e-');
  mkdirSync(join(cwd, 'chaos'));
  for (const [name, yaml] of Object.entries(experiments)) writeFileSync(join(cwd, 'chaos', `${name}.yaml`), yaml);
  return cwd;
}

export interface Run extends Omit<CliRun, 'done'> {
  /** Resolves with the exit code (or the signal name). */
  done: Promise<number | string>;
  /** stdout and stderr as they arrived. */
  out(): string;
}

/** bin/loadctl.js through the kit's spawner (test/kit/cli.ts), with the chaos suites' environment. */
export function loadctl(args: string[], options: { cwd: string; env?: Record<string, string> }): Run {
  // No registry is reachable here: the tc faults use the local test image unless a test says otherwise.
  const run = spawnCli(args, { cwd: options.cwd, env: { LOADCTL_TC_IMAGE: image, ...options.env } });
  return { ...run, out: run.output, done: run.done.then((e) => e.code ?? e.signal ?? -1) };
}

export async function loadctlDone(args: string[], options: { cwd: string; env?: Record<string, string> }) {
  const run = loadctl(args, options);
  const code = await run.done;
  return { code, stdout: run.stdout(), stderr: run.stderr() };
}

/** The stop experiment the tests run, with a TCP probe on the published port. */
export function stopExperiment(o: { name: string; container: string; port: number; duration: string; grace?: string; mode?: string }): string {
  return [
    `name: ${o.name}`,
    'description: stop a test Redis and measure how long it takes to answer again',
    `targets: { redis: { container: ${o.container} } }`,
    'steadyState:',
    '  probes:',
    `    - { type: tcp, address: "127.0.0.1:${o.port}" }`,
    '    - { type: exec, target: redis, command: [redis-cli, ping] }',
    'steps:',
    `  - { target: redis, fault: { kind: stop, mode: ${o.mode ?? 'stop'} }, duration: ${o.duration} }`,
    'recovery: { target: 10s, interval: 100ms, healthyRounds: 3, maxWait: 20s }',
    `watchdogGrace: ${o.grace ?? '10s'}`,
    '',
  ].join('\n');
}

/**
 * What a rollback must put back on a container an experiment did name: state,
 * limits, networks and aliases. (A restart legitimately changes StartedAt and
 * the network endpoint ids, so those are left out.)
 */
export function restorable(name: string): string {
  const [info] = JSON.parse(docker('inspect', name)) as Array<{
    Id: string; State: { Status: string; Paused: boolean };
    HostConfig: { Memory: number; MemorySwap: number; MemoryReservation: number };
    NetworkSettings: { Networks: Record<string, { Aliases: string[] | null }> };
  }>;
  if (!info) throw new Error(`no container ${name}`);
  const networks = Object.entries(info.NetworkSettings.Networks).map(([n, e]) => `${n}=${(e.Aliases ?? []).filter((a) => !info.Id.startsWith(a)).sort().join(',')}`);
  const { Memory, MemorySwap, MemoryReservation } = info.HostConfig;
  return JSON.stringify({ id: info.Id, status: info.State.Status, paused: info.State.Paused, Memory, MemorySwap, MemoryReservation, networks: networks.sort() });
}

/**
 * The Redis containers one test file starts, plus one bystander that no
 * experiment names: at the end it must be unchanged, and all are removed.
 */
export function redisPool(prefix: string) {
  const created: string[] = [];
  let bystander: { name: string; before: string } | undefined;
  return {
    /** Containers the test started some other way, removed at the end too. */
    adopt: (...names: string[]) => { created.push(...names); },
    async redis(options: { restart?: string } = {}) {
      const r = await startRedis(unique(prefix), options);
      created.push(r.name);
      if (!bystander) {
        const b = await startRedis(unique('lc-e2e-bystander'));
        created.push(b.name);
        bystander = { name: b.name, before: snapshot(b.name) };
      }
      return r;
    },
    cleanup() {
      try {
        // Nothing any experiment here did may show on a container none of them named.
        if (bystander) assert.equal(snapshot(bystander.name), bystander.before);
      } finally {
        if (created.length > 0) removeContainers(...created);
      }
    },
  };
}

/** A real HTTP server on 127.0.0.1 that answers like the ticketing API's /health (UP). */
export async function healthyGateway(): Promise<{ url: string; close(): void }> {
  const server = createHttpServer((_req, res) => { res.writeHead(200, { 'content-type': 'application/json' }); res.end('{"status":"UP"}'); });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  return { url: `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`, close: () => { server.close(); } };
}
