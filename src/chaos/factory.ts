// The FaultFactory the chaos engine codes against: one Docker connection,
// the fault kinds from faults/registry.ts, target resolution,
// and the undo executor the journal replays.
import { UsageError } from '../errors.ts';
import { DockerAdapter, resolveEndpoint } from '../docker/client.ts';
import type { Fault, FaultFactory, FaultSpec, TargetSelector } from './fault.ts';
import { defaultExitWaitMs, defaultGraceMs, defaultHelperImage, randomToken, tcImageEnv, type DockerOps, type FaultContext } from './faults/common.ts';
import { createFault } from './faults/registry.ts';
import { resolveTargets } from './targets.ts';
import type { ContainerRef, UndoSpec } from './types.ts';
import { executeUndo } from './undo.ts';

export interface DockerFaultFactory extends FaultFactory {
  /** Where the engine lives, for the confirmation prompt ("unix:///var/run/docker.sock"). */
  readonly endpoint: string;
  /** Fails with one line when no engine answers. */
  ping(timeoutMs?: number): Promise<void>;
}

export interface FactoryOptions {
  docker?: DockerOps & Pick<DockerAdapter, 'ping' | 'listContainers'>;
  env?: NodeJS.ProcessEnv;
  /** Image for tc helper containers when a step names none (--tc-image, else env LOADCTL_TC_IMAGE, else a public image). */
  helperImage?: string;
  /** Progress of slow work (pulling the tc image), for the command to show. */
  onProgress?: (line: string) => void;
  graceMs?: number;
  /** How long kill-in-place waits for PID 1 to exit (default 10 s). */
  exitWaitMs?: number;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export function createDockerFaultFactory(options: FactoryOptions = {}): DockerFaultFactory {
  const env = options.env ?? process.env;
  const docker = options.docker ?? new DockerAdapter(resolveEndpoint(env));
  const base = {
    docker,
    helperImage: options.helperImage || env[tcImageEnv] || defaultHelperImage,
    ...(options.onProgress ? { onProgress: options.onProgress } : {}),
    graceMs: options.graceMs ?? defaultGraceMs,
    exitWaitMs: options.exitWaitMs ?? defaultExitWaitMs,
    token: randomToken,
    sleep,
  };

  return {
    endpoint: docker.endpoint,
    ping: (timeoutMs) => docker.ping(timeoutMs),
    create(spec: FaultSpec, targets: ContainerRef[], durationMs: number): Fault {
      if (targets.length === 0) throw new UsageError(`fault ${spec.kind} names no container`);
      const ctx: FaultContext = { ...base, durationMs };
      return createFault(ctx, spec, targets);
    },
    resolve(selector: TargetSelector): Promise<ContainerRef[]> {
      return resolveTargets(docker, selector);
    },
    undo(spec: UndoSpec): Promise<void> {
      return executeUndo(base, spec);
    },
  };
}
