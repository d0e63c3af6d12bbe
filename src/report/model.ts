// What every renderer (table, JSON, JUnit, markdown) is given: one finished
// run, assembled by the run command. Renderers only read it.
import type { RunResults } from '../results/types.ts';
import type { Verdict } from '../verdict/judge.ts';
import type { RunOutcome } from '../verdict/outcome.ts';

export interface RunReport {
  profile: { name: string; description: string; scenario: string; file: string };
  /** ISO timestamps, taken by the caller (renderers read no clock). */
  startedAt: string;
  endedAt: string;
  runDir: string;
  k6: {
    path: string;
    version: string | undefined;
    argv: string[];
    exitCode: number | null;
    signal: string | null;
    /** Wall time of the k6 process. */
    durationMs: number;
    /** The first error k6 logged (its line and stack), when it logged one. */
    error?: { line: string; stack: string[] };
  };
  summary: { source: RunResults['source']; file: string } | undefined;
  /** Why no summary could be used, when none was. */
  summaryError: string | undefined;
  results: RunResults | undefined;
  verdict: Verdict;
  outcome: RunOutcome;
  /** Causes the figures make plain ("most failed requests were 401: run setup-users"). */
  hints?: string[];
  /** What the script's own handleSummary sent to stdout (k6 would print it). */
  scriptStdout?: string;
  /** Set when the test was split over several k6 runners (--runners). */
  runners?: import('../runners/verdict.ts').RunnersBlock;
}
