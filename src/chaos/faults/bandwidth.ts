// bandwidth: a token-bucket filter (tc tbf) caps what the target sends to
// `rate`. tbf is in every stock kernel, so this one runs where netem cannot.
import type { Fault } from './kind.ts';
import type { ContainerRef } from '../types.ts';
import type { FaultContext } from './common.ts';
import { tbfArgs } from './qdisc.ts';
import { qdiscFault } from './tc.ts';
import { z } from 'zod';
import { defineFault } from './kind.ts';
import { helperFields } from './tc.ts';

export function bandwidthFault(ctx: FaultContext, spec: { rate: string; device?: string; helperImage?: string }, targets: ContainerRef[]): Fault {
  return qdiscFault(ctx, { label: `cap outgoing bandwidth at ${spec.rate}`, qdisc: tbfArgs(spec.rate), device: spec.device, helperImage: spec.helperImage }, targets);
}

export const bandwidth = defineFault({
  kind: 'bandwidth',
  schema: z.strictObject({ kind: z.literal('bandwidth'), rate: z.string().regex(/^\d+(bit|kbit|mbit|gbit)$/, 'write a tc rate like 256kbit or 1mbit'), ...helperFields }),
  create: (ctx, spec, targets) => bandwidthFault(ctx, spec, targets),
});
