// network-partition: disconnect a container from one network and connect it
// back with the aliases (and a static IPv4, if it had one) it had before, so
// its peers find it under the same names. Compose networks are named
// "<project>_<network>"; the short name from the compose file works too.
import { UsageError } from '../../errors.ts';
import type { Fault } from './kind.ts';
import type { ContainerRef, FaultPlan, UndoSpec } from '../types.ts';
import { describe, requireRunning, type FaultContext } from './common.ts';
import { composeProjectLabel } from '../targets.ts';
import { formatDuration } from '../../shared/duration.ts';
import { z } from 'zod';
import { defineFault } from './kind.ts';

/** The network key as the container knows it: exact, else the compose-prefixed name. */
export function findNetwork(wanted: string, attached: string[], project: string | undefined): string | undefined {
  if (attached.includes(wanted)) return wanted;
  const prefixed = project ? `${project}_${wanted}` : undefined;
  return prefixed && attached.includes(prefixed) ? prefixed : undefined;
}

export function networkFault(ctx: FaultContext, spec: { network: string }, targets: ContainerRef[]): Fault {
  let resolved: Array<{ ref: ContainerRef; network: string }> = [];

  return {
    async plan(): Promise<FaultPlan> {
      resolved = [];
      const undo: UndoSpec[] = [];
      for (const ref of targets) {
        const info = await ctx.docker.inspect(ref);
        requireRunning(ref, info.State, 'network-disconnect');
        const networks = info.NetworkSettings.Networks ?? {};
        const attached = Object.keys(networks);
        const network = findNetwork(spec.network, attached, info.Config.Labels?.[composeProjectLabel]);
        const endpoint = network ? networks[network] : undefined;
        if (!network || !endpoint) {
          throw new UsageError(`container ${describe(ref)} is not connected to network "${spec.network}"; it is on: ${attached.join(', ') || 'no network'}`, {
            hint: 'name one of those networks in the experiment step',
          });
        }
        if (info.HostConfig.NetworkMode?.startsWith('container:')) {
          throw new UsageError(`container ${describe(ref)} shares another container's network namespace; disconnect that container instead`);
        }
        resolved.push({ ref, network });
        // The default bridge takes no aliases; elsewhere keep every alias the engine listed.
        const aliases = network === 'bridge' ? [] : [...(endpoint.Aliases ?? [])];
        const ipv4 = endpoint.IPAMConfig?.IPv4Address || undefined;
        undo.push({ kind: 'connect', container: ref, network, aliases, ...(ipv4 ? { ipv4 } : {}) });
      }
      const what = resolved.map((r) => `${describe(r.ref)} from network ${r.network}`).join(', ');
      return { intent: `disconnect ${what} for ${formatDuration(ctx.durationMs)}, then reconnect it with its aliases`, undo };
    },

    async apply(): Promise<void> {
      if (resolved.length !== targets.length) throw new Error('network fault applied before it was planned');
      for (const { ref, network } of resolved) await ctx.docker.disconnect(ref, network);
    },
  };
}

export const network = defineFault({
  kind: 'network-disconnect',
  schema: z.strictObject({ kind: z.literal('network-disconnect'), network: z.string().min(1) }),
  create: (ctx, spec, targets) => networkFault(ctx, spec, targets),
});
