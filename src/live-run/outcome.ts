// The chaos experiment's rule for a run's outcome: k6's outcome (targets,
// thresholds), the chaos engine's result (rollback, probes) and the users'
// recovery measured on the live timeline. Pure; src/run/decide.ts, the one
// function that decides a run's outcome, applies it as the chaos say.
import { ExitCode, type ExitCodeValue } from '../errors.ts';
import type { ChaosResult } from '../chaos/engine-types.ts';
import type { RecoveryFigures } from '../live/phases.ts';
import type { RunOutcome, RunStatus } from '../verdict/outcome.ts';

/** What happened on the chaos side of a run under load. */
export type ChaosSide =
  | { ran: true; result: Pick<ChaosResult, 'experiment' | 'status' | 'rollbackFailures' | 'error' | 'recovery'> }
  /** The fault was never injected: the load ended first, Ctrl-C before it, or the engine refused to start. */
  | { ran: false; experiment: string; reason: string; exitCode?: ExitCodeValue };

export interface LiveRunOutcomeInput {
  run: RunOutcome;
  chaos: ChaosSide;
  /** Users' recovery from the live timeline; null when there was no data to judge. */
  recovery: Pick<RecoveryFigures, 'verdict' | 'reason'> | null;
  /** Why there is no recovery figure, when there is none. */
  noRecoveryReason?: string;
  /**
   * The load was stopped before its end by a failure (a runner died): a
   * "never recovered" then only says nobody was left to send requests.
   */
  loadStopped?: boolean;
  /** A live gate stopped the run (its name): an interrupted experiment is then that gate's doing, not the user's. */
  stoppedBy?: string;
}

const rank: Record<number, number> = {
  [ExitCode.Environment]: 6, [ExitCode.Interrupted]: 5, [ExitCode.Script]: 4, [ExitCode.Usage]: 3, [ExitCode.Failed]: 2, [ExitCode.Ok]: 0,
};

const statusOf: Record<number, RunStatus> = {
  [ExitCode.Ok]: 'passed', [ExitCode.Failed]: 'failed', [ExitCode.Usage]: 'usage-error', [ExitCode.Environment]: 'environment-error',
  [ExitCode.Interrupted]: 'interrupted', [ExitCode.Script]: 'script-error',
};

/**
 * Every problem is listed in the reason; the exit code is the gravest one.
 * A rollback that did not finish outranks all (something may still be broken),
 * then an interruption, then errors, then failed verdicts.
 */
export function decideLiveRunOutcome(input: LiveRunOutcomeInput): RunOutcome {
  const problems: Array<{ code: ExitCodeValue; reason: string }> = [];
  if (input.run.exitCode !== ExitCode.Ok) problems.push({ code: input.run.exitCode, reason: input.run.reason });
  const { chaos } = input;
  if (!chaos.ran && input.stoppedBy && chaos.exitCode === ExitCode.Interrupted) {
    problems.push({ code: ExitCode.Failed, reason: `${chaos.experiment} was not injected: ${input.stoppedBy} stopped the run first` });
  } else if (!chaos.ran) {
    problems.push({ code: chaos.exitCode ?? ExitCode.Failed, reason: `${chaos.experiment} was not injected: ${chaos.reason}` });
  } else {
    const r = chaos.result;
    if (r.rollbackFailures.length > 0) {
      problems.push({ code: ExitCode.Environment, reason: `rollback incomplete (${r.rollbackFailures.length} undo step(s) failed): run \`loadctl chaos recover\`` });
    }
    switch (r.status) {
      case 'interrupted': problems.push(input.stoppedBy
        ? { code: ExitCode.Failed, reason: `${r.experiment} stopped early by ${input.stoppedBy}; every fault was rolled back` }
        : { code: ExitCode.Interrupted, reason: `${r.experiment} interrupted; every fault was rolled back` }); break;
      case 'error': problems.push({ code: (r.error?.exitCode as ExitCodeValue | undefined) ?? ExitCode.Environment, reason: `${r.experiment}: ${r.error?.message ?? 'error'}` }); break;
      case 'steady-state-failed': problems.push({ code: ExitCode.Environment, reason: `${r.experiment}: a probe failed before injection, nothing was broken` }); break;
      case 'failed': problems.push({
        code: ExitCode.Failed,
        reason: r.recovery.measuredMs === null
          ? `${r.experiment}: the probes never saw the containers healthy again`
          : `${r.experiment}: containers recovered in ${r.recovery.measuredMs} ms, over the ${r.recovery.targetMs} ms target`,
      }); break;
      case 'passed': break;
    }
    if (r.status === 'passed' || r.status === 'failed') {
      if (input.recovery === null) {
        problems.push({ code: ExitCode.Failed, reason: `user-visible recovery could not be measured (${input.noRecoveryReason ?? 'no live data'})` });
      } else if (input.recovery.verdict !== 'pass' && input.loadStopped) {
        // Stopped by a failure with the fault in: too few seconds followed the rollback to judge, whichever word the phases used.
        problems.push({ code: ExitCode.Failed, reason: 'users\' recovery was not measured: the load was stopped with the fault in' });
      } else if (input.recovery.verdict === 'fail') {
        problems.push({ code: ExitCode.Failed, reason: input.recovery.reason });
      }
    }
  }
  if (problems.length === 0) {
    const recovered = input.recovery ? `; ${input.recovery.reason}` : '';
    return { status: 'passed', exitCode: ExitCode.Ok, reason: `${input.run.reason}${recovered}` };
  }
  const worst = problems.reduce((a, b) => ((rank[b.code] ?? 0) > (rank[a.code] ?? 0) ? b : a));
  const status = worst.code === input.run.exitCode ? input.run.status : statusOf[worst.code] ?? 'failed';
  return { status, exitCode: worst.code, reason: problems.map((p) => p.reason).join('; ') };
}
