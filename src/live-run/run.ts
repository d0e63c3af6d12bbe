// `loadctl run` as a loop over run extensions (src/run/extensions/): each
// feature (chaos, Prometheus and live gates, invariants, capacity, forward)
// opens before anything starts, hooks the load through the host
// (./host.ts: display, live feed, runners), and has its say when the run
// folder is finished (./finish.ts). The pipeline (src/run/pipeline.ts) runs
// the load itself, through an executor (one k6, N runners, a fake in tests).
import { runPipeline, type PipelineResult, type RunEvents } from '../run/pipeline.ts';
import type { RunExtension } from '../run/extension.ts';
import { runExtensions } from '../run/extensions/index.ts';
import { checkRunnersOptions } from '../runners/placements.ts';
import type { Ui } from '../ui.ts';
import { createRunHost, type LiveRunOptions } from './host.ts';
import { finishRun, type LiveRunResult } from './finish.ts';

export type { LiveRunOptions };

export async function runLive(o: LiveRunOptions, baseEvents: RunEvents, ui: Ui, extensions: readonly RunExtension[] = runExtensions): Promise<LiveRunResult> {
  if (o.runners) checkRunnersOptions(o.runners, { live: o.live, record: o.record });
  const run = createRunHost(o, baseEvents, ui);
  const active = await run.open(extensions);
  if (o.pipeline.dryRun) {
    const result = await runPipeline(o.pipeline, baseEvents);
    if (result.kind !== 'dry-run') throw new Error('a dry run ran k6');
    for (const e of active) {
      const text = e.dryRun?.();
      if (text) ui.result(text);
    }
    return result;
  }
  for (const e of active) await e.confirm?.();
  const load = await run.startLoad();
  let result: PipelineResult | undefined;
  try {
    result = await runPipeline(load.pipeline, load.events);
  } finally {
    await load.end(result !== undefined);
  }
  if (result.kind !== 'ran') throw new Error('the pipeline made a dry run of a real run');
  return finishRun({ result, load, active, ui });
}
