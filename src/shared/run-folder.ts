// The run folder: .loadctl/runs/<time>-<profile>/, one per run, never reused.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/** "2026-11-27T08-50-12Z": sortable, and legal in file names on every OS. */
export function runStamp(date: Date): string {
  return date.toISOString().replace(/\.\d+Z$/, 'Z').replace(/:/g, '-');
}

/** Creates a fresh folder; a second run in the same second gets "-2", "-3"... */
export async function createRunFolder(outDir: string, profile: string, now: Date): Promise<string> {
  await mkdir(outDir, { recursive: true });
  const base = `${runStamp(now)}-${profile.replace(/[^\w.-]/g, '_')}`;
  for (let n = 1; ; n += 1) {
    const dir = join(outDir, n === 1 ? base : `${base}-${n}`);
    try {
      await mkdir(dir);
      return dir;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
  }
}

/**
 * The files a run folder may hold, by role: one list for the run that writes
 * them and `loadctl report` that reads them. summary.json or result.json makes
 * a folder a run folder.
 */
export const RUN_FILE_NAMES = {
  profile: 'profile.json',
  summary: 'summary.json',
  /** k6's own --summary-export, read when the summary hook never ran. */
  summaryExport: 'summary-export.json',
  result: 'result.json',
  /** The live feed's per-second Timeline (src/live/types.ts), when the run kept one. */
  timeline: 'timeline.json',
  /** The chaos engine's ChaosResult (src/chaos/engine-types.ts), when an experiment ran. */
  chaos: 'chaos.json',
  /** The Prometheus gates' verdicts and their series (src/prometheus/in-run.ts), when a Prometheus was given. */
  prometheus: 'prometheus.json',
  /** The invariants' readings and verdicts (src/invariants/in-run.ts), when any were declared. */
  invariants: 'invariants.json',
  report: 'report.html',
  /** The exact k6 command line; a folder with only this (and the bundle) is a dry run. */
  command: 'k6-command.txt',
  stdout: 'k6.stdout.log',
  stderr: 'k6.stderr.log',
} as const;

/** The paths of a run's files in `dir`, by role. */
export function runFiles(dir: string): Record<keyof typeof RUN_FILE_NAMES, string> {
  return Object.fromEntries(Object.entries(RUN_FILE_NAMES).map(([role, name]) => [role, join(dir, name)])) as Record<keyof typeof RUN_FILE_NAMES, string>;
}

/** The one writer of a run folder's result.json; returns the text written. */
export async function writeResultDocument(runDir: string, doc: object): Promise<string> {
  const text = `${JSON.stringify(doc, null, 2)}\n`;
  await writeFile(join(runDir, 'result.json'), text);
  return text;
}
