// The system side of the verdict: the rules by which failed Prometheus gates,
// broken invariants and a live gate's stop change a run's outcome. Pure;
// src/run/decide.ts applies them, once.
import { ExitCode, type ExitCodeValue } from '../errors.ts';
import type { RunOutcome } from './outcome.ts';

export interface SystemProblem {
  /** 1: a gate or invariant failed; 3: it could not be judged (Prometheus, database away). */
  code: 1 | 3;
  reason: string;
}

/**
 * A passed run takes the gravest problem's code; a failed one (exit 1)
 * becomes an environment error when a check could not be judged; any other
 * outcome (interrupted, script error...) keeps its code. Every reason is kept.
 */
export function withSystemProblems(outcome: RunOutcome, problems: readonly SystemProblem[]): RunOutcome {
  if (problems.length === 0) return outcome;
  const worst = problems.some((p) => p.code === 3) ? ExitCode.Environment : ExitCode.Failed;
  const reasons = problems.map((p) => p.reason).join('; ');
  if (outcome.exitCode === ExitCode.Ok) {
    return { status: worst === ExitCode.Failed ? 'failed' : 'environment-error', exitCode: worst as ExitCodeValue, reason: reasons };
  }
  if (outcome.exitCode === ExitCode.Failed && worst === ExitCode.Environment) {
    return { status: 'environment-error', exitCode: ExitCode.Environment, reason: `${outcome.reason}; ${reasons}` };
  }
  return { ...outcome, reason: `${outcome.reason}; ${reasons}` };
}

/**
 * A live gate stopped the run: k6's "interrupted" (loadctl's own SIGINT) is
 * the gate failing, exit 1, as k6's own abortOnFail threshold is (k6 exit 99).
 * A run that had failed already stays failed with both reasons; a graver
 * outcome (script or environment error) keeps its code.
 */
export function withLiveAbort(outcome: RunOutcome, reason: string): RunOutcome {
  if (outcome.status === 'interrupted' || outcome.exitCode === ExitCode.Ok) {
    return { status: 'failed', exitCode: ExitCode.Failed, reason: `${reason}; k6 was stopped early, its figures cover the run until then` };
  }
  return { ...outcome, reason: `${reason}; ${outcome.reason}` };
}
