// $GITHUB_STEP_SUMMARY is a courtesy to the reader of a CI job: when it
// cannot be written, the gate's verdict still stands. A passing run that
// could not append its summary exits 0 with a warning, not 1.
import { appendFile } from 'node:fs/promises';

/** Appends; returns a warning line instead of throwing when the file cannot be written. */
export async function appendStepSummary(path: string, markdown: string): Promise<string | undefined> {
  try {
    await appendFile(path, markdown);
    return undefined;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
    return `could not append the job summary to GITHUB_STEP_SUMMARY=${path} (${code}); the verdict above stands`;
  }
}
