// The run's report, built in one place from what the executor ran (one k6,
// N runners, a cluster): every renderer and result.json read this shape.
import { relative } from 'node:path';
import type { ResolvedProfile } from '../profiles/types.ts';
import type { RunReport } from '../report/model.ts';
import { accountsHintFromResults } from '../verdict/hints.ts';
import { decideRunOutcome } from './decide.ts';
import type { Executed } from './executor.ts';

export interface ReportInput {
  profile: ResolvedProfile;
  cwd: string;
  startedAt: Date;
  endedAt: Date;
  runDir: string;
  /** The k6 that ran: a path (or an image and where it ran) and its version, when known. */
  k6: Pick<RunReport['k6'], 'path' | 'version'>;
  executed: Executed;
}

/** Pure. The outcome here is the load's alone; the run's extensions have their say when the run finishes. */
export function buildRunReport(input: ReportInput): RunReport {
  const { profile, executed } = input;
  const outcome = decideRunOutcome(executed.facts);
  const report: RunReport = {
    profile: { name: profile.name, description: profile.description, scenario: profile.scenario, file: relative(input.cwd, profile.file) || profile.file },
    startedAt: input.startedAt.toISOString(),
    endedAt: input.endedAt.toISOString(),
    runDir: input.runDir,
    k6: { ...input.k6, ...executed.k6 },
    summary: executed.summary,
    summaryError: executed.summaryError,
    results: executed.results,
    verdict: executed.verdict,
    outcome,
    ...(executed.runners ? { runners: executed.runners } : {}),
  };
  // The 401 hint reads one summary's figures; a runners run has kept without it so far.
  const hint = outcome.status === 'passed' || executed.runners ? undefined : accountsHintFromResults(executed.results, profile.env);
  if (hint) report.hints = [hint];
  return report;
}
