// --runners, --placement, --runner-image, --runner-network, --docker-host and
// --receiver-host as typed -> the runners request, or a usage error naming the
// flag. --runners 1 is a plain single-k6 run.
import { UsageError } from '../errors.ts';
import { checkReceiverHost, parseDockerHosts, resolveEngines } from './engines.ts';
import type { RunnersRequestOptions } from './placements.ts';
import { parseRunnerCount } from './segments.ts';

export interface RunnersFlags {
  runners?: string;
  placement?: string;
  runnerImage?: string;
  runnerNetwork?: string;
  dockerHost?: string[];
  receiverHost?: string;
}

export function runnersFromFlags(flags: RunnersFlags, env: NodeJS.ProcessEnv = process.env): RunnersRequestOptions | undefined {
  const dockerOnly = [
    ['--runner-image', flags.runnerImage], ['--runner-network', flags.runnerNetwork],
    ['--docker-host', flags.dockerHost?.length ? 'x' : undefined], ['--receiver-host', flags.receiverHost],
  ] as const;
  if (flags.runners === undefined) {
    const stray = flags.placement !== undefined ? '--placement' : dockerOnly.find(([, v]) => v !== undefined)?.[0];
    if (stray) throw new UsageError(`${stray} only applies with --runners <n>`, { hint: 'e.g. --runners 2 --placement docker' });
    return undefined;
  }
  const count = parseRunnerCount(flags.runners);
  if (typeof count !== 'number') throw new UsageError(count.error, { hint: 'e.g. --runners 4' });
  const placement = flags.placement ?? 'local';
  if (placement !== 'local' && placement !== 'docker') throw new UsageError(`--placement "${placement}" is not known`, { hint: 'use --placement local or --placement docker' });
  for (const [flag, v] of dockerOnly) {
    if (v !== undefined && placement !== 'docker') throw new UsageError(`${flag} only applies with --placement docker`, { hint: 'add --placement docker' });
  }
  const engines = flags.dockerHost?.length ? parseDockerHosts(flags.dockerHost) : undefined;
  if (placement === 'docker') {
    // Addresses checked (scheme, host) and a remote engine without --receiver-host refused, before anything connects.
    checkReceiverHost(resolveEngines(engines, env), flags.receiverHost);
  }
  if (count === 1) return undefined;
  return {
    count, placement,
    ...(flags.runnerImage ? { image: flags.runnerImage } : {}),
    ...(flags.runnerNetwork ? { network: flags.runnerNetwork } : {}),
    ...(engines ? { engines } : {}),
    ...(flags.receiverHost ? { receiverHost: flags.receiverHost } : {}),
  };
}
