// Runners as k6 containers on one or more Docker engines (each --docker-host,
// else DOCKER_HOST or the local socket, as for chaos). Every engine is
// connected and checked before any runner starts: it answers, then (once
// k6's version is known) the image is on it; a failure is exit 3 naming the
// endpoint, and whatever the earlier engines made is removed. Runners are
// dealt out over the engines (engines.ts); each engine's containers push the
// live feed to the receiver on its own network's gateway (an address of this
// machine), or to --receiver-host when an engine is on another machine.
import { randomBytes } from 'node:crypto';
import { openEngine, type DockerEngine } from './docker-engine.ts';
import { assignEngines, checkReceiverHost, isLocalEndpoint, resolveEngines } from './engines.ts';
import type { Placement, RunnerSpec, RunnersRequestOptions, StartedRunner } from './placement.ts';

/** The public image matched to the local k6 (`v2.2.0` -> grafana/k6:2.2.0). */
export function defaultRunnerImage(k6Version: string | undefined): string {
  return k6Version ? `grafana/k6:${k6Version.replace(/^v/, '')}` : 'grafana/k6:latest';
}

export async function dockerPlacement(o: RunnersRequestOptions): Promise<Placement> {
  const endpoints = resolveEngines(o.engines);
  checkReceiverHost(endpoints, o.receiverHost);
  const tag = `${process.pid}-${randomBytes(3).toString('hex')}`;
  const engines: DockerEngine[] = [];
  try {
    for (const [i, endpoint] of endpoints.entries()) {
      engines.push(await openEngine({
        endpoint, local: isLocalEndpoint(endpoint), tag: endpoints.length > 1 ? `${tag}-e${i}` : tag,
        ...(o.network ? { network: o.network } : {}), ...(o.receiverHost ? { receiverHost: o.receiverHost } : {}),
      }));
    }
  } catch (error) {
    await Promise.all(engines.map((e) => e.close()));
    throw error;
  }
  const where = assignEngines(o.count, o.engines?.length ? o.engines.map((e) => e.weight) : [1]);
  const engineOf = (spec: RunnerSpec) => engines[where[spec.slice.id] ?? 0]!;
  let image: string | undefined;

  return {
    kind: 'docker',
    // 127.0.0.1 first: it always binds, and the gateways after it may not exist yet (Podman makes its bridge with the first container).
    receiverHosts: o.receiverHost ? [o.receiverHost] : ['127.0.0.1', ...new Set(engines.map((e) => e.receiverHost))],
    readyTimeoutMs: 90_000,
    engines: engines.map((e) => e.display),
    async prepare(k6Version) {
      image = o.image ?? defaultRunnerImage(k6Version);
      // Only the engines that get a runner need the image.
      for (const i of new Set(where)) await engines[i]!.checkImage(image);
    },
    start(spec: RunnerSpec): Promise<StartedRunner> {
      return engineOf(spec).start(spec, image ?? o.image ?? defaultRunnerImage(spec.k6Version), o.count);
    },
    async close() {
      await Promise.all(engines.map((e) => e.close()));
    },
  };
}
