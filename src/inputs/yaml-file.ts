// Reading a YAML file the user controls, safely: a directory, a symlink loop
// or an unreadable file, and a document whose aliases expand without end (a
// "billion laughs"), are each one problem naming the file (exit 2), and never
// take down `loadctl list`. Syntax errors stay with each caller, which knows
// its own format.
import { readFile } from 'node:fs/promises';
import type { Document } from 'yaml';
import type { Checked } from './bounds.ts';

/** How many alias expansions one document may make; `yaml`'s own default. */
export const MAX_ALIAS_COUNT = 100;

const readProblems: Record<string, string> = {
  EISDIR: 'is a directory, not a YAML file',
  ELOOP: 'is a symbolic link loop',
  ENOENT: 'does not exist (a dangling symbolic link?)',
  EACCES: 'cannot be read (permission denied)',
  EPERM: 'cannot be read (permission denied)',
};

export async function readYamlText(file: string, label: string): Promise<Checked<string>> {
  try {
    return { ok: true, value: await readFile(file, 'utf8') };
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'error';
    return { ok: false, problem: `${label}: ${readProblems[code] ?? `cannot be read (${code})`}` };
  }
}

/** The document as plain data, refusing alias bombs instead of expanding them. */
export function yamlData(doc: Document, label: string): Checked<unknown> {
  try {
    return { ok: true, value: doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT }) as unknown };
  } catch (error) {
    if (error instanceof ReferenceError && /alias/i.test(error.message)) {
      return { ok: false, problem: `${label}: YAML aliases expand beyond ${MAX_ALIAS_COUNT} nodes (an alias bomb?); write the values out or use fewer aliases` };
    }
    return { ok: false, problem: `${label}: ${(error as Error).message}` };
  }
}
