// The contract between the engine (src/chaos/engine*.ts, journal, watchdog) and
// the faults (src/chaos/faults/*.ts, src/chaos/undo.ts, src/docker/client.ts).
// The engine never talks to Docker except through these.
import type { ContainerRef, TargetSelector, UndoSpec } from './types.ts';
import type { Fault } from './faults/kind.ts';
import type { FaultSpec } from './faults/registry.ts';

export type { Fault, FaultObservations } from './faults/kind.ts';
export type { FaultSpec } from './faults/registry.ts';
export type { TargetSelector } from './types.ts';


export interface FaultFactory {
  create(spec: FaultSpec, targets: ContainerRef[], durationMs: number): Fault;
  /** Resolves a selector to containers; a missing target throws a UsageError listing near matches. */
  resolve(selector: TargetSelector): Promise<ContainerRef[]>;
  /** Runs one undo step; idempotent (a container already running stays running). */
  undo(spec: UndoSpec): Promise<void>;
}
