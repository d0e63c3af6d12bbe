// network-latency: every packet leaving the target waits delayMs (± jitterMs)
// in a netem root qdisc. Needs sch_netem in the Docker host's kernel; without
// it the fault fails with one line before anything changes.
import type { Fault } from './kind.ts';
import type { ContainerRef } from '../types.ts';
import type { FaultContext } from './common.ts';
import { netemDelayArgs } from './qdisc.ts';
import { qdiscFault } from './tc.ts';
import { z } from 'zod';
import { defineFault } from './kind.ts';
import { helperFields } from './tc.ts';

export function latencyFault(ctx: FaultContext, spec: { delayMs: number; jitterMs?: number; device?: string; helperImage?: string }, targets: ContainerRef[]): Fault {
  const jitter = spec.jitterMs ? ` ± ${spec.jitterMs}ms` : '';
  return qdiscFault(ctx, { label: `add ${spec.delayMs}ms${jitter} latency`, qdisc: netemDelayArgs(spec.delayMs, spec.jitterMs), device: spec.device, helperImage: spec.helperImage }, targets);
}

export const latency = defineFault({
  kind: 'latency',
  schema: z.strictObject({ kind: z.literal('latency'), delayMs: z.number().int().positive(), jitterMs: z.number().int().nonnegative().optional(), ...helperFields }),
  create: (ctx, spec, targets) => latencyFault(ctx, spec, targets),
});
