// The part of `loadctl run` that differs with --runners N: instead of one k6,
// N runners over the same bundle, then their summaries merged and judged as
// one test. Run by the runners executor (./stage.ts) once the bundle is ready.
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { SignalSource } from '../k6/run.ts';
import type { Target } from '../profiles/types.ts';
import { isObserverThreshold } from '../profiles/resolve.ts';
import { readRunSummary } from '../run/summary-files.ts';
import { declaredThresholds, judge, type Verdict } from '../verdict/judge.ts';
import type { OutcomeFacts } from '../run/decide.ts';
import { mergeResults, type TrendSource } from './merge.ts';
import { readRunnerSamples, samplesUsable, type RunnerSamples } from './samples.ts';
import type { Placement, RunnerSpec } from './placement.ts';
import { runRunners, type RunnersCallbacks, type RunnersRun } from './run.ts';
import { sliceTest } from './segments.ts';
import { FDS_BASE, FDS_PER_VU } from './plan.ts';
import { peakVus } from '../k6/options.ts';
import { judgeThresholds, nearTargets, percentilesNamed, type MergeKnowledge } from './thresholds.ts';
import { allowNoSamplesMatcher } from '../verdict/thresholds.ts';
import { combinedExitCode, runnersBlock, type RunnerSummary, type RunnersBlock } from './verdict.ts';
import type { RunResults } from '../results/types.ts';

/** What `--runners N` adds to a pipeline run. */
export interface RunnersOption {
  count: number;
  placement: Placement;
  /** The live feed's whole-run histograms and who has pushed. */
  histograms: TrendSource;
  reported(id: number): boolean;
  callbacks?: RunnersCallbacks;
  /** Aborted: stop every runner as on a first Ctrl-C (a hang-up the caller handles). */
  stop?: AbortSignal;
}

export interface RunnersStepInput {
  option: RunnersOption;
  k6Path: string;
  scriptPath: string;
  runDir: string;
  outputs: readonly string[];
  extraArgs: readonly string[];
  env: Readonly<Record<string, string>>;
  cwd: string;
  k6Options: Record<string, unknown> | undefined;
  targets: readonly Target[];
  /** k6 thresholds allowed to see no sample (--allow-no-samples). */
  allowNoSamples?: readonly string[];
  signals?: SignalSource;
  k6Version?: string;
}

export interface RunnersStepResult {
  run: RunnersRun;
  results: RunResults | undefined;
  verdict: Verdict;
  /** What the outcome is decided from (src/run/decide.ts). */
  facts: OutcomeFacts;
  block: RunnersBlock;
  /** Runner 0's command line, as the run's representative k6 command. */
  commandLine: string;
}

/** Each runner's every sample, as k6 writes it (`--out json`, gzip). */
export const SAMPLES_FILE = 'samples.json.gz';

/** Each runner's files live in runners/<id>/ inside the run folder. */
export function runnerSpecs(input: RunnersStepInput): RunnerSpec[] {
  const vus = input.k6Options ? peakVus(input.k6Options) : 0;
  const openFiles = vus > 0 ? Math.ceil(vus / input.option.count) * FDS_PER_VU + FDS_BASE : undefined;
  return sliceTest(input.option.count).map((slice) => {
    const dir = join(input.runDir, 'runners', String(slice.id));
    return {
      slice, k6Path: input.k6Path, scriptPath: input.scriptPath,
      summaryPath: join(dir, 'summary.json'), summaryExportPath: join(dir, 'summary-export.json'), samplesPath: join(dir, SAMPLES_FILE),
      stdoutLog: join(dir, 'k6.stdout.log'), stderrLog: join(dir, 'k6.stderr.log'),
      outputs: input.outputs, extraArgs: input.extraArgs, env: input.env, cwd: input.cwd,
      ...(input.k6Version ? { k6Version: input.k6Version } : {}),
      ...(openFiles ? { openFiles } : {}),
    };
  });
}

