// The executor seam: what runs the load once the profile is bundled. One k6
// process (single.ts), N runners locally or in Docker (runners/stage.ts), or
// a fake in the unit tests: each takes the same input and returns plain facts,
// and the pipeline alone turns them into the run's report.
import type { LocatedK6 } from '../k6/locate.ts';
import type { K6RunCallbacks, K6RunRequest, SignalSource } from '../k6/run.ts';
import type { ResolvedProfile } from '../profiles/types.ts';
import type { RunReport } from '../report/model.ts';
import type { RunResults } from '../results/types.ts';
import type { runFiles } from '../shared/run-folder.ts';
import type { Verdict } from '../verdict/judge.ts';
import type { OutcomeFacts } from './decide.ts';

export interface ExecutorInput {
  profile: ResolvedProfile;
  runDir: string;
  files: ReturnType<typeof runFiles>;
  /** The k6 command every runner starts from (script, outputs, env, the user's flags). */
  request: K6RunRequest;
  k6: LocatedK6 | undefined;
  cwd: string;
  signals?: SignalSource;
}

/** What ran, as plain facts: the pipeline builds the report and decides the outcome from them. */
export interface Executed {
  k6: Pick<RunReport['k6'], 'argv' | 'exitCode' | 'signal' | 'durationMs' | 'error'>;
  summary: RunReport['summary'];
  summaryError: string | undefined;
  results: RunResults | undefined;
  verdict: Verdict;
  /** What the outcome is decided from (./decide.ts). */
  facts: OutcomeFacts;
  runners?: RunReport['runners'];
}

export interface Executor {
  /** Runs the load; `events.onSpawn` says when it started. Expected failures are facts, not throws. */
  run(input: ExecutorInput, events: K6RunCallbacks): Promise<Executed>;
  /** Finds the k6 it will run before anything is made (a missing k6 is exit 3 with no run folder). */
  locate(options: { k6Path?: string; env: NodeJS.ProcessEnv; cwd: string; signal: AbortSignal }): Promise<LocatedK6>;
}
