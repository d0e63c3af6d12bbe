// `loadctl report <run-dir>...`: the benchmark table from run folders,
// optionally report.html in each, and a comparison with a baseline run.
import type { Command } from 'commander';
import type { RegisterCommand } from './types.ts';
import { ExitCode, UsageError } from '../errors.ts';
import { RUN_FILE_NAMES } from '../shared/run-folder.ts';

export interface ReportOptions {
  html: boolean;
  phases: boolean;
  baseline?: string;
  tolerance: string;
  quiet: boolean;
  color: boolean;
}

export async function reportCommand(dirs: string[], options: ReportOptions): Promise<number> {
  const { parseTolerance } = await import('../report/compare.ts');
  const tolerance = parseTolerance(options.tolerance);
  if (tolerance === null) {
    throw new UsageError(`--tolerance ${options.tolerance} is not a percentage`, { hint: 'write it as a percentage, e.g. --tolerance 10%' });
  }
  const [{ loadRunFolder, writeReportHtml, DryRunFolderError }, { benchmarkTable }, { withComputedPhases }, { createUi }] = await Promise.all([
    import('../report/run-folder.ts'),
    import('../report/benchmark-table.ts'),
    import('../report/html-file.ts'),
    import('../ui.ts'),
  ]);
  const ui = createUi({ quiet: options.quiet, color: options.color });
  // Load every folder first, so a bad one fails before anything is written.
  // A run that kept its timeline and fault window but not the phases gets them computed here.
  // A dry-run folder among real ones (`report .loadctl/runs/*`) is skipped with a note.
  const runs = [];
  const skipped: Array<{ dir: string; note: string }> = [];
  for (const dir of dirs) {
    try {
      runs.push(withComputedPhases(await loadRunFolder(dir)));
    } catch (error) {
      if (!(error instanceof DryRunFolderError)) throw error;
      skipped.push({ dir, note: error.note });
    }
  }
  if (runs.length === 0) {
    const allDry = skipped.every((s) => s.note.startsWith('a dry run'));
    const what = allDry ? (skipped.length === 1 ? 'is a dry run' : 'are dry runs') + ' (--dry-run runs nothing)' : (skipped.length === 1 ? 'holds ' : 'hold ') + [...new Set(skipped.map((s) => s.note))].join('; ');
    throw new UsageError(`none of the ${dirs.length === 1 ? 'folder' : `${dirs.length} folders`} given holds a run: ${skipped.map((s) => s.dir).join(', ')} ${what}`, {
      hint: 'pass folders of runs that ran: loadctl report .loadctl/runs/<time>-<profile>',
    });
  }
  for (const { dir, note } of skipped) ui.warn(`skipped ${dir}: ${note}`);
  if (options.html) {
    const { assertWritable } = await import('../inputs/output-path.ts');
    const { join } = await import('node:path');
    await assertWritable(runs.map((run) => ({ flag: '--html', path: join(run.dir, RUN_FILE_NAMES.report), kind: 'file' as const })));
  }
  const baseline = options.baseline === undefined ? undefined : withComputedPhases(await loadRunFolder(options.baseline));
  ui.result(benchmarkTable(runs));
  if (options.phases) {
    const { phasesMarkdown } = await import('../report/phases-table.ts');
    for (const run of runs) {
      ui.result(`\n${run.dir}:\n`);
      ui.result(run.phases ? phasesMarkdown(run.phases) : 'no chaos experiment in this run, so no phases');
    }
  }

  if (options.html) {
    const [{ renderHtmlReport }, { loadHtmlAssets }] = await Promise.all([import('../report/html.ts'), import('../report/assets.ts')]);
    const assets = await loadHtmlAssets();
    const generatedAt = new Date().toISOString();
    for (const run of runs) {
      const path = await writeReportHtml(run.dir, renderHtmlReport({ run, generatedAt, assets }));
      ui.info(`wrote ${path}`);
    }
  }

  if (!baseline) return ExitCode.Ok;
  const { compareRuns, comparisonTable } = await import('../report/compare.ts');
  let regressions = 0;
  for (const run of runs) {
    const comparison = compareRuns(baseline, run, tolerance);
    regressions += comparison.regressions;
    ui.result(`\n${run.dir} against baseline ${baseline.dir} (tolerance ${(tolerance * 100).toFixed(1)} %):\n`);
    ui.result(comparisonTable(comparison));
  }
  if (regressions > 0) {
    ui.result(`${regressions} regression${regressions === 1 ? '' : 's'} beyond the ${(tolerance * 100).toFixed(1)} % tolerance`);
    return ExitCode.Failed;
  }
  ui.result('no regression beyond the tolerance');
  return ExitCode.Ok;
}

export const register: RegisterCommand = (program, runAction) => {
  program
    .command('report')
    .description('benchmark table (markdown) from run folders; --html writes report.html; --baseline flags regressions')
    .argument('<run-dir...>', 'run folders, e.g. .loadctl/runs/<time>-<profile>')
    .option('--html', 'write a self-contained report.html into each run folder', false)
    .option('--phases', 'also print the phases and recovery of each chaos run', false)
    .option('--baseline <run-dir>', 'compare each run with this run, metric by metric; exit 1 on a regression')
    .option('--tolerance <percent>', 'how much worse a metric may get before it counts as a regression', '10%')
    .action((dirs: string[], opts: { html: boolean; phases: boolean; baseline?: string; tolerance: string }, command: Command) => runAction(async () => {
      const globals = command.optsWithGlobals<{ quiet?: boolean; color?: boolean }>();
      return reportCommand(dirs, { ...opts, quiet: Boolean(globals.quiet), color: globals.color !== false });
    }));
};
