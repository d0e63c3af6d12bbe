// The contract between the faults (src/chaos/faults/*), the Docker adapter and
// the engine (undo stack, journal, watchdog). An undo is DATA, so that the
// journal can replay it after a crash: `loadctl chaos recover` and the watchdog
// run executeUndo(spec) without the process that applied the fault.

export type { ContainerRef } from '../docker/types.ts';
import type { ContainerRef } from '../docker/types.ts';

/** Serializable undo actions. Each must be idempotent. */
export type UndoSpec =
  | { kind: 'start'; container: ContainerRef }
  | { kind: 'unpause'; container: ContainerRef }
  | { kind: 'connect'; container: ContainerRef; network: string; aliases: string[]; ipv4?: string }
  | { kind: 'update-resources'; container: ContainerRef; memory: number; memorySwap: number; memoryReservation: number }
  | { kind: 'tc-restore'; container: ContainerRef; device: string; via: 'exec' | 'helper'; helperImage?: string; restore: string[][] }
  | { kind: 'exec'; container: ContainerRef; cmd: string[] }
  | { kind: 'remove-container'; container: ContainerRef };

/** What a fault will do and how it will be undone, decided before it is applied. */
export interface FaultPlan {
  /** One line, e.g. "stop container redis (id 3f2a...) for 30s". */
  intent: string;
  /** Undo steps, run newest first. Recorded in the journal before apply. */
  undo: UndoSpec[];
}

/** Selects containers: by exact name, by compose project + service labels, or by looking for the team's system. */
export type TargetSelector =
  | { container: string }
  | { project: string; service: string }
  // The shipped experiments' default: the compose service in the one project that has it, then each name in turn.
  | { service: string; names: string[] };