export async function runWithRunners(input: RunnersStepInput): Promise<RunnersStepResult> {
  const specs = runnerSpecs(input);
  for (const s of specs) await mkdir(join(input.runDir, 'runners', String(s.slice.id)), { recursive: true });
  const run = await runRunners({
    specs, placement: input.option.placement, reported: (id) => input.option.reported(id),
    ...(input.signals ? { signals: input.signals } : {}),
    ...(input.option.stop ? { stop: input.option.stop } : {}),
  }, input.option.callbacks);

  const summaries: RunnerSummary[] = [];
  for (const s of specs) {
    const read = await readRunSummary({ summary: s.summaryPath, summaryExport: s.summaryExportPath });
    summaries.push({ results: read.results, error: read.error });
  }
  const samples = await readRunnerSamples(specs.map((s) => s.samplesPath!));
  const judged = judgeRunners({
    run, summaries, histograms: input.option.histograms, samples, k6Options: input.k6Options, targets: input.targets,
    ...(input.allowNoSamples ? { allowNoSamples: input.allowNoSamples } : {}), placement: input.option.placement.kind, engines: input.option.placement.engines,
  });
  return { run, ...judged, commandLine: run.runners[0]?.commandLine ?? '' };
}

export interface JudgeRunnersInput {
  run: RunnersRun;
  summaries: readonly RunnerSummary[];
  histograms: TrendSource;
  k6Options: Record<string, unknown> | undefined;
  targets: readonly Target[];
  /** k6 thresholds allowed to see no sample (--allow-no-samples). */
  allowNoSamples?: readonly string[];
  placement: RunnersBlock['placement'];
  /** Every runner's samples, when each left its file: the exact percentiles (else the histograms'). */
  samples?: RunnerSamples | undefined;
  /** Figures to judge when no runner left a summary (an interrupted cluster run: what the live feed got). */
  fallback?: () => RunResults | undefined;
  /** docker: the endpoints the runners were dealt out over. */
  engines?: readonly string[] | undefined;
}

/** The runners' summaries merged, the thresholds and targets judged on the merged data, the outcome. */
export function judgeRunners(input: JudgeRunnersInput): Omit<RunnersStepResult, 'run' | 'commandLine'> {
  const { run, summaries } = input;
  const declared = declaredThresholds(input.k6Options).filter((t) => !isObserverThreshold(t.metric, t.expression));
  const present = summaries.map((s) => s.results).filter((r): r is RunResults => r !== undefined);
  const ids = run.runners.map((r) => r.id);
  const runnerIds = ids.filter((_, i) => summaries[i]?.results !== undefined);
  const missing = ids.filter((_, i) => summaries[i]?.results === undefined);
  const feed = missing.map((id) => ({ id, counted: input.histograms.requestsOf?.(id) }));
  let results: RunResults | undefined;
  let notes;
  let knowledge: MergeKnowledge | undefined;
  if (present.length > 0) {
    const fromFeed = feed.reduce((a, f) => ({ requests: a.requests + (f.counted?.requests ?? 0), failures: a.failures + (f.counted?.failures ?? 0) }), { requests: 0, failures: 0 });
    const merged = mergeResults({
      runners: present, runnerIds, missing, histograms: samplesUsable(input.samples, summaries.map((x) => x.results !== undefined)) ? input.samples.trends : input.histograms,
      percentiles: percentilesNamed(declared.map((d) => d.expression)),
      ...(missing.length > 0 ? { fromFeed } : {}),
    });
    const notesOf = merged.notes;
    knowledge = {
      relativeError: (key) => notesOf.histogramTrends.find((t) => t.key === key)?.relativeError,
      runnerFigures: (key, aggregation) => summaries.map((x) => x.results?.metrics[key]?.raw[aggregation]),
    };
    merged.results.thresholds = judgeThresholds(declared, merged.results.metrics, knowledge);
    results = merged.results;
    notes = merged.notes;
  } else if (input.fallback) {
    results = input.fallback();
    if (results) results.thresholds = judgeThresholds(declared, results.metrics);
  }
  const judged = judge(results, input.targets, declared, { ignoreThreshold: isObserverThreshold, allowNoSamples: allowNoSamplesMatcher(input.allowNoSamples ?? []) });
  const verdict = knowledge ? nearTargets(judged, knowledge, results !== undefined) : judged;
  const facts: OutcomeFacts = {
    runners: {
      interrupted: run.interrupted,
      ...(run.failure ? { failure: run.failure } : {}),
      ...(run.setup && !run.setup.ok ? { setupError: run.setup.error } : {}),
    },
    k6: {
      k6ExitCode: run.interrupted ? 105 : combinedExitCode(run.runners.map((r) => r.exitCode)),
      k6Signal: null, interrupted: run.interrupted, summaryRead: summaries.every((s) => s.results !== undefined), verdict,
    },
  };
  const block = runnersBlock(run, input.placement, summaries, notes, input.engines, { samples: input.samples, feed });
  return { results, verdict, facts, block };
}
