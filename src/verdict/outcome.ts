// The load's own outcome (status word and exit code) from k6's exit, whether
// a summary was read, and the verdict. Pure; src/run/decide.ts, the one
// function that decides a run's outcome, starts from it.
import { ExitCode, type ExitCodeValue } from '../errors.ts';
import { describeK6Exit } from '../k6/exit-codes.ts';
import type { Verdict } from './judge.ts';

export type RunStatus = 'passed' | 'failed' | 'interrupted' | 'script-error' | 'usage-error' | 'environment-error' | 'no-summary';

export interface RunOutcomeInput {
  k6ExitCode: number | null;
  k6Signal: string | null;
  /** loadctl forwarded a SIGINT/SIGTERM from the user to k6. */
  interrupted: boolean;
  summaryRead: boolean;
  verdict: Verdict;
  /** k6's own line for the error that stopped it (from its stderr), if it logged one. */
  k6Error?: string;
}

export interface RunOutcome {
  status: RunStatus;
  exitCode: ExitCodeValue;
  /** One line saying why, for the console and the result document. */
  reason: string;
}

/**
 * k6 refused the script or its command line and sent no load: there are no
 * figures, so a table of "no summary" rows or a silent live feed says nothing.
 */
export function stoppedBeforeLoad(outcome: Pick<RunOutcome, 'status'>, summaryRead: boolean): boolean {
  return !summaryRead && (outcome.status === 'script-error' || outcome.status === 'usage-error');
}

export function decideOutcome(input: RunOutcomeInput): RunOutcome {
  const k6 = describeK6Exit(input.k6ExitCode, input.k6Signal);
  const k6Text = input.k6ExitCode === null ? k6.meaning : `k6 exited ${input.k6ExitCode} (${k6.meaning})`;
  if (input.interrupted || k6.loadctl === ExitCode.Interrupted) {
    return { status: 'interrupted', exitCode: ExitCode.Interrupted, reason: input.interrupted ? 'interrupted by the user; results are partial' : k6Text };
  }
  // k6's own reason belongs in the line people read, not only in k6.stderr.log.
  const why = input.k6Error ? `: ${input.k6Error}` : '';
  if (k6.loadctl === ExitCode.Script) return { status: 'script-error', exitCode: ExitCode.Script, reason: `${k6Text}${why}` };
  if (k6.loadctl === ExitCode.Usage) {
    return { status: 'usage-error', exitCode: ExitCode.Usage, reason: input.k6Error ? `k6 rejected its command line: ${input.k6Error}` : k6Text };
  }
  if (k6.loadctl === ExitCode.Environment) return { status: 'environment-error', exitCode: ExitCode.Environment, reason: k6Text };
  if (!input.summaryRead) {
    // Never green without numbers: k6 may exit 0 when handleSummary broke.
    return { status: 'no-summary', exitCode: ExitCode.Failed, reason: `no k6 summary was read (${k6Text}); nothing could be judged` };
  }
  const { verdict } = input;
  if (k6.outcome === 'passed' && verdict.ok) return { status: 'passed', exitCode: ExitCode.Ok, reason: 'all targets met and all k6 thresholds held' };
  const parts: string[] = [];
  if (verdict.failedTargets > 0) parts.push(`${verdict.failedTargets} of ${verdict.targets.length} targets failed`);
  if (verdict.failedThresholds > 0) {
    const empty = verdict.emptyThresholds > 0 ? ` (${verdict.emptyThresholds === verdict.failedThresholds ? 'all' : verdict.emptyThresholds} on a metric with no samples)` : '';
    parts.push(`${verdict.failedThresholds} of ${verdict.thresholds.length} k6 thresholds failed${empty}`);
  }
  if (k6.outcome !== 'passed' && parts.length === 0) parts.push(k6Text);
  if (parts.length === 0) parts.push('the verdict failed');
  return { status: 'failed', exitCode: ExitCode.Failed, reason: parts.join('; ') };
}
