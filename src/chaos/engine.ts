// The chaos engine: steady state, then plan -> journal -> apply -> hold for
// each step, then the undo stack unwound newest first in `finally`, then
// recovery probes. It prints nothing: it reports through callbacks and returns
// the result; the command (or `loadctl run --chaos`) decides what to show.
import { join } from 'node:path';
import { ExitCode, LoadctlError } from '../errors.ts';
import type { Experiment } from './experiment-schema.ts';
import type { Fault, FaultFactory } from './fault.ts';
import { acquireLock, appendRecord, assertNothingPending, rotateIfLarge } from './journal.ts';
import { runProbeRound, type ExecInContainer, type ProbeResult } from './probes.ts';
import { abortableSleep, measureRecovery } from './recovery.ts';
import { describeUndo, UndoStack } from './rollback.ts';
import { ContainerGoneError } from '../docker/errors.ts';
import type { ChaosResult, Phase, ResolvedTarget, StepResult, TimelineEvent } from './engine-types.ts';
import type { ContainerRef, UndoSpec } from './types.ts';

export interface EngineDeps {
  faults: FaultFactory;
  /** Runs exec probes inside containers (the Docker adapter). */
  exec: ExecInContainer;
  /** The .loadctl directory: journal and lock live there. */
  stateDir: string;
  runId: string;
  /** Starts the detached process that undoes faults if this one dies. */
  startWatchdog?(info: { journal: string; runId: string }): void;
  /** Ctrl-C / SIGTERM: the engine stops holding, rolls back, and returns. */
  signal?: AbortSignal;
  /**
   * The load under the fault is gone (a runner died): stop holding, roll back
   * and measure recovery as usual. Not an interruption: nobody asked to stop.
   */
  endHold?: AbortSignal;
  now?(): number;
  sleep?(ms: number, signal?: AbortSignal): Promise<void>;
}

export interface EngineCallbacks {
  onEvent?(event: TimelineEvent): void;
}

export async function resolveTargets(experiment: Experiment, faults: Pick<FaultFactory, 'resolve'>): Promise<ResolvedTarget[]> {
  const out: ResolvedTarget[] = [];
  for (const [ref, selector] of Object.entries(experiment.targets)) {
    out.push({ ref, selector, containers: await faults.resolve(selector) });
  }
  return out;
}

/** For --dry-run: what each step would do and how it would be undone. Touches nothing. */
export async function planExperiment(experiment: Experiment, faults: Pick<FaultFactory, 'resolve' | 'create'>) {
  const targets = await resolveTargets(experiment, faults);
  const steps = [];
  for (const step of experiment.steps) {
    const containers = containersOf(targets, step.target);
    const plan = await faults.create(step.fault, containers, step.durationMs).plan();
    steps.push({ ...step, intent: plan.intent, undo: plan.undo, undoLines: [...plan.undo].reverse().map(describeUndo) });
  }
  return { targets, steps };
}

