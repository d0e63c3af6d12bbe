// Renders and writes report.html for one run folder: what `loadctl report
// --html` does, and what `loadctl run` can call when a run ends.
import { analysePhases } from '../live/phases.ts';
import { loadHtmlAssets } from './assets.ts';
import { renderHtmlReport, type HtmlAssets } from './html.ts';
import { phasesBlock } from './result-phases.ts';
import { loadRunFolder, writeReportHtml } from './run-folder.ts';
import type { RunRecord } from './run-record.ts';

/** Fills in phases for a run that kept its timeline and fault window but not the phases. */
export function withComputedPhases(run: RunRecord): RunRecord {
  if (run.phases || !run.timeline || !run.fault) return run;
  return { ...run, phases: phasesBlock(analysePhases(run.timeline, run.fault)) };
}

/** Writes <dir>/report.html and returns its path. `now` is when the report is made. */
export async function writeHtmlReport(dir: string, now: Date, assets?: HtmlAssets): Promise<string> {
  const run = withComputedPhases(await loadRunFolder(dir));
  const html = renderHtmlReport({ run, generatedAt: now.toISOString(), assets: assets ?? await loadHtmlAssets() });
  return writeReportHtml(run.dir, html);
}
