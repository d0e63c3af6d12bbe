// The real dependencies of the chaos engine: one Docker connection shared by
// the fault factory and the exec probes, and the watchdog spawner. Both
// `loadctl chaos` and `loadctl run --chaos` build their EngineDeps here.
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { DockerAdapter, resolveEndpoint } from '../docker/client.ts';
import type { EngineDeps } from './engine.ts';
import { createDockerFaultFactory, type DockerFaultFactory } from './factory.ts';
import type { ExecInContainer } from './probes.ts';
import { spawnWatchdog } from './watchdog.ts';

export interface DockerWiring {
  factory: DockerFaultFactory;
  endpoint: string;
  exec: ExecInContainer;
}

/** Connects (lazily) and checks that an engine answers: one clear line when none does. */
export async function connectDocker(env: NodeJS.ProcessEnv = process.env, options: { onProgress?: (line: string) => void } = {}): Promise<DockerWiring> {
  const adapter = new DockerAdapter(resolveEndpoint(env));
  const factory = createDockerFaultFactory({ docker: adapter, env, ...(options.onProgress ? { onProgress: options.onProgress } : {}) });
  await factory.ping(5000);
  const exec: ExecInContainer = async (container, cmd, timeoutMs) => {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`\`${cmd.join(' ')}\` in ${container.name} took over ${timeoutMs}ms`)), timeoutMs);
    });
    try {
      return (await Promise.race([adapter.exec(container, cmd), timeout])).exitCode;
    } finally {
      clearTimeout(timer);
    }
  };
  return { factory, endpoint: factory.endpoint, exec };
}

export function newRunId(now: Date = new Date()): string {
  return `${now.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z')}-${randomBytes(3).toString('hex')}`;
}

/** EngineDeps for a run in `cwd` (journal and lock in <cwd>/.loadctl). */
export function engineDeps(wiring: DockerWiring, options: { cwd: string; runId?: string; signal?: AbortSignal; endHold?: AbortSignal; watchdog?: boolean }): EngineDeps {
  return {
    faults: wiring.factory,
    exec: wiring.exec,
    stateDir: join(options.cwd, '.loadctl'),
    runId: options.runId ?? newRunId(),
    ...(options.signal ? { signal: options.signal } : {}),
    ...(options.endHold ? { endHold: options.endHold } : {}),
    ...(options.watchdog === false ? {} : { startWatchdog: (info) => { spawnWatchdog(info); } }),
  };
}
