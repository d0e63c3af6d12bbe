// After the load: the timeline (the live feed's, or --record's exact one)
// goes into the run folder, every run extension has its say and its block,
// the outcome is decided once (src/run/decide.ts), and result.json and
// report.html are written.
import { rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Ui } from '../ui.ts';
import type { PipelineResult } from '../run/pipeline.ts';
import type { ActiveExtension, Finding, RunBlocks } from '../run/extension.ts';
import type { Timeline } from '../live/types.ts';
import type { RunReport } from '../report/model.ts';
import { decideRunOutcome, type Say } from '../run/decide.ts';
import { writeResultDocument } from '../shared/run-folder.ts';
import { k6ExitLine } from '../runners/verdict.ts';
import { stoppedBeforeLoad } from '../verdict/outcome.ts';
import { toResultDocument } from '../report/json.ts';
import { writeHtmlReport } from '../report/html-file.ts';
import { aggregateNdjsonFile } from '../live/ndjson.ts';
import { secondsWithRequests } from './live.ts';
import type { Load } from './host.ts';

/** A finished run as the use case reads it: the report, what the run folder got, each extension's block. */
export type LiveRunResult =
  | Extract<PipelineResult, { kind: 'dry-run' }>
  | ({ kind: 'ran'; runDir: string; report: RunReport; resultJson: string; document: Record<string, unknown>; timeline?: Timeline } & RunBlocks);

export interface FinishInput {
  result: Extract<PipelineResult, { kind: 'ran' }>;
  load: Pick<Load, 'feed' | 'timeline' | 'recordTmp' | 'profile'>;
  active: readonly ActiveExtension[];
  ui: Ui;
  now?: () => Date;
}

/** Blocks that sit where result.json has always had them, before the extensions' others. */
const FIRST = ['capacity', 'live', 'forward'];

export async function finishRun(input: FinishInput): Promise<LiveRunResult> {
  const { result, load, ui } = input;
  const { runDir } = result;
  // In plain output the view's own spinner line already said it.
  if (ui.interactive) ui.info(k6ExitLine(result.report.k6, result.report.runners));
  const { timeline, source } = await timelineOf(input);
  if (timeline) await writeFile(join(runDir, 'timeline.json'), `${JSON.stringify(timeline)}\n`);

  const findings: Finding[] = [];
  for (const e of input.active) {
    const found = await e.finish?.({ runDir, report: result.report, timeline, profile: load.profile() });
    if (found) findings.push(found);
  }
  const says = findings.map((f) => f.say).filter((s): s is Say => s !== undefined);
  const report: RunReport = { ...result.report, outcome: decideRunOutcome(result.facts, says) };
  const blocks: RunBlocks = Object.assign({}, ...findings.map((f) => f.blocks));
  const docs: Record<string, unknown> = {
    ...Object.assign({}, ...findings.map((f) => f.doc)),
    live: { source, pushes: load.feed?.pushes() ?? null, seconds: timeline?.total.length ?? 0 },
  };
  const first = Object.fromEntries(FIRST.filter((k) => k in docs).map((k) => [k, docs[k]]));
  const rest = Object.fromEntries(Object.entries(docs).filter(([k]) => !FIRST.includes(k)));
  const doc = { ...toResultDocument(report), ...first, ...rest };
  const resultJson = await writeResultDocument(runDir, doc);
  try {
    await writeHtmlReport(runDir, (input.now ?? (() => new Date()))());
  } catch (error) {
    // The verdict stands without the pictures; say why they are missing.
    ui.warn(`report.html was not written: ${(error as Error).message}`);
  }
  return { kind: 'ran', runDir, report, resultJson, document: doc, ...(timeline ? { timeline } : {}), ...blocks };
}

/** The live feed's timeline, or --record's exact one when k6 wrote it (the live one is then kept beside it). */
async function timelineOf({ result, load, ui }: FinishInput): Promise<{ timeline: Timeline | undefined; source: 'remote-write' | 'ndjson' | null }> {
  let timeline = load.timeline();
  let source: 'remote-write' | 'ndjson' | null = timeline && secondsWithRequests(timeline) > 0 ? 'remote-write' : null;
  // A k6 that refused its script or command line never sent anything: the feed is not the news.
  // Nor is it for a script that made no HTTP request: there was nothing to time.
  const madeRequests = result.report.results === undefined || (result.report.results.http.requests ?? 0) > 0;
  if (load.feed && source === null && madeRequests && !stoppedBeforeLoad(result.report.outcome, result.report.results !== undefined)) {
    ui.warn('live feed: k6 pushed no request data to loadctl\'s remote-write receiver (a k6 without experimental-prometheus-rw, or it could not reach 127.0.0.1); the verdict still comes from k6\'s summary, but there is no timeline (add --record for the exact NDJSON one)');
  }
  if (load.recordTmp) {
    const recorded = join(result.runDir, 'k6-record.ndjson.gz');
    if (await rename(load.recordTmp, recorded).then(() => true, () => false)) {
      const exact = await aggregateNdjsonFile(recorded);
      if (secondsWithRequests(exact.timeline) > 0) {
        if (timeline && source) await writeFile(join(result.runDir, 'timeline-live.json'), `${JSON.stringify(timeline)}\n`);
        timeline = exact.timeline;
        source = 'ndjson';
      }
    } else {
      ui.warn('--record: k6 wrote no NDJSON record');
    }
  }
  return { timeline: source ? timeline : undefined, source };
}