export async function runExperiment(experiment: Experiment, deps: EngineDeps, callbacks: EngineCallbacks = {}): Promise<ChaosResult> {
  const now = deps.now ?? Date.now;
  const sleep = deps.sleep ?? abortableSleep;
  const journal = join(deps.stateDir, 'chaos-journal');
  const events: TimelineEvent[] = [];
  const emit = (event: TimelineEvent) => {
    events.push(event);
    // A display bug in a callback must never skip a rollback.
    try { callbacks.onEvent?.(event); } catch { /* the event is still in result.events */ }
  };
  const aborted = () => deps.signal?.aborted === true;
  const holdSignal = deps.endHold && deps.signal ? AbortSignal.any([deps.signal, deps.endHold]) : deps.endHold ?? deps.signal;

  assertNothingPending(journal);
  const release = acquireLock(join(deps.stateDir, 'chaos.lock'));
  rotateIfLarge(journal);
  const result: ChaosResult = {
    experiment: experiment.name, runId: deps.runId, status: 'passed', targets: [], steadyState: [],
    steps: experiment.steps.map((s): StepResult => ({ name: s.name, target: s.target, fault: s.fault, durationMs: s.durationMs })),
    timeline: { startedAt: now(), injectedAt: null, rolledBackAt: null, recoveredAt: null, finishedAt: 0 },
    recovery: {
      targetMs: experiment.recovery.targetMs, maxWaitMs: experiment.recovery.maxWaitMs, intervalMs: experiment.recovery.intervalMs,
      healthyRounds: experiment.recovery.healthyRounds, measuredMs: null, rounds: 0,
    },
    rollbackFailures: [], events,
  };
  const finish = () => { result.timeline.finishedAt = now(); return result; };
  try {
    result.targets = await resolveTargets(experiment, deps.faults);
    emit({ type: 'resolved', at: now(), targets: result.targets });
    const byRef = Object.fromEntries(result.targets.map((t) => [t.ref, t.containers]));
    const round = () => runProbeRound(experiment.probes, { targets: byRef, exec: deps.exec, signal: deps.signal });

    const steady = await round();
    result.steadyState = steady;
    emit({ type: 'steady-state', at: now(), ok: steady.every((r) => r.ok), results: steady });
    if (aborted()) return interrupted(result, emit, now, 'steady-state', finish);
    if (!steady.every((r) => r.ok)) {
      result.status = 'steady-state-failed';
      return finish();
    }

    const stack = new UndoStack();
    const applied: Array<{ step: number; fault: Fault }> = [];
    let phase: Phase = 'inject';
    let current = -1;
    try {
      for (const [i, step] of experiment.steps.entries()) {
        if (aborted() || deps.endHold?.aborted) break;
        phase = 'inject';
        current = i;
        const fault = deps.faults.create(step.fault, containersOf(result.targets, step.target), step.durationMs);
        const plan = await fault.plan();
        Object.assign(result.steps[i] as StepResult, { intent: plan.intent, undo: plan.undo });
        emit({ type: 'planned', at: now(), step: i, name: step.name, intent: plan.intent, undo: plan.undo });
        const id = `${deps.runId}/${i}`;
        const heldFromHere = experiment.steps.slice(i).reduce((sum, s) => sum + s.durationMs, 0);
        appendRecord(journal, {
          type: 'intent', id, runId: deps.runId, experiment: experiment.name, pid: process.pid, step: i,
          intent: plan.intent, undo: plan.undo, at: now(), deadline: now() + heldFromHere + experiment.watchdogGraceMs,
        });
        stack.push(id, plan.undo);
        if (i === 0) deps.startWatchdog?.({ journal, runId: deps.runId });
        applied.push({ step: i, fault });
        // The fault starts to bite during apply (a stop is under way before the
        // API call returns), so the window users see opens when apply begins.
        const injectedAt = now();
        await fault.apply();
        const appliedAt = now();
        appendRecord(journal, { type: 'extend', id: `${deps.runId}/extend`, runId: deps.runId, deadline: appliedAt + heldFromHere + experiment.watchdogGraceMs, at: appliedAt });
        Object.assign(result.steps[i] as StepResult, { injectedAt, appliedAt });
        result.timeline.injectedAt ??= injectedAt;
        emit({ type: 'injected', at: injectedAt, step: i, name: step.name, intent: plan.intent, durationMs: step.durationMs });
        phase = 'hold';
        await sleep(step.durationMs, holdSignal);
      }
    } catch (error) {
      result.status = 'error';
      result.error = errorInfo(error);
      emit({ type: 'step-failed', at: now(), step: current, message: result.error.message });
    } finally {
      // Runs on success, error and abort alike; a second Ctrl-C cannot skip it
      // because the command keeps its signal handlers until this returns.
      emit({ type: 'rollback-started', at: now(), undos: stack.size });
      const { failures, moot } = await stack.unwind((spec) => deps.faults.undo(spec), {
        onUndo: (spec, error, gone) => emit({
          type: 'undo', at: now(), spec, ok: error === undefined || gone === true,
          ...(error === undefined ? {} : { error: message(error) }), ...(gone ? { gone: true } : {}),
        }),
        onEntryDone: (id) => appendRecord(journal, { type: 'done', id, at: now(), by: 'engine' }),
        isMoot: isContainerGone,
      });
      result.rollbackFailures = failures.map((f) => ({ undo: describeUndo(f.spec), message: message(f.error) }));
      if (moot.length > 0 && result.status !== 'error') {
        // Removed mid-experiment: nothing to put back, but nothing to probe either.
        result.status = 'error';
        result.error = errorInfo(moot[0]?.error);
      }
      result.timeline.rolledBackAt = now();
      emit({ type: 'rolled-back', at: result.timeline.rolledBackAt, failures: failures.length });
    }
    for (const { step, fault } of applied) {
      if (!fault.observe) continue;
      try {
        const observations = await fault.observe();
        (result.steps[step] as StepResult).observations = observations;
        emit({ type: 'observed', at: now(), step, observations });
      } catch (error) {
        (result.steps[step] as StepResult).observations = { observeError: message(error) };
      }
    }
    if (aborted()) return interrupted(result, emit, now, phase, finish);
    if (result.rollbackFailures.length > 0 && result.status !== 'error') {
      // Probing a system that was not put back would only time out.
      result.status = 'error';
      result.error = { message: `rollback incomplete: ${result.rollbackFailures.length} undo step(s) failed`, hint: 'loadctl chaos recover', exitCode: ExitCode.Environment };
    }
    if (result.status === 'error' || result.timeline.injectedAt === null) return finish();

    const rolledBackAt = result.timeline.rolledBackAt ?? now();
    const outcome = await measureRecovery({
      rolledBackAt, intervalMs: experiment.recovery.intervalMs, healthyRounds: experiment.recovery.healthyRounds,
      maxWaitMs: experiment.recovery.maxWaitMs, now, sleep, signal: deps.signal,
      round: async () => {
        const at = now();
        const results = await round();
        const healthy = results.every((r) => r.ok);
        emit({ type: 'probe-round', at, healthy, results });
        return healthy;
      },
    });
    result.recovery.rounds = outcome.rounds.length;
    if (outcome.interrupted) return interrupted(result, emit, now, 'recovery', finish);
    result.timeline.recoveredAt = outcome.recoveredAt;
    result.recovery.measuredMs = outcome.recoveryMs;
    if (outcome.recoveryMs === null) {
      emit({ type: 'not-recovered', at: now(), waitedMs: now() - rolledBackAt });
      result.status = 'failed';
    } else {
      emit({ type: 'recovered', at: outcome.recoveredAt ?? now(), recoveryMs: outcome.recoveryMs });
      result.status = outcome.recoveryMs <= experiment.recovery.targetMs ? 'passed' : 'failed';
    }
    return finish();
  } finally {
    release();
  }
}

