// Reads what k6 left in the run folder: the handleSummary data first, k6's
// own --summary-export when the hook never ran. Never throws: a missing or
// corrupt file is reported as text so the verdict can say why.
import { readFile } from 'node:fs/promises';
import { parseSummary } from '../results/summary.ts';
import type { RunResults } from '../results/types.ts';

export interface SummaryRead {
  results: RunResults | undefined;
  source: { source: RunResults['source']; file: string } | undefined;
  /** Why nothing usable was found, file by file. */
  error: string | undefined;
}

export async function readRunSummary(files: { summary: string; summaryExport: string }): Promise<SummaryRead> {
  const problems: string[] = [];
  const candidates = [
    { file: files.summary, label: 'summary.json (handleSummary)' },
    { file: files.summaryExport, label: 'summary-export.json' },
  ];
  for (const { file, label } of candidates) {
    const text = await readFile(file, 'utf8').catch(() => undefined);
    if (text === undefined) {
      problems.push(`${label} missing`);
      continue;
    }
    const parsed = parseSummary(text);
    if (parsed.ok) return { results: parsed.results, source: { source: parsed.results.source, file }, error: undefined };
    problems.push(`${label}: ${parsed.error}`);
  }
  return { results: undefined, source: undefined, error: problems.join('; ') };
}
