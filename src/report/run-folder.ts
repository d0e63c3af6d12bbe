// The only file I/O of `loadctl report`: reads a run folder
// (.loadctl/runs/<time>-<profile>/) and writes report.html back into it.
import { readFile, stat, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { UsageError } from '../errors.ts';
import { runRecordFrom, type RunFolderJson, type RunRecord } from './run-record.ts';
import { RUN_FILE_NAMES } from '../shared/run-folder.ts';
import { RESULT_VERSION } from './json.ts';

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

/**
 * A run folder with no results to report: a dry run (`--dry-run` leaves the
 * bundle and the k6 command), `loadctl k8s`'s manifests, or a run that
 * stopped before k6 started (its bundle or type check failed). `report .loadctl/runs/*` skips them with `note`.
 */
export class DryRunFolderError extends UsageError {
  constructor(message: string, readonly note: string, options: { hint?: string } = {}) {
    super(message, options);
  }
}

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
    profile: await readJson(dir, RUN_FILE_NAMES.profile, dirArg),
    summary: (await readJson(dir, RUN_FILE_NAMES.summary, dirArg)) ?? (await readJson(dir, RUN_FILE_NAMES.summaryExport, dirArg)),
    result: await readJson(dir, RUN_FILE_NAMES.result, dirArg),
    timeline: await readJson(dir, RUN_FILE_NAMES.timeline, dirArg),
    chaos: await readJson(dir, RUN_FILE_NAMES.chaos, dirArg),
    prometheus: await readJson(dir, RUN_FILE_NAMES.prometheus, dirArg),
    invariants: await readJson(dir, RUN_FILE_NAMES.invariants, dirArg),
  };
  if (files.result !== undefined && !isLoadctlResult(files.result)) {
    throw new UsageError(`${join(dirArg, RUN_FILE_NAMES.result)} is not a loadctl result (no "schema": "loadctl/..." object in it)`, {
      hint: `${notRunFolderHint}; nothing was written`,
    });
  }
  const version = (files.result as { version?: unknown } | undefined)?.version;
  if (version !== undefined && version !== RESULT_VERSION) {
    // A newer loadctl may have moved or renamed fields: read as version 1 it would be reported wrong, silently.
    throw new UsageError(`${join(dirArg, RUN_FILE_NAMES.result)} is version ${JSON.stringify(version)?.slice(0, 20)} of its schema; this loadctl reads version ${RESULT_VERSION}`, {
      hint: 'report it with the loadctl that wrote it, or a newer one; nothing was written',
    });
  }
  if (files.summary === undefined && files.result === undefined) {
    if (await exists(join(dir, 'k8s.yaml'))) {
      throw new DryRunFolderError(`${dirArg} holds the manifests of \`loadctl k8s\` (k8s.yaml): the TestRun runs in the cluster, so there are no results here`, 'k8s manifests (the TestRun runs in the cluster), so no results', {
        hint: 'run it with `loadctl k8s <profile> ... --apply`, which writes the results into its folder',
      });
    }
    if (await exists(join(dir, RUN_FILE_NAMES.command))) {
      throw new DryRunFolderError(`${dirArg} is a dry run (--dry-run): k6 never ran, so there are no results`, 'a dry run (k6 never ran), so no results', { hint: notRunFolderHint });
    }
    if (files.profile !== undefined) {
      throw new DryRunFolderError(`${dirArg} is a run that stopped before k6 started (the scenario did not bundle or type-check), so there are no results`,
        'stopped before k6 started (the scenario did not bundle), so no results', { hint: notRunFolderHint });
    }
    throw new UsageError(`${dirArg} is not a run folder: it has neither ${RUN_FILE_NAMES.summary} nor ${RUN_FILE_NAMES.result}`, {
      hint: notRunFolderHint,
    });
  }
  return runRecordFrom(dir, files);
}

export async function writeReportHtml(dir: string, html: string): Promise<string> {
  const path = join(dir, RUN_FILE_NAMES.report);
  await writeFile(path, html, 'utf8');
  return path;
}
