// The k6 reaper: local k6 processes are detached (a Ctrl-C in the terminal
// must reach loadctl only), so a kill -9 of loadctl would leave them running,
// and a runner started with --linger would never end. The reaper is a small
// detached process that loadctl tells, over a pipe to its stdin, which k6
// process groups are running ("+PID", "-PID"). A run that ends cleanly says
// "end". If the pipe closes without "end" (loadctl died, however), the reaper
// SIGKILLs every group still listed and exits. No polling: the kernel closes
// the pipe when loadctl goes.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Readable } from 'node:stream';

/** What loadctl holds: tell the reaper of each k6 it starts and each that ends. */
export interface Reaper {
  /** The reaper's own pid (undefined when none could start). */
  pid: number | undefined;
  add(pid: number): void;
  remove(pid: number): void;
  /** The run ended cleanly: the reaper exits without killing anything. */
  close(): void;
}

/** The reaper's side: reads the protocol and kills what is left when the pipe closes without "end". */
export function reapOnClose(input: Readable, kill: (pid: number) => void): Promise<{ ended: 'clean' | 'reaped'; killed: number[] }> {
  const pids = new Set<number>();
  let clean = false;
  let rest = '';
  input.setEncoding('utf8');
  input.on('data', (chunk: string) => {
    const lines = (rest + chunk).split('\n');
    rest = lines.pop() ?? '';
    for (const line of lines) {
      const pid = Number(line.slice(1));
      if (line === 'end') clean = true;
      else if (line.startsWith('+') && Number.isInteger(pid) && pid > 1) pids.add(pid);
      else if (line.startsWith('-')) pids.delete(pid);
    }
  });
  return new Promise((resolve) => {
    let done = false;
    const finish = () => {
      if (done) return;
      done = true;
      if (clean) return resolve({ ended: 'clean', killed: [] });
      const killed = [...pids];
      for (const pid of killed) kill(pid);
      resolve({ ended: 'reaped', killed });
    };
    input.on('end', finish);
    input.on('close', finish);
    input.on('error', finish);
  });
}

/** SIGKILL to the process group (k6 is detached, so its pid is its group), else to the process. */
export function killGroup(pid: number): void {
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    try { process.kill(pid, 'SIGKILL'); } catch { /* already gone */ }
  }
}

/** dist/k6-reaper.mjs next to the running bundle (or, from source, in dist/). */
export function reaperScript(): string | undefined {
  for (const candidate of ['./k6-reaper.mjs', '../../dist/k6-reaper.mjs']) {
    const path = fileURLToPath(new URL(candidate, import.meta.url));
    if (existsSync(path)) return path;
  }
  return undefined;
}

/**
 * Starts the reaper, detached and unreferenced (loadctl's exit never waits
 * for it). Without its script (a source tree not built) or if it cannot
 * start, a no-op: the in-process exit handlers still cover a normal exit.
 */
export function spawnReaper(script: string | undefined = reaperScript()): Reaper {
  const none: Reaper = { pid: undefined, add() {}, remove() {}, close() {} };
  if (script === undefined) return none;
  let child;
  try {
    child = spawn(process.execPath, [script], { detached: true, stdio: ['pipe', 'ignore', 'ignore'] });
  } catch {
    return none;
  }
  const stdin = child.stdin;
  child.on('error', () => {});
  stdin.on('error', () => {}); // the reaper gone: nothing to tell
  child.unref();
  (stdin as unknown as { unref?: () => void }).unref?.();
  let closed = false;
  const say = (line: string) => { if (!closed && stdin.writable) stdin.write(`${line}\n`); };
  return {
    pid: child.pid,
    add: (pid) => say(`+${pid}`),
    remove: (pid) => say(`-${pid}`),
    close: () => {
      say('end');
      closed = true;
      stdin.end();
    },
  };
}
