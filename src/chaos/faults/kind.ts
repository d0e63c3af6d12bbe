// What a fault kind is: its name, the schema of its parameters in an
// experiment step, and how to build the fault from them. Each kind lives in
// one file under faults/ and is listed once in registry.ts; the experiment
// schema, the FaultSpec type and the factory are all derived from that list.
import type { z } from 'zod';
import type { ContainerRef, FaultPlan } from '../types.ts';
import type { FaultContext } from './common.ts';

/** What a fault reports once rolled back (OOM kills, deadlocks counted...). */
export type FaultObservations = Record<string, string | number | boolean>;

export interface Fault {
  /** Reads the current state (original limits, networks, qdiscs) and decides the undo. Touches nothing. */
  plan(): Promise<FaultPlan>;
  /** Applies the fault. Called only after the plan is journalled. */
  apply(): Promise<void>;
  /** Optional figures to report after rollback. */
  observe?(): Promise<FaultObservations>;
}

/** A schema whose output names its kind, as every step's `fault:` does. */
type KindSchema<K extends string> = z.ZodType<{ kind: K }> & { shape: { kind: z.ZodLiteral<K> } };

export interface FaultKind<K extends string = string, S extends KindSchema<K> = KindSchema<K>> {
  kind: K;
  /** The step's `fault:` object, strict, with defaults filled. */
  schema: S;
  create(ctx: FaultContext, spec: z.output<S>, targets: ContainerRef[]): Fault;
}

/** Keeps each kind's literal types so the registry can derive the union. */
export function defineFault<K extends string, S extends KindSchema<K>>(definition: FaultKind<K, S>): FaultKind<K, S> {
  return definition;
}
