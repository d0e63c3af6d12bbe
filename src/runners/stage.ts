// The pipeline's k6 step with --runners: run the runners, write the report
// and result.json in the run folder, the same shape a single k6 leaves.
import { writeFile } from 'node:fs/promises';
import { relative } from 'node:path';
import type { LocatedK6 } from '../k6/locate.ts';
import type { K6RunRequest } from '../k6/run.ts';
import type { ResolvedProfile } from '../profiles/types.ts';
import { renderJson } from '../report/json.ts';
import type { RunReport } from '../report/model.ts';
import type { PipelineResult, RunPipelineOptions } from '../run/pipeline.ts';
import type { runFiles } from '../shared/run-folder.ts';
import { runWithRunners, type RunnersStepResult } from './step.ts';
import { combinedExitCode } from './verdict.ts';

export interface RunnersStageInput {
  options: RunPipelineOptions;
  profile: ResolvedProfile;
  runDir: string;
  files: ReturnType<typeof runFiles>;
  request: K6RunRequest;
  k6: LocatedK6 | undefined;
  startedAt: Date;
  now: () => Date;
}

export async function runRunnersStage(input: RunnersStageInput): Promise<Extract<PipelineResult, { kind: 'ran' }>> {
  const { options, profile, request } = input;
  const step = await runWithRunners({
    option: options.runners!,
    k6Path: request.k6Path, scriptPath: request.scriptPath, runDir: input.runDir,
    outputs: request.outputs ?? [], extraArgs: request.extraArgs ?? [], env: request.env ?? {}, cwd: options.cwd,
    k6Options: profile.k6Options, targets: profile.targets,
    ...(options.signals ? { signals: options.signals } : {}),
    ...(input.k6?.version.text ? { k6Version: input.k6.version.text } : {}),
  });
  await writeFile(input.files.command, `${step.run.runners.map((r) => `# runner ${r.id} (${r.segment})\n${r.commandLine}`).join('\n')}\n`);
  const first = step.run.runners[0];
  const report = runnersReport({
    profile, cwd: options.cwd, startedAt: input.startedAt, endedAt: input.now(), runDir: input.runDir, step,
    k6: { path: request.k6Path, version: input.k6?.version.text, argv: first?.argv ?? [] },
  });
  const resultJson = renderJson(report);
  await writeFile(input.files.result, resultJson);
  return { kind: 'ran', runDir: input.runDir, report, resultJson };
}

export interface RunnersReportInput {
  profile: ResolvedProfile;
  cwd: string;
  startedAt: Date;
  endedAt: Date;
  runDir: string;
  k6: Pick<RunReport['k6'], 'path' | 'version' | 'argv'>;
  step: Omit<RunnersStepResult, 'commandLine'>;
}

/** The run's report, the same shape a single k6 leaves, from the runners' merged step. Pure. */
export function runnersReport(input: RunnersReportInput): RunReport {
  const { profile, step } = input;
  return {
    profile: { name: profile.name, description: profile.description, scenario: profile.scenario, file: relative(input.cwd, profile.file) || profile.file },
    startedAt: input.startedAt.toISOString(),
    endedAt: input.endedAt.toISOString(),
    runDir: input.runDir,
    k6: {
      ...input.k6,
      // The runners' worst exit (a slice's own 99 does not count); the merged verdict is in outcome.
      exitCode: step.run.failure?.exitCode ?? (step.run.interrupted ? 105 : combinedExitCode(step.run.runners.map((r) => r.exitCode))),
      signal: step.run.failure?.signal ?? null,
      durationMs: step.run.endedAt - step.run.startedAt,
    },
    summary: step.results ? { source: step.results.source, file: step.results.source === 'live-feed' ? 'timeline.json (the live feed: no runner wrote a summary)' : 'runners/*/summary.json (merged)' } : undefined,
    summaryError: step.results ? undefined : step.block.list.map((r) => `runner ${r.id}: ${r.summaryError ?? 'no summary'}`).join('; '),
    results: step.results,
    verdict: step.verdict,
    outcome: step.outcome,
    runners: step.block,
  };
}
