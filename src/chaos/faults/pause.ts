// kafka-consumer-lag: the cgroup freezer stops every process of the container
// without killing any; connections stay open but nothing answers. Unpausing
// resumes them where they were, so the consumer comes back with its lag.
import type { Fault } from './kind.ts';
import type { ContainerRef, FaultPlan } from '../types.ts';
import { describe, requireRunning, type FaultContext } from './common.ts';
import { formatDuration } from '../../shared/duration.ts';
import { z } from 'zod';
import { defineFault } from './kind.ts';

export function pauseFault(ctx: FaultContext, targets: ContainerRef[]): Fault {
  return {
    async plan(): Promise<FaultPlan> {
      for (const ref of targets) requireRunning(ref, (await ctx.docker.inspect(ref)).State, 'pause');
      return {
        intent: `pause ${targets.map(describe).join(', ')} (cgroup freezer) for ${formatDuration(ctx.durationMs)}, then unpause`,
        undo: targets.map((container) => ({ kind: 'unpause' as const, container })),
      };
    },
    async apply(): Promise<void> {
      for (const ref of targets) await ctx.docker.pause(ref);
    },
  };
}

export const pause = defineFault({
  kind: 'pause',
  schema: z.strictObject({ kind: z.literal('pause') }),
  create: (ctx, _spec, targets) => pauseFault(ctx, targets),
});
