// Every fault kind, one line each. Adding a kind is its file plus a line here.
import { z } from 'zod';
import type { ContainerRef } from '../types.ts';
import type { FaultContext } from './common.ts';
import type { Fault, FaultKind } from './kind.ts';
import { bandwidth } from './bandwidth.ts';
import { deadlocks } from './deadlocks.ts';
import { latency } from './latency.ts';
import { memory } from './memory.ts';
import { network } from './network.ts';
import { packetLoss } from './packet-loss.ts';
import { pause } from './pause.ts';
import { stop } from './stop.ts';

export const faultKinds = [stop, pause, deadlocks, network, memory, latency, packetLoss, bandwidth] as const;

type Kinds = typeof faultKinds;
type SchemaOf<T> = T extends FaultKind<string, infer S> ? S : never;
type MapSchemas<T extends readonly unknown[]> = { -readonly [I in keyof T]: SchemaOf<T[I]> };
type Schemas = MapSchemas<Kinds>;

/** Fault kinds an experiment step may name, with their parameters. */
export type FaultSpec = z.output<SchemaOf<Kinds[number]>>;

/** The `fault:` object of an experiment step. */
export const faultSchema = z.discriminatedUnion('kind', faultKinds.map((k) => k.schema) as unknown as Schemas);

const byKind = new Map<string, FaultKind>(faultKinds.map((k) => [k.kind, k as unknown as FaultKind]));

export function createFault(ctx: FaultContext, spec: FaultSpec, targets: ContainerRef[]): Fault {
  const kind = byKind.get(spec.kind);
  if (!kind) throw new Error(`unknown fault kind ${spec.kind}`);
  return kind.create(ctx, spec, targets);
}
