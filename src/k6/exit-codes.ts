// k6's process exit codes as data (from k6's errext/exitcodes, listed in
// test/fixtures/k6/README.md's source), each mapped to the loadctl exit code a
// CI job should see. Keeping this a table means the README, the runner and the
// tests all read one source, and a new k6 code is a one-line change.
import { ExitCode, type ExitCodeValue } from '../errors.ts';

export type K6Outcome = 'passed' | 'thresholds' | 'interrupted' | 'script' | 'timeout' | 'usage' | 'internal';

export interface K6ExitCode {
  code: number;
  /** k6's own name for it (errext/exitcodes). */
  name: string;
  meaning: string;
  outcome: K6Outcome;
  loadctl: ExitCodeValue;
}

export const k6ExitCodes: readonly K6ExitCode[] = [
  { code: 0, name: 'Success', meaning: 'test finished, all thresholds held', outcome: 'passed', loadctl: ExitCode.Ok },
  { code: 97, name: 'CloudTestRunFailed', meaning: 'cloud test run failed', outcome: 'internal', loadctl: ExitCode.Failed },
  { code: 98, name: 'CloudFailedToGetProgress', meaning: 'could not get cloud test progress', outcome: 'internal', loadctl: ExitCode.Environment },
  { code: 99, name: 'ThresholdsHaveFailed', meaning: 'thresholds failed', outcome: 'thresholds', loadctl: ExitCode.Failed },
  { code: 100, name: 'SetupTimeout', meaning: 'setup() timed out', outcome: 'timeout', loadctl: ExitCode.Script },
  { code: 101, name: 'TeardownTimeout', meaning: 'teardown() timed out', outcome: 'timeout', loadctl: ExitCode.Script },
  { code: 102, name: 'GenericTimeout', meaning: 'a k6 operation timed out', outcome: 'timeout', loadctl: ExitCode.Failed },
  { code: 103, name: 'GenericEngine', meaning: 'stopped from the REST API or an engine error', outcome: 'interrupted', loadctl: ExitCode.Interrupted },
  { code: 104, name: 'InvalidConfig', meaning: 'invalid k6 configuration or options', outcome: 'script', loadctl: ExitCode.Script },
  { code: 105, name: 'ExternalAbort', meaning: 'aborted by a signal (SIGINT/SIGTERM)', outcome: 'interrupted', loadctl: ExitCode.Interrupted },
  { code: 106, name: 'CannotStartRESTAPI', meaning: 'could not start the REST API (port in use?)', outcome: 'internal', loadctl: ExitCode.Environment },
  { code: 107, name: 'ScriptException', meaning: 'the script threw an exception or did not parse', outcome: 'script', loadctl: ExitCode.Script },
  { code: 108, name: 'ScriptAborted', meaning: 'the script called test.abort()', outcome: 'interrupted', loadctl: ExitCode.Interrupted },
  { code: 109, name: 'GoPanic', meaning: 'k6 crashed (Go panic)', outcome: 'internal', loadctl: ExitCode.Failed },
  { code: 110, name: 'MarkedAsFailed', meaning: 'the script called exec.test.fail()', outcome: 'thresholds', loadctl: ExitCode.Failed },
  // Not in errext/exitcodes: k6 exits -1 for an error that carries no code,
  // which is its command line refused (unknown flag, bad value, no such output).
  { code: 255, name: 'CommandLine', meaning: 'k6 refused its command line (unknown flag, bad flag value)', outcome: 'usage', loadctl: ExitCode.Usage },
];

const byCode = new Map(k6ExitCodes.map((entry) => [entry.code, entry]));

/** The table row for a k6 exit code, or a synthetic one for codes k6 does not document. */
export function describeK6Exit(code: number | null, signal?: string | null): K6ExitCode {
  if (code !== null) {
    const known = byCode.get(code);
    if (known) return known;
  }
  if (signal) {
    // k6 killed by a signal it could not handle (SIGKILL, or a second SIGINT).
    return { code: -1, name: 'Killed', meaning: `k6 was killed by ${signal}`, outcome: 'interrupted', loadctl: ExitCode.Interrupted };
  }
  return {
    code: code ?? -1,
    name: 'Unknown',
    meaning: `k6 exited with undocumented code ${code ?? 'none'}`,
    outcome: 'internal',
    loadctl: ExitCode.Failed,
  };
}

/** One line for a human: "k6 exited 99 (ThresholdsHaveFailed: thresholds failed)". */
export function formatK6Exit(code: number | null, signal?: string | null): string {
  const entry = describeK6Exit(code, signal);
  if (code === null && signal) return `k6 was killed by ${signal}`;
  return `k6 exited ${code ?? '?'} (${entry.name}: ${entry.meaning})`;
}

/** Markdown rows for docs and `--help`: k6 code, meaning, loadctl code. */
export function k6ExitCodeMarkdown(): string {
  const rows = k6ExitCodes.map((e) => `| ${e.code} | ${e.name} | ${e.meaning} | ${e.loadctl} |`);
  return ['| k6 exit | k6 name | meaning | loadctl exit |', '|---|---|---|---|', ...rows].join('\n');
}
