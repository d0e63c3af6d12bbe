// Every runner's samples file (k6's `--out json`, written beside its
// summary) read into one set of sketches, for merged percentiles within
// 0.1 % (src/live/trend-samples.ts). Read once the runners have ended: a
// file of a runner that was killed is torn at the end, and what it holds
// still counts.
import { stat } from 'node:fs/promises';
import { readSamplesFile, TrendSamples } from '../live/trend-samples.ts';

export interface RunnerSamples {
  trends: TrendSamples;
  /** Per runner, in order: was its file read to its end, and how many trend samples. */
  files: Array<{ complete: boolean; points: number; error: string | null }>;
  /** Wall time spent reading them, ms. */
  readMs: number;
}

export async function readRunnerSamples(paths: readonly string[]): Promise<RunnerSamples> {
  const t0 = performance.now();
  const trends = new TrendSamples();
  const files: RunnerSamples['files'] = [];
  for (const path of paths) {
    const before = trends.stats.points;
    const there = await stat(path).then((s) => s.isFile(), () => false);
    const read = there ? await readSamplesFile(path, trends) : { complete: false, error: 'k6 wrote no samples file' };
    files.push({ complete: read.complete, points: trends.stats.points - before, error: read.error ?? null });
  }
  return { trends, files, readMs: Math.round(performance.now() - t0) };
}

/** Samples stand for the merge when every runner that left a summary left its whole file too. */
export function samplesUsable(samples: RunnerSamples | undefined, summarized: readonly boolean[]): samples is RunnerSamples {
  return samples !== undefined && summarized.some((s) => s) && summarized.every((s, i) => !s || samples.files[i]?.complete === true);
}
