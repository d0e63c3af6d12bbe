// The single executor: one k6 process runs the whole test. Its stderr is read
// as it streams (k6's first logged error is why it stopped early), its
// summary read afterwards and judged against the profile's targets.
import { EnvironmentError } from '../errors.ts';
import { locateK6 } from '../k6/locate.ts';
import { buildK6Argv, runK6 } from '../k6/run.ts';
import { collectK6Errors } from '../k6/stderr.ts';
import { isObserverThreshold } from '../profiles/resolve.ts';
import { declaredThresholds, judge } from '../verdict/judge.ts';
import { allowNoSamplesMatcher } from '../verdict/thresholds.ts';
import type { Executor } from './executor.ts';
import { readRunSummary } from './summary-files.ts';

/** The k6 process boundary: finding k6 and running it (the unit tests pass a fake). */
export interface K6Process {
  locate: typeof locateK6;
  run: typeof runK6;
}

export const singleExecutor: Executor = createSingleExecutor({ locate: locateK6, run: runK6 });

export function createSingleExecutor(k6: K6Process): Executor {
  return {
    locate: (o) => k6.locate({ k6Path: o.k6Path, env: o.env, cwd: o.cwd, signal: o.signal }),

    async run({ profile, files, request, cwd, signals }, events) {
      // Kept from the stream so a long run's k6.stderr.log is never read back whole.
      const errors = collectK6Errors(cwd);
      const onStderrLine = (line: string) => { errors.add(line); events.onStderrLine?.(line); };
      const run = await k6.run(request, { ...events, onStderrLine }, signals);
      if (run.spawnError) {
        if (/E2BIG/.test(run.spawnError)) {
          throw new EnvironmentError(`could not start k6: its environment and arguments are too large for the system (E2BIG)`, {
            hint: 'shrink the profile\'s env and --env values (or large variables exported in this shell); keep data in a file the scenario open()s',
          });
        }
        throw new EnvironmentError(`could not start k6 at ${request.k6Path}: ${run.spawnError}`, { hint: 'check the binary with `loadctl doctor`' });
      }
      const summary = await readRunSummary(files);
      const verdict = judge(summary.results, profile.targets, declaredThresholds(profile.k6Options), {
        ignoreThreshold: isObserverThreshold, allowNoSamples: allowNoSamplesMatcher(profile.allowNoSamples ?? []),
      });
      const error = errors.first();
      return {
        k6: { argv: buildK6Argv(request), exitCode: run.exitCode, signal: run.signal, durationMs: run.durationMs, ...(error ? { error } : {}) },
        summary: summary.source,
        summaryError: summary.error,
        results: summary.results,
        verdict,
        facts: {
          k6: {
            k6ExitCode: run.exitCode, k6Signal: run.signal, interrupted: run.interrupted, summaryRead: summary.results !== undefined, verdict,
            ...(error ? { k6Error: error.line } : {}),
          },
        },
      };
    },
  };
}