function interrupted(result: ChaosResult, emit: (e: TimelineEvent) => void, now: () => number, phase: Phase, finish: () => ChaosResult): ChaosResult {
  result.status = 'interrupted';
  emit({ type: 'interrupted', at: now(), phase });
  return finish();
}

/** A removed container cannot be restored and needs no restoring: its undo is moot. */
export function isContainerGone(error: unknown): boolean {
  return error instanceof ContainerGoneError;
}

function containersOf(targets: ResolvedTarget[], ref: string): ContainerRef[] {
  return targets.find((t) => t.ref === ref)?.containers ?? [];
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function errorInfo(error: unknown): { message: string; hint?: string; exitCode: number } {
  if (error instanceof LoadctlError) return { message: error.message, ...(error.hint ? { hint: error.hint } : {}), exitCode: error.exitCode };
  return { message: message(error), exitCode: ExitCode.Environment };
}

/** The one place a chaos result becomes an exit code (same table as `loadctl run`). */
export function exitCodeFor(result: Pick<ChaosResult, 'status' | 'rollbackFailures' | 'error'>): number {
  // Something may still be broken: that outranks every other outcome.
  if (result.rollbackFailures.length > 0) return ExitCode.Environment;
  switch (result.status) {
    case 'passed': return ExitCode.Ok;
    case 'failed': return ExitCode.Failed;
    case 'steady-state-failed': return ExitCode.Environment;
    case 'interrupted': return ExitCode.Interrupted;
    case 'error': return result.error?.exitCode ?? ExitCode.Environment;
  }
}

export type { ChaosResult, TimelineEvent, ProbeResult, UndoSpec };
