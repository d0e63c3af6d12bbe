// The only file I/O of `loadctl report`: reads a run folder
// (.loadctl/runs/<time>-<profile>/) and writes report.html back into it.
import { readFile, stat, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { UsageError } from '../errors.ts';
import { runRecordFrom, type RunFolderJson, type RunRecord } from './run-record.ts';

/** Files a run folder may hold; summary.json or result.json makes it a run folder. */
export const runFiles = {
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
} as const;

function isLoadctlResult(value: unknown): boolean {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    && typeof (value as { schema?: unknown }).schema === 'string' && (value as { schema: string }).schema.startsWith('loadctl/');
}

const exists = (path: string) => stat(path).then(() => true, () => false);

const notRunFolderHint = 'pass a folder made by `loadctl run`, e.g. .loadctl/runs/<time>-<profile>/ (ls .loadctl/runs)';

const damagedHint = 'the run folder is damaged; run the profile again with `loadctl run <profile>`';
const unreadable: Record<string, string> = { ELOOP: 'is a symbolic link loop', EISDIR: 'is a directory, not a file', EACCES: 'cannot be read (permission denied)' };

async function readJson(dir: string, name: string, shownDir: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(join(dir, name), 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? '';
    if (code === 'ENOENT') return undefined;
    throw new UsageError(`run folder damaged: ${join(shownDir, name)} ${unreadable[code] ?? `cannot be read (${code || (error as Error).message})`}`, { hint: damagedHint });
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new UsageError(`${join(dir, name)} is not valid JSON (${(error as Error).message})`, {
      hint: damagedHint,
    });
  }
}

/** A folder `loadctl run --dry-run` left: the bundle and k6 command, but nothing was run. */
export class DryRunFolderError extends UsageError {}

export async function loadRunFolder(dirArg: string): Promise<RunRecord> {
  const dir = resolve(dirArg);
  const info = await stat(dir).catch(() => null);
  if (info && !info.isDirectory()) {
    const inside = /(^|[\\/])(result|summary|summary-export)\.json$/.test(dirArg);
    throw new UsageError(`${dirArg} is a file; report takes run folders`, {
      hint: inside ? `pass the folder that holds it: loadctl report ${dirname(dirArg) || '.'}` : notRunFolderHint,
    });
  }
  if (!info) {
    throw new UsageError(`${dirArg} is not a run folder: no such directory`, { hint: notRunFolderHint });
  }
  const files: RunFolderJson = {
    profile: await readJson(dir, runFiles.profile, dirArg),
    summary: (await readJson(dir, runFiles.summary, dirArg)) ?? (await readJson(dir, runFiles.summaryExport, dirArg)),
    result: await readJson(dir, runFiles.result, dirArg),
    timeline: await readJson(dir, runFiles.timeline, dirArg),
    chaos: await readJson(dir, runFiles.chaos, dirArg),
    prometheus: await readJson(dir, runFiles.prometheus, dirArg),
    invariants: await readJson(dir, runFiles.invariants, dirArg),
  };
  if (files.result !== undefined && !isLoadctlResult(files.result)) {
    throw new UsageError(`${join(dirArg, runFiles.result)} is not a loadctl result (no "schema": "loadctl/..." object in it)`, {
      hint: `${notRunFolderHint}; nothing was written`,
    });
  }
  if (files.summary === undefined && files.result === undefined) {
    if (await exists(join(dir, runFiles.command))) {
      throw new DryRunFolderError(`${dirArg} is a dry run (--dry-run): k6 never ran, so there are no results`, { hint: notRunFolderHint });
    }
    throw new UsageError(`${dirArg} is not a run folder: it has neither ${runFiles.summary} nor ${runFiles.result}`, {
      hint: notRunFolderHint,
    });
  }
  return runRecordFrom(dir, files);
}

export async function writeReportHtml(dir: string, html: string): Promise<string> {
  const path = join(dir, runFiles.report);
  await writeFile(path, html, 'utf8');
  return path;
}
