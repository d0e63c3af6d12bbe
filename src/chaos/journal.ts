// The chaos journal (.loadctl/chaos-journal): JSON lines, appended with one
// write and fsynced before the fault it describes is applied. A fault's undo is
// data (UndoSpec), so `loadctl chaos recover` and the watchdog can replay it
// without the process that applied it. An intent without a matching "done"
// line is pending. A torn last line (crash mid-write) is ignored: the apply it
// would have preceded never ran.
import { closeSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, statSync, unlinkSync, writeSync, constants } from 'node:fs';
import { dirname, join } from 'node:path';
import { EnvironmentError } from '../errors.ts';
import type { UndoSpec } from './types.ts';

export interface JournalIntent {
  type: 'intent';
  /** Unique per step: "<runId>/<step index>". */
  id: string;
  runId: string;
  experiment: string;
  pid: number;
  step: number;
  intent: string;
  /** Run newest (last) first. */
  undo: UndoSpec[];
  /** Unix ms when written. */
  at: number;
  /** Unix ms after which the watchdog undoes it, whoever is still alive. */
  deadline: number;
}

export interface JournalDone {
  type: 'done';
  id: string;
  at: number;
  by: 'engine' | 'recover' | 'watchdog';
}

/**
 * Moves the deadline of every entry of a run, written after each apply: an
 * apply that took long (a container slow to stop) must not let the watchdog
 * cut the hold short.
 */
export interface JournalExtend {
  type: 'extend';
  /** "<runId>/extend", so filtering a run's records by id prefix keeps these too. */
  id: string;
  runId: string;
  deadline: number;
  at: number;
}

export type JournalRecord = JournalIntent | JournalDone | JournalExtend;

export function journalPath(cwd: string): string {
  return join(cwd, '.loadctl', 'chaos-journal');
}

/** Appends one record and syncs file and directory, so it survives a power cut or kill -9. */
export function appendRecord(path: string, record: JournalRecord): void {
  mkdirSync(dirname(path), { recursive: true });
  const fd = openSync(path, constants.O_WRONLY | constants.O_APPEND | constants.O_CREAT, 0o644);
  try {
    writeSync(fd, `${JSON.stringify({ v: 1, ...record })}\n`);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  syncDir(dirname(path));
}

function syncDir(dir: string): void {
  try {
    const fd = openSync(dir, 'r');
    try { fsyncSync(fd); } finally { closeSync(fd); }
  } catch {
    // Some filesystems refuse fsync on a directory; the file itself is synced.
  }
}

export function readJournal(path: string): JournalRecord[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  return parseJournal(text);
}

/** Pure: lines to records, skipping a torn or foreign line. */
export function parseJournal(text: string): JournalRecord[] {
  const records: JournalRecord[] = [];
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    try {
      const value = JSON.parse(line) as Partial<JournalRecord>;
      if ((value.type === 'intent' && Array.isArray((value as JournalIntent).undo)) || value.type === 'done' || value.type === 'extend') {
        records.push(value as JournalRecord);
      }
    } catch {
      // torn write: ignored on purpose (see header)
    }
  }
  return records;
}

/** Pure: intents without a done record, oldest first, with their latest deadline. */
export function pendingIntents(records: JournalRecord[]): JournalIntent[] {
  const done = new Set<string>();
  const extended = new Map<string, number>();
  for (const r of records) {
    if (r.type === 'done') done.add(r.id);
    if (r.type === 'extend') extended.set(r.runId, Math.max(extended.get(r.runId) ?? 0, r.deadline));
  }
  return records
    .filter((r): r is JournalIntent => r.type === 'intent' && !done.has(r.id))
    .map((r) => ({ ...r, deadline: Math.max(r.deadline, extended.get(r.runId) ?? 0) }));
}

export interface ReplayReport {
  restored: JournalIntent[];
  failed: Array<{ entry: JournalIntent; spec: UndoSpec; error: unknown }>;
  /** Undos with nothing left to restore (their container was removed): counted as done. */
  moot: Array<{ entry: JournalIntent; spec: UndoSpec; error: unknown }>;
}

/**
 * Runs the undos of the given pending intents, newest intent first and each
 * intent's undos newest first; every undo is attempted even when one fails.
 * An intent is marked done only when all its undos succeeded (or were moot:
 * the container is gone), so a failure stays pending for the next
 * `loadctl chaos recover`.
 */
export async function replay(
  path: string,
  entries: JournalIntent[],
  undo: (spec: UndoSpec) => Promise<void>,
  by: JournalDone['by'],
  now: () => number = Date.now,
  isMoot: (error: unknown) => boolean = () => false,
): Promise<ReplayReport> {
  const report: ReplayReport = { restored: [], failed: [], moot: [] };
  for (const entry of [...entries].reverse()) {
    let ok = true;
    for (const spec of [...entry.undo].reverse()) {
      try {
        await undo(spec);
      } catch (error) {
        if (isMoot(error)) {
          report.moot.push({ entry, spec, error });
          continue;
        }
        ok = false;
        report.failed.push({ entry, spec, error });
      }
    }
    if (ok) {
      appendRecord(path, { type: 'done', id: entry.id, at: now(), by });
      report.restored.push(entry);
    }
  }
  return report;
}

export function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Refuses to start while a previous experiment left faults in place. */
export function assertNothingPending(path: string): void {
  const pending = pendingIntents(readJournal(path));
  if (pending.length === 0) return;
  const running = pending.find((e) => e.pid !== process.pid && pidAlive(e.pid));
  const list = pending.map((e) => `${e.experiment}: ${e.intent}`).join('; ');
  throw new EnvironmentError(
    running
      ? `another chaos experiment (pid ${running.pid}) is running: ${list}`
      : `a previous chaos experiment was not rolled back: ${list}`,
    { hint: running ? 'wait for it to finish, then run again' : 'loadctl chaos recover' },
  );
}

/**
 * One experiment at a time per directory: an exclusive lock file holding the
 * pid. A lock left by a dead process is taken over.
 */
export function acquireLock(path: string): () => void {
  mkdirSync(dirname(path), { recursive: true });
  for (let attempt = 0; attempt < 2; attempt += 1) {
    try {
      const fd = openSync(path, 'wx');
      writeSync(fd, String(process.pid));
      closeSync(fd);
      return () => {
        try {
          if (readFileSync(path, 'utf8').trim() === String(process.pid)) unlinkSync(path);
        } catch { /* already gone */ }
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const owner = Number(readFileSync(path, 'utf8').trim());
      if (Number.isInteger(owner) && owner > 0 && owner !== process.pid && pidAlive(owner)) {
        throw new EnvironmentError(`another chaos experiment (pid ${owner}) is running (lock ${path})`, { hint: 'wait for it to finish, then run again' });
      }
      unlinkSync(path);
    }
  }
  throw new EnvironmentError(`could not take the chaos lock ${path}`, { hint: `remove ${path} if no experiment is running` });
}

/**
 * Keeps the journal small: when nothing is pending and it has grown past
 * `maxBytes`, it moves to chaos-journal.old (replacing the previous one). Call
 * it only while holding the lock, so no run can be appending meanwhile.
 */
export function rotateIfLarge(path: string, maxBytes = 256 * 1024): boolean {
  let size: number;
  try {
    size = statSync(path).size;
  } catch {
    return false;
  }
  if (size <= maxBytes || pendingIntents(readJournal(path)).length > 0) return false;
  renameSync(path, `${path}.old`);
  syncDir(dirname(path));
  return true;
}
