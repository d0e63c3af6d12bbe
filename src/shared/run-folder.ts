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

/** The files every run leaves, by role. */
export function runFiles(dir: string) {
  return {
    profile: join(dir, 'profile.json'),
    command: join(dir, 'k6-command.txt'),
    stdout: join(dir, 'k6.stdout.log'),
    stderr: join(dir, 'k6.stderr.log'),
    summary: join(dir, 'summary.json'),
    summaryExport: join(dir, 'summary-export.json'),
    result: join(dir, 'result.json'),
  };
}

/** The one writer of a run folder's result.json; returns the text written. */
export async function writeResultDocument(runDir: string, doc: object): Promise<string> {
  const text = `${JSON.stringify(doc, null, 2)}\n`;
  await writeFile(join(runDir, 'result.json'), text);
  return text;
}
