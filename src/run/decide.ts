// The one function that decides a run's outcome (status, exit code, reason):
// from what the executor ran (one k6, or N runners) and then each run
// extension's say, folded in a fixed order: a live gate's stop, the chaos
// experiment's result and users' recovery, the gates' and invariants'
// problems. The rules themselves are small pure functions beside their data
// (verdict/outcome.ts, verdict/system.ts, live-run/outcome.ts); only this
// file combines them. Pure.
import { ExitCode } from '../errors.ts';
import { describeK6Exit } from '../k6/exit-codes.ts';
import { decideOutcome, type RunOutcome, type RunOutcomeInput } from '../verdict/outcome.ts';
import { withLiveAbort, withSystemProblems, type SystemProblem } from '../verdict/system.ts';
import { decideLiveRunOutcome, type LiveRunOutcomeInput } from '../live-run/outcome.ts';

/** What the executor ran, as the outcome is decided from it. */
export interface OutcomeFacts {
  k6: RunOutcomeInput;
  /** --runners: a runner that failed, or setup() that failed, decides before the figures. */
  runners?: {
    interrupted: boolean;
    failure?: { reason: string; exitCode: number | null; signal: string | null };
    setupError?: string;
  };
}

/** A run extension's say in the verdict. */
export type Say =
  /** A live gate stopped the load (its reason): k6's "interrupted" is then that gate failing. */
  | { kind: 'stopped-by'; reason: string }
  /** The chaos experiment under the load and users' recovery. */
  | { kind: 'chaos'; chaos: Omit<LiveRunOutcomeInput, 'run'> }
  /** Failed or unjudgeable gates and invariants. */
  | { kind: 'problems'; problems: readonly SystemProblem[] };

const order: Record<Say['kind'], number> = { 'stopped-by': 0, chaos: 1, problems: 2 };

export function decideRunOutcome(facts: OutcomeFacts, says: readonly Say[] = []): RunOutcome {
  let outcome = (facts.runners && runnersFirst(facts.runners)) || decideOutcome(facts.k6);
  const problems: SystemProblem[] = [];
  for (const say of [...says].sort((a, b) => order[a.kind] - order[b.kind])) {
    if (say.kind === 'stopped-by') outcome = withLiveAbort(outcome, say.reason);
    else if (say.kind === 'chaos') outcome = decideLiveRunOutcome({ run: outcome, ...say.chaos });
    else problems.push(...say.problems);
  }
  return withSystemProblems(outcome, problems);
}

/** A runner that died, never got ready or never reported fails the run with that reason, whatever the figures say. */
function runnersFirst(r: NonNullable<OutcomeFacts['runners']>): RunOutcome | undefined {
  if (r.interrupted) return undefined;
  if (r.failure) {
    // A runner whose script broke is a script error (5), as with one k6.
    const script = describeK6Exit(r.failure.exitCode, r.failure.signal).loadctl === ExitCode.Script;
    return script
      ? { status: 'script-error', exitCode: ExitCode.Script, reason: r.failure.reason }
      : { status: 'failed', exitCode: ExitCode.Failed, reason: r.failure.reason };
  }
  if (r.setupError !== undefined) return { status: 'script-error', exitCode: ExitCode.Script, reason: `setup() failed on runner 0: ${r.setupError}` };
  return undefined;
}
