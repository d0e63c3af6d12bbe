// `loadctl stack up`: decide what to do from what exists (pure), then do it:
// images, network, containers in start order, each group waited on until
// healthy. Idempotent: what this stack already runs is kept, unless it runs
// with other break modes than asked for: then it is recreated, never kept
// silently broken (or silently mended). Interrupted or failed half way, it
// removes what this call created, and only that, so nothing half-made is left
// (a container it was recreating is then missing: the next `up` makes it).
import { InterruptedError, UsageError } from '../errors.ts';
import { type ContainerPlan, type ImageKey, type StackPlan, breaksOf, imageEnv, imageFlag, stackLabel, stackServices } from './definition.ts';
import type { Observed, StackDocker } from './docker.ts';
import { waitHealthy } from './health.ts';

export type Action = 'create' | 'start' | 'keep' | 'recreate';

/** Pure: what to do for each planned container, given what has its name now; a stranger there is a refusal. */
export function decideUp(plan: StackPlan, existing: Map<string, Observed>): Array<{ container: ContainerPlan; action: Action; id?: string; was?: string[] }> {
  const strangers = plan.containers.filter((c) => {
    const found = existing.get(c.name);
    return found && found.labels[stackLabel] !== plan.project;
  });
  if (strangers.length > 0) {
    throw new UsageError(`${strangers.map((c) => c.name).join(', ')} already exist${strangers.length === 1 ? 's' : ''} and ${strangers.length === 1 ? 'was' : 'were'} not made by \`loadctl stack up\`; loadctl will not touch ${strangers.length === 1 ? 'it' : 'them'}`, {
      hint: `that may be your real system: the experiments find it as it is (loadctl chaos redis-failure --dry-run); or start the reference stack under another name: loadctl stack up --project <name>`,
    });
  }
  return plan.containers.map((container) => {
    const found = existing.get(container.name);
    if (!found) return { container, action: 'create' as const };
    const was = breaksOf(found.labels);
    // Break modes live in the container's environment: another set means another container.
    if (was.join(',') !== container.breaks.join(',')) return { container, action: 'recreate' as const, id: found.id, was };
    return { container, action: found.running ? 'keep' as const : 'start' as const, id: found.id };
  });
}

export interface UpDeps {
  docker: StackDocker;
  /** The bundled Node service copied into the Node containers. */
  serviceFile: () => Promise<Buffer>;
  onProgress: (line: string) => void;
  signal?: AbortSignal;
  healthTimeoutMs?: number;
}

export interface UpResult {
  created: string[];
  /** Removed and created again because their break modes changed. */
  recreated: Array<{ name: string; breaksBefore: string[]; breaksNow: string[] }>;
  started: string[];
  kept: string[];
  ms: number;
}

export async function stackUp(plan: StackPlan, deps: UpDeps): Promise<UpResult> {
  const started = Date.now();
  const { docker, onProgress, signal } = deps;
  const checkAbort = () => {
    if (signal?.aborted) throw new InterruptedError('interrupted: `loadctl stack up` stopped; what it had created is removed');
  };
  const existing = new Map<string, Observed>();
  for (const c of plan.containers) {
    const found = await docker.observe(c.name);
    if (found) existing.set(c.name, found);
  }
  const actions = decideUp(plan, existing);
  const made: { containers: string[]; network?: string } = { containers: [] };
  const result: UpResult = { created: [], recreated: [], started: [], kept: [], ms: 0 };
  const creates = actions.filter((a) => a.action === 'create' || a.action === 'recreate');
  try {
    const keys = [...new Set(creates.map((a) => stackServices.find((s) => s.service === a.container.service)?.image as ImageKey))];
    for (const key of keys) {
      checkAbort();
      const image = creates.find((a) => stackServices.find((s) => s.service === a.container.service)?.image === key)?.container.image as string;
      await docker.ensureImage(image, `${imageFlag[key]} or ${imageEnv[key]}`, onProgress);
    }
    checkAbort();
    if (await docker.ensureNetwork(plan.network, plan.project)) made.network = plan.network.name;
    const service = creates.some((a) => a.container.needsServiceFile) ? await deps.serviceFile() : undefined;
    // Data stores first, then the services that need them.
    for (const group of [['postgres', 'redis'], ['booking-service', 'kafka-consumer']]) {
      const ids: Array<{ id: string; name: string }> = [];
      for (const a of actions.filter((x) => group.includes(x.container.service))) {
        checkAbort();
        let id = a.id;
        if (a.action === 'recreate') {
          const now = a.container.breaks;
          onProgress(`recreating ${a.container.name}: break modes ${a.was?.join(', ') || 'none'} -> ${now.join(', ') || 'none'}`);
          await docker.stop(a.id as string);
          await docker.removeContainer(a.id as string);
          result.recreated.push({ name: a.container.name, breaksBefore: a.was ?? [], breaksNow: [...now] });
        }
        if (a.action === 'create' || a.action === 'recreate') {
          id = await docker.create(a.container, plan.network.name, service);
          made.containers.push(id);
          if (a.action === 'create') result.created.push(a.container.name);
        }
        if (a.action !== 'keep') {
          await docker.start(id as string, a.container.name, a.container.port.host);
          if (a.action === 'start') result.started.push(a.container.name);
        } else {
          result.kept.push(a.container.name);
        }
        ids.push({ id: id as string, name: a.container.name });
      }
      await waitHealthy(docker, ids, { onProgress, timeoutMs: deps.healthTimeoutMs ?? 120_000, ...(signal ? { signal } : {}) });
    }
  } catch (error) {
    // Newest first: containers, then the network they were on.
    for (const id of made.containers.reverse()) await docker.removeContainer(id).catch(() => undefined);
    if (made.network) await docker.removeNetwork(made.network).catch(() => undefined);
    throw error;
  }
  result.ms = Date.now() - started;
  return result;
}
