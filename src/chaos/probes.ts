// Steady-state probes: HTTP status (+ optional JSON field), TCP connect, and a
// command inside a target container. Each returns a result, never throws: a
// probe that cannot reach its target is simply unhealthy.
import { connect } from 'node:net';
import type { NamedProbe, Probe } from './experiment-schema.ts';
import type { ContainerRef } from './types.ts';
import { httpGet } from '../shared/http-get.ts';

export interface ProbeResult {
  name: string;
  ok: boolean;
  /** Why it failed, or what it saw ("200", "connected", "exit 0"). */
  detail: string;
  ms: number;
}

/** Runs a command inside a container and gives its exit code (the Docker adapter provides it). */
export type ExecInContainer = (container: ContainerRef, cmd: string[], timeoutMs: number) => Promise<number>;

export interface ProbeContext {
  /** Containers of each target ref, as resolved before the experiment. */
  targets: Record<string, ContainerRef[]>;
  exec: ExecInContainer;
  signal?: AbortSignal;
}

export async function runProbe(probe: NamedProbe, ctx: ProbeContext): Promise<ProbeResult> {
  const started = Date.now();
  const finish = (ok: boolean, detail: string): ProbeResult => ({ name: probe.name, ok, detail, ms: Date.now() - started });
  try {
    if (probe.type === 'http') return finish(...(await httpProbe(probe, ctx.signal)));
    if (probe.type === 'tcp') return finish(...(await tcpProbe(probe.address, probe.timeout)));
    const containers = ctx.targets[probe.target] ?? [];
    if (containers.length === 0) return finish(false, `target ${probe.target} has no container`);
    for (const container of containers) {
      const code = await ctx.exec(container, probe.command, probe.timeout);
      if (code !== 0) return finish(false, `exit ${code} in ${container.name}`);
    }
    return finish(true, 'exit 0');
  } catch (error) {
    return finish(false, error instanceof Error ? error.message.split('\n')[0] ?? 'error' : String(error));
  }
}

export async function runProbeRound(probes: ReadonlyArray<NamedProbe>, ctx: ProbeContext): Promise<ProbeResult[]> {
  return Promise.all(probes.map((p) => runProbe(p, ctx)));
}

async function httpProbe(probe: Extract<Probe, { type: 'http' }>, signal?: AbortSignal): Promise<[boolean, string]> {
  const response = await httpGet(new URL(probe.url), { timeoutMs: probe.timeout, ...(signal ? { signal } : {}) });
  const body = response.body;
  if (response.status !== probe.status) return [false, `status ${response.status}, expected ${probe.status}`];
  if (!probe.json) return [true, String(response.status)];
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return [false, 'body is not JSON'];
  }
  const actual = fieldAt(parsed, probe.json.path);
  return actual === probe.json.equals
    ? [true, `${response.status}, ${probe.json.path} = ${JSON.stringify(actual)}`]
    : [false, `${probe.json.path} = ${JSON.stringify(actual) ?? 'missing'}, expected ${JSON.stringify(probe.json.equals)}`];
}

/** Pure: a dotted path ("components.redis.status", "items.0.id") into parsed JSON. */
export function fieldAt(value: unknown, path: string): unknown {
  let current: unknown = value;
  for (const key of path.split('.')) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<string, unknown>)[key];
  }
  return current;
}

function tcpProbe(address: string, timeoutMs: number): Promise<[boolean, string]> {
  const at = address.lastIndexOf(':');
  const host = address.slice(0, at);
  const port = Number(address.slice(at + 1));
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    const done = (result: [boolean, string]) => { socket.destroy(); resolve(result); };
    socket.setTimeout(timeoutMs, () => done([false, `no answer within ${timeoutMs}ms`]));
    socket.once('connect', () => done([true, 'connected']));
    socket.once('error', (error: NodeJS.ErrnoException) => done([false, error.code ?? error.message]));
  });
}
