// The runners executor (--runners N, local or Docker): N k6 runners over the
// same bundle, their summaries merged and judged as one test. The pipeline
// builds the report from what this returns, as for a single k6.
import { writeFile } from 'node:fs/promises';
import { locateK6 } from '../k6/locate.ts';
import type { Executed, Executor } from '../run/executor.ts';
import { runWithRunners, type RunnersOption, type RunnersStepResult } from './step.ts';
import { combinedExitCode } from './verdict.ts';

export function runnersExecutor(option: RunnersOption): Executor {
  return {
    locate: (o) => locateK6({ k6Path: o.k6Path, env: o.env, cwd: o.cwd, signal: o.signal }),
    async run({ profile, request, runDir, files, k6, cwd, signals }) {
      const step = await runWithRunners({
        option,
        k6Path: request.k6Path, scriptPath: request.scriptPath, runDir,
        outputs: request.outputs ?? [], extraArgs: request.extraArgs ?? [], env: request.env ?? {}, cwd,
        k6Options: profile.k6Options, targets: profile.targets, ...(profile.allowNoSamples ? { allowNoSamples: profile.allowNoSamples } : {}),
        ...(signals ? { signals } : {}),
        ...(k6?.version.text ? { k6Version: k6.version.text } : {}),
      });
      await writeFile(files.command, `${step.run.runners.map((r) => `# runner ${r.id} (${r.segment})\n${r.commandLine}`).join('\n')}\n`);
      return runnersExecuted(step, step.run.runners[0]?.argv ?? []);
    },
  };
}

/** The runners' merged step as executor facts (also what `loadctl k8s --apply` judges its pods by). */
export function runnersExecuted(step: Omit<RunnersStepResult, 'commandLine'>, argv: string[]): Executed {
  return {
    k6: {
      argv,
      // The runners' worst exit (a slice's own 99 does not count); the merged verdict is in the outcome.
      exitCode: step.run.failure?.exitCode ?? (step.run.interrupted ? 105 : combinedExitCode(step.run.runners.map((r) => r.exitCode))),
      signal: step.run.failure?.signal ?? null,
      durationMs: step.run.endedAt - step.run.startedAt,
    },
    summary: step.results ? { source: step.results.source, file: step.results.source === 'live-feed' ? 'timeline.json (the live feed: no runner wrote a summary)' : 'runners/*/summary.json (merged)' } : undefined,
    summaryError: step.results ? undefined : step.block.list.map((r) => `runner ${r.id}: ${r.summaryError ?? 'no summary'}`).join('; '),
    results: step.results,
    verdict: step.verdict,
    facts: step.facts,
    runners: step.block,
  };
}
