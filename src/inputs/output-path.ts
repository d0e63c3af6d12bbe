// Every place loadctl will write (--junit, --json FILE, --out-dir, report
// --html) is checked before any load or fault starts, so a typo costs a
// second and exit 2, not a finished run that cannot be saved. The check only
// reads: it never creates folders, because a recursive mkdir under /proc
// never returns.
import { constants } from 'node:fs';
import { access, stat, statfs } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { UsageError } from '../errors.ts';

// Kernel pseudo file systems (statfs f_type): nothing a report can go to.
const PSEUDO_FS = new Map<number, string>([[0x9fa0, 'proc'], [0x62656572, 'sysfs'], [0x64626720, 'debugfs'], [0x27e0eb, 'cgroup'], [0x63677270, 'cgroup2']]);

type Kind = 'file' | 'dir';

async function statOrNull(path: string) {
  return stat(path).catch((error: NodeJS.ErrnoException) => (error.code === 'ENOENT' || error.code === 'ENOTDIR' ? null : Promise.reject(error)));
}

/** The first of path and its parents that exists, and what it is. */
async function nearestExisting(path: string): Promise<{ path: string; isDir: boolean }> {
  let current = path;
  for (;;) {
    const info = await statOrNull(current);
    if (info) return { path: current, isDir: info.isDirectory() };
    const up = dirname(current);
    if (up === current) return { path: current, isDir: true };
    current = up;
  }
}

async function writable(path: string): Promise<string | undefined> {
  try {
    await access(path, constants.W_OK);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return code === 'EROFS' ? 'a read-only file system' : code === 'EACCES' || code === 'EPERM' ? 'not writable by this user' : `not writable (${code})`;
  }
  const fs = await statfs(path).catch(() => null);
  const pseudo = fs ? PSEUDO_FS.get(Number(fs.type)) : undefined;
  return pseudo ? `on the kernel's ${pseudo} file system` : undefined;
}

/** Why loadctl cannot write a `kind` at `target`, or undefined when it can. */
export async function outputProblem(target: string, kind: Kind): Promise<string | undefined> {
  const path = resolve(target);
  const info = await statOrNull(path).catch((error: NodeJS.ErrnoException) => ({ error: error.code ?? 'error' }));
  if (info && 'error' in info) return `cannot inspect it (${info.error})`;
  if (info) {
    if (kind === 'file' && info.isDirectory()) return 'it is a directory';
    if (kind === 'dir' && !info.isDirectory()) return 'it is a file, not a folder';
    const why = await writable(path);
    return why ? `it is ${why}` : undefined;
  }
  const parent = await nearestExisting(dirname(path));
  if (!parent.isDir) return `${parent.path} is a file, so nothing can be created below it`;
  const why = await writable(parent.path);
  return why ? `${parent.path} is ${why}` : undefined;
}

export interface OutputTarget {
  /** The flag or variable as the user typed it: "--junit", "--out-dir". */
  flag: string;
  /** As typed (shown in the message); relative paths are taken from `cwd`. */
  path: string;
  kind: Kind;
}

/** Checks every output at once; one UsageError (exit 2) naming each that cannot be written. */
export async function assertWritable(targets: ReadonlyArray<OutputTarget | undefined>, cwd: string = process.cwd()): Promise<void> {
  const problems: string[] = [];
  for (const t of targets) {
    if (!t) continue;
    const why = await outputProblem(resolve(cwd, t.path), t.kind);
    if (why) problems.push(`${t.flag} ${t.path}: cannot write there: ${why}`);
  }
  if (problems.length > 0) {
    throw new UsageError(problems.join('\n'), { hint: 'pick a path in a writable folder (nothing was started)' });
  }
}
