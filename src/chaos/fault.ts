// The contract between the engine (src/chaos/engine*.ts, journal, watchdog) and
// the faults (src/chaos/faults/*.ts, src/chaos/undo.ts, src/chaos/docker.ts).
// The engine never talks to Docker except through these.
import type { ContainerRef, FaultPlan, UndoSpec } from './types.ts';

/** Selects containers: by exact name, or by compose project + service labels. */
export type TargetSelector =
  | { container: string }
  | { project: string; service: string };

/** Fault kinds an experiment step may name, with their parameters. */
export type FaultSpec =
  | { kind: 'stop'; mode: 'stop' | 'kill-in-place'; signal?: string }
  | { kind: 'pause' }
  | { kind: 'db-deadlocks'; database: string; user: string; workers?: number }
  | { kind: 'network-disconnect'; network: string }
  | { kind: 'memory-limit'; memory: string; stress?: { bytes: string } }
  | { kind: 'latency'; delayMs: number; jitterMs?: number; device?: string; helperImage?: string }
  | { kind: 'packet-loss'; percent: number; device?: string; helperImage?: string }
  | { kind: 'bandwidth'; rate: string; device?: string; helperImage?: string };

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

export interface FaultFactory {
  create(spec: FaultSpec, targets: ContainerRef[], durationMs: number): Fault;
  /** Resolves a selector to containers; a missing target throws a UsageError listing near matches. */
  resolve(selector: TargetSelector): Promise<ContainerRef[]>;
  /** Runs one undo step; idempotent (a container already running stays running). */
  undo(spec: UndoSpec): Promise<void>;
}
