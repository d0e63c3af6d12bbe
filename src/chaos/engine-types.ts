// What the chaos engine reports (timeline events, through callbacks) and
// returns (the result). Renderers and `loadctl run --chaos` read these.
import type { FaultObservations, FaultSpec, TargetSelector } from './fault.ts';
import type { ProbeResult } from './probes.ts';
import type { ContainerRef, UndoSpec } from './types.ts';

export interface ResolvedTarget {
  ref: string;
  selector: TargetSelector;
  containers: ContainerRef[];
}

/** Every event carries `at`, Unix ms. */
export type TimelineEvent =
  | { type: 'resolved'; at: number; targets: ResolvedTarget[] }
  | { type: 'steady-state'; at: number; ok: boolean; results: ProbeResult[] }
  | { type: 'planned'; at: number; step: number; name: string; intent: string; undo: UndoSpec[] }
  | { type: 'injected'; at: number; step: number; name: string; intent: string; durationMs: number }
  | { type: 'step-failed'; at: number; step: number; message: string }
  | { type: 'interrupted'; at: number; phase: Phase }
  | { type: 'rollback-started'; at: number; undos: number }
  | { type: 'undo'; at: number; spec: UndoSpec; ok: boolean; error?: string; /** The container was removed: nothing to restore. */ gone?: boolean }
  | { type: 'rolled-back'; at: number; failures: number }
  | { type: 'observed'; at: number; step: number; observations: FaultObservations }
  | { type: 'probe-round'; at: number; healthy: boolean; results: ProbeResult[] }
  | { type: 'recovered'; at: number; recoveryMs: number }
  | { type: 'not-recovered'; at: number; waitedMs: number };

export type Phase = 'steady-state' | 'inject' | 'hold' | 'rollback' | 'recovery';

export type ChaosStatus =
  /** Recovered within the target. */
  | 'passed'
  /** Recovered too slowly, or never within the bound. */
  | 'failed'
  /** A probe failed before anything was injected. */
  | 'steady-state-failed'
  /** Ctrl-C / SIGTERM; everything was still rolled back. */
  | 'interrupted'
  /** A fault could not be planned or applied (container gone, no netem...). */
  | 'error';

export interface StepResult {
  name: string;
  target: string;
  fault: FaultSpec;
  durationMs: number;
  intent?: string;
  undo?: UndoSpec[];
  /** Unix ms when apply began: the fault may act from then on. */
  injectedAt?: number;
  /** Unix ms when apply returned (the fault fully in place); the hold starts here. */
  appliedAt?: number;
  observations?: FaultObservations;
}

export interface ChaosResult {
  experiment: string;
  runId: string;
  status: ChaosStatus;
  targets: ResolvedTarget[];
  steadyState: ProbeResult[];
  steps: StepResult[];
  timeline: {
    startedAt: number;
    /** First fault in place. */
    injectedAt: number | null;
    /** Last undo finished. */
    rolledBackAt: number | null;
    /** First of the K consecutive healthy rounds. */
    recoveredAt: number | null;
    finishedAt: number;
  };
  recovery: {
    targetMs: number;
    maxWaitMs: number;
    intervalMs: number;
    healthyRounds: number;
    measuredMs: number | null;
    rounds: number;
  };
  rollbackFailures: Array<{ undo: string; message: string }>;
  error?: { message: string; hint?: string; exitCode: number };
  events: TimelineEvent[];
}
