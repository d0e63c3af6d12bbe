// What every fault needs: the slice of the Docker adapter it calls, the
// experiment's duration, and a few pure helpers (state checks, quoting, sizes).
import { randomBytes } from 'node:crypto';
import { EnvironmentError, UsageError } from '../../errors.ts';
import type { DockerAdapter } from '../../docker/client.ts';
import { describe } from '../../docker/errors.ts';
import type { ContainerRef } from '../types.ts';

export type DockerOps = Pick<
  DockerAdapter,
  | 'endpoint' | 'inspect' | 'inspectIfExists' | 'start' | 'stop' | 'pause' | 'unpause' | 'update' | 'connect' | 'disconnect'
  | 'exec' | 'execDetached' | 'imageExists' | 'pullImage' | 'runHelper' | 'remove' | 'wait' | 'logs'
>;

export interface FaultContext {
  docker: DockerOps;
  durationMs: number;
  /** Default image for tc helper containers (must hold `tc` and `sh`): --tc-image / LOADCTL_TC_IMAGE. */
  helperImage: string;
  /** Told about slow work the user should see (an image pull's progress). */
  onProgress?: (line: string) => void;
  /** How long past its duration a self-limiting fault (helper, driver) may live. */
  graceMs: number;
  /** How long kill-in-place waits for PID 1 to exit after the signal. */
  exitWaitMs: number;
  /** Random suffix for names the undo must know before they exist. */
  token(): string;
  sleep(ms: number): Promise<void>;
}

/** A public image with `tc` and `sh` that a user's Docker can pull; pinned so a run is repeatable. */
export const defaultHelperImage = 'nicolaka/netshoot:v0.13';
/** The one environment variable that names the tc helper image (the option is --tc-image). */
export const tcImageEnv = 'LOADCTL_TC_IMAGE';
export const defaultGraceMs = 10_000;
/** A graceful shutdown may drain for a while before PID 1 exits. */
export const defaultExitWaitMs = 10_000;
/** Label on everything loadctl creates (helpers), so a human can find leftovers. */
export const createdByLabel = 'io.loadctl.chaos';
/** On each helper: the id of the container whose network namespace it joined. */
export const targetLabel = 'io.loadctl.chaos.target';

export function randomToken(): string {
  return randomBytes(4).toString('hex');
}

export { describe };

export function seconds(ms: number): number {
  return Math.max(1, Math.ceil(ms / 1000));
}

type State = { Running: boolean; Paused: boolean; Restarting: boolean; Status: string };

/** A fault applies only to a container in the state it expects; otherwise the steady state is already broken. */
export function requireRunning(ref: ContainerRef, state: State, fault: string): void {
  if (state.Running && !state.Paused && !state.Restarting) return;
  const status = state.Paused ? 'paused' : state.Restarting ? 'restarting' : state.Status;
  throw new EnvironmentError(`cannot apply ${fault} to container ${describe(ref)}: it is ${status}, not running`, {
    hint: `start it first (\`docker start ${ref.name}\`) so the experiment begins from a healthy steady state`,
  });
}

/** POSIX single-quoting for building `sh -c` scripts from values. */
export function shellQuote(value: string): string {
  return /^[A-Za-z0-9_./:=@%+-]+$/.test(value) ? value : `'${value.replace(/'/g, `'\\''`)}'`;
}

const sizeUnits: Record<string, number> = { '': 1, b: 1, k: 1024, kb: 1024, m: 1024 ** 2, mb: 1024 ** 2, g: 1024 ** 3, gb: 1024 ** 3 };

/** Docker's size grammar (binary units): "64m", "1g", "512k", "1048576". */
export function parseBytes(text: string, what: string): number {
  const match = /^(\d+(?:\.\d+)?)\s*([a-z]*)$/i.exec(text.trim());
  const factor = match ? sizeUnits[(match[2] ?? '').toLowerCase()] : undefined;
  if (!match || factor === undefined) {
    throw new UsageError(`${what} "${text}" is not a size`, { hint: 'write it like 64m, 512k or 1g (binary units, as `docker run -m` takes)' });
  }
  return Math.floor(Number(match[1]) * factor);
}

export function formatBytes(bytes: number): string {
  if (bytes <= 0) return 'unlimited';
  for (const [unit, size] of [['g', 1024 ** 3], ['m', 1024 ** 2], ['k', 1024]] as const) {
    if (bytes >= size && bytes % size === 0) return `${bytes / size}${unit}`;
  }
  return `${bytes}b`;
}

/** Resolves with `fn`'s value once `done(value)` holds, or the last value at the deadline. */
export async function pollUntil<T>(ctx: Pick<FaultContext, 'sleep'>, fn: () => Promise<T>, done: (value: T) => boolean, timeoutMs: number, stepMs = 100): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let value = await fn();
  while (!done(value) && Date.now() < deadline) {
    await ctx.sleep(stepMs);
    value = await fn();
  }
  return value;
}
