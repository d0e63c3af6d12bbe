// The parts the hostile-inputs table needs, all real: bin/loadctl.js as a
// subprocess, a TCP server that accepts and never answers (a hung target or
// engine), an HTTP server on a port fetch refuses, a read-only mount, the
// sandbox, and real k6 (test/kit/parts.ts).
import { spawnSync } from 'node:child_process';
import { spawnCli } from '../kit/cli.ts';
import { createServer as createTcpServer, type Server as TcpServer, type Socket } from 'node:net';
import { createServer as createHttpServer, type Server as HttpServer } from 'node:http';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { tempDir } from '../kit/temp.ts';

export const root = join(dirname(fileURLToPath(import.meta.url)), '../..');

export interface Ran {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** From spawn to exit. */
  ms: number;
  /** From the signal the row sent to exit, when it sent one. */
  msAfterSignal?: number;
}

export interface SpawnOptions {
  cwd: string;
  env?: Record<string, string | undefined>;
  /** Send this signal once the output matches `when`, or once `when()` says so (polled). */
  signal?: { send: NodeJS.Signals; when: RegExp | (() => boolean) };
  /** Kill and fail after this long: a hang is a finding, not a stuck suite. */
  timeoutMs: number;
}

/** bin/loadctl.js through the kit's spawner (test/kit/cli.ts), in a clean environment, with the row's signal. */
export function loadctl(args: string[], o: SpawnOptions): Promise<Ran> {
  const when = o.signal?.when;
  let signalledAt: number | undefined;
  const send = () => {
    if (signalledAt !== undefined || !o.signal) return;
    signalledAt = Date.now();
    run.kill(o.signal.send);
  };
  const run = spawnCli(args, {
    cwd: o.cwd,
    env: { CI: undefined, K6_BIN: undefined, DOCKER_HOST: undefined, BASE_URL: undefined, ...o.env },
    stdin: 'pipe',
    timeoutMs: o.timeoutMs,
    onOutput: when instanceof RegExp ? (text) => { if (when.test(text)) send(); } : undefined,
  });
  const poller = typeof when === 'function' ? setInterval(() => { if (when()) send(); }, 25) : undefined;
  return run.done.finally(() => clearInterval(poller)).then((exit) => ({ ...exit, ...(signalledAt !== undefined ? { msAfterSignal: Date.now() - signalledAt } : {}) }));
}

/** Files for a row, relative to its fresh working folder. */
export type FileSpec = string | { dir: true } | { symlink: string } | { exec: string };

export function makeCwd(files: Record<string, FileSpec>): string {
  const cwd = tempDir('loadctl-hostile-');
  for (const [path, spec] of Object.entries(files)) {
    const full = join(cwd, path);
    mkdirSync(dirname(full), { recursive: true });
    if (typeof spec === 'string') writeFileSync(full, spec);
    else if ('dir' in spec) mkdirSync(full, { recursive: true });
    else if ('symlink' in spec) symlinkSync(spec.symlink, full);
    else writeFileSync(full, spec.exec, { mode: 0o755 });
  }
  return cwd;
}

/** Run folders a row left in <cwd>/.loadctl/runs (a refused command must leave none). */
export function runFolders(cwd: string): string[] {
  const runs = join(cwd, '.loadctl/runs');
  return existsSync(runs) ? readdirSync(runs) : [];
}

/** Accepts connections and never answers: a hung gateway or Docker engine. */
export async function hangingServer(): Promise<{ port: number; connections(): number; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  let connections = 0;
  const server: TcpServer = createTcpServer((s) => { connections += 1; sockets.add(s); s.on('close', () => sockets.delete(s)); });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    port: (server.address() as { port: number }).port,
    connections: () => connections,
    close: () => new Promise((r) => { for (const s of sockets) s.destroy(); server.close(() => r()); }),
  };
}

/** Ports fetch refuses (the browsers' "bad ports"); the first free one is used. */
const BLOCKED_PORTS = [6666, 6667, 6668, 6669, 6665, 6000, 10080, 6697, 4045];

/** An HTTP server answering 200 {"status":"UP"} on a port fetch would refuse. */
export async function blockedPortServer(): Promise<{ port: number; close(): Promise<void> }> {
  for (const port of BLOCKED_PORTS) {
    const server: HttpServer = createHttpServer((_req, res) => { res.setHeader('content-type', 'application/json'); res.end('{"status":"UP"}'); });
    const ok = await new Promise<boolean>((r) => {
      server.once('error', () => r(false));
      server.listen(port, '127.0.0.1', () => r(true));
    });
    if (ok) return { port, close: () => new Promise((r) => server.close(() => r())) };
  }
  throw new Error(`every blocked port is in use: ${BLOCKED_PORTS.join(', ')}`);
}

/**
 * A read-only folder (tmpfs mounted ro) holding `files`; undefined when this
 * machine cannot mount (not root, no CAP_SYS_ADMIN).
 */
export function readOnlyMount(files: Record<string, string>): { path: string; remove(): void } | undefined {
  const path = tempDir('loadctl-ro-');
  if (spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=4m', 'tmpfs', path]).status !== 0) {
    rmSync(path, { recursive: true, force: true });
    return undefined;
  }
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(dirname(join(path, name)), { recursive: true });
    writeFileSync(join(path, name), text);
  }
  spawnSync('mount', ['-o', 'remount,ro', path]);
  return { path, remove: () => { spawnSync('umount', [path]); rmSync(path, { recursive: true, force: true }); } };
}

/** Still running (a zombie waiting for its reaper counts as gone). */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}
