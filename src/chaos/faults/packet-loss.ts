// packet-loss: netem drops `percent` of the packets leaving the target.
// Like latency, it needs sch_netem in the Docker host's kernel.
import type { Fault } from './kind.ts';
import type { ContainerRef } from '../types.ts';
import type { FaultContext } from './common.ts';
import { netemLossArgs } from './qdisc.ts';
import { qdiscFault } from './tc.ts';
import { z } from 'zod';
import { defineFault } from './kind.ts';
import { helperFields } from './tc.ts';

export function packetLossFault(ctx: FaultContext, spec: { percent: number; device?: string; helperImage?: string }, targets: ContainerRef[]): Fault {
  return qdiscFault(ctx, { label: `drop ${spec.percent}% of packets`, qdisc: netemLossArgs(spec.percent), device: spec.device, helperImage: spec.helperImage }, targets);
}

export const packetLoss = defineFault({
  kind: 'packet-loss',
  schema: z.strictObject({ kind: z.literal('packet-loss'), percent: z.number().gt(0).max(100), ...helperFields }),
  create: (ctx, spec, targets) => packetLossFault(ctx, spec, targets),
});
