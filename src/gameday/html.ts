// The game day's index page: the runbook's benchmark table, one row per
// experiment with its verdict, and a link to each experiment's report.html.
// One self-contained file, no script, opened from disk. Pure.
import { escapeHtml } from '../report/html.ts';
import { benchmarkHead } from '../report/benchmark-table.ts';
import { experimentCells, experimentTableHead, type GameDayRow } from './outcome.ts';

export interface IndexInput {
  title: string;
  generatedAt: Date;
  summary: string;
  rows: readonly GameDayRow[];
  /** The benchmark table's cells, one array per run that produced a report. */
  benchmark: readonly string[][];
}

const table = (head: readonly string[], rows: readonly string[][], cls: string) =>
  `<table class="${cls}"><thead><tr>${head.map((h) => `<th>${escapeHtml(h)}</th>`).join('')}</tr></thead><tbody>`
  + rows.map((cells) => `<tr>${cells.map((c) => `<td>${c}</td>`).join('')}</tr>`).join('')
  + '</tbody></table>';

const verdictClass: Record<GameDayRow['verdict'], string> = {
  PASS: 'pass', FAIL: 'fail', ERROR: 'fail', INTERRUPTED: 'fail', 'NOT RUN': 'fail', SKIPPED: 'skip',
};

export function renderIndexHtml(input: IndexInput): string {
  const experiments = input.rows.map((r) => {
    const cells = experimentCells(r).map(escapeHtml);
    cells[0] = r.runDir ? `<a href="${escapeHtml(`${r.runDir}/report.html`)}">${escapeHtml(r.experiment)}</a>` : escapeHtml(r.experiment);
    cells[cells.length - 1] = `<span class="badge ${verdictClass[r.verdict]}">${escapeHtml(r.verdict)}</span>${r.verdict === 'PASS' ? '' : ` ${escapeHtml(r.reason)}`}`;
    return cells;
  });
  const benchmark = input.benchmark.map((cells) => cells.map(escapeHtml));
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(input.title)}</title>
<style>
body { font: 14px/1.4 system-ui, sans-serif; margin: 2rem; color: #1b1f24; }
table { border-collapse: collapse; margin: 0.5rem 0 1.5rem; }
th, td { border: 1px solid #d0d7de; padding: 0.35rem 0.6rem; text-align: left; vertical-align: top; }
th { background: #f6f8fa; }
.badge { font-weight: 600; padding: 0 0.4rem; border-radius: 3px; }
.pass { background: #dafbe1; color: #116329; } .fail { background: #ffebe9; color: #a40e26; } .skip { background: #fff8c5; color: #7d4e00; }
.summary { font-weight: 600; }
</style></head><body>
<h1>${escapeHtml(input.title)}</h1>
<p class="summary">${escapeHtml(input.summary)}</p>
<p>Generated ${escapeHtml(input.generatedAt.toISOString())}. Each experiment ran under load, was rolled back, and the stack was healthy again before the next.</p>
<h2>Experiments</h2>
${table(experimentTableHead, experiments, 'experiments')}
<h2>Benchmarks</h2>
${benchmark.length > 0 ? table(benchmarkHead, benchmark, 'benchmarks') : '<p>No run produced figures.</p>'}
</body></html>
`;
}
