// Shared by the sandbox and users tests: a JSON client over real HTTP, a
// spare port, and a real redis-server the test starts and stops itself.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { connect, createServer } from 'node:net';
import { runCli as runKitCli } from '../kit/cli.ts';

export interface Answer<T = Record<string, unknown>> { status: number; body: T; type: string }

export async function call<T = Record<string, unknown>>(
  base: string, method: string, path: string, options: { body?: unknown; raw?: string; token?: string } = {},
): Promise<Answer<T>> {
  const headers: Record<string, string> = {};
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  let body: string | undefined = options.raw;
  if (options.body !== undefined) body = JSON.stringify(options.body);
  if (body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(base + path, { method, headers, body });
  const text = await res.text();
  const type = res.headers.get('content-type') ?? '';
  return { status: res.status, body: (type.startsWith('application/json') ? JSON.parse(text) : text) as T, type };
}

/** Registers and logs in a user; returns the token. */
export async function userToken(base: string, email: string, password = 'secret-pw'): Promise<string> {
  const reg = await call(base, 'POST', '/api/auth/register', { body: { email, password } });
  if (reg.status !== 201 && reg.status !== 409) throw new Error(`register answered ${reg.status}`);
  const login = await call<{ token: string }>(base, 'POST', '/api/auth/login', { body: { email, password } });
  if (login.status !== 200) throw new Error(`login answered ${login.status}`);
  return login.body.token;
}

export async function metricsText(base: string): Promise<string> {
  return (await call<string>(base, 'GET', '/metrics')).body;
}

/** The value of one sample line, e.g. 'booking_lock_failures_total{reason="conflict"}'; 0 when absent. */
export function sample(text: string, series: string): number {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line ? Number(line.slice(series.length + 1)) : 0;
}

export function sparePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** Resolves true when something can listen on the port again. */
export function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A real redis-server without persistence on `port`; resolves once it accepts connections. */
export async function startRedis(port: number): Promise<ChildProcess> {
  const which = spawnSync('redis-server', ['--version']);
  if (which.error) throw new Error('redis-server is not installed: apt-get install redis-server (.ci/run installs it)');
  const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
  const deadline = Date.now() + 5000;
  while (Date.now() < deadline && child.exitCode === null) {
    // Probe by connecting: a probe that listened could take the port from Redis.
    if (await accepts(port)) return child;
    await sleep(25);
  }
  child.kill('SIGKILL');
  throw new Error(`redis-server did not start on port ${port}`);
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => { socket.destroy(); resolve(true); });
    socket.once('error', () => resolve(false));
  });
}

export { stopProcess } from '../helpers/process.ts';

export { repoRoot } from '../kit/paths.ts';
export { ensureBuilt } from '../kit/build.ts';

/** Runs bin/loadctl.js to completion (test/kit/cli.ts). */
export const runCli = (args: string[], env: Record<string, string> = {}) => runKitCli(args, { env });
