// The watchdog: a detached process started right after a run's first journal
// entry. If loadctl dies (kill -9, OOM, a closed laptop lid) the undo stack in
// its `finally` never runs; the watchdog then replays the run's pending undos
// from the journal once their deadline (planned end + grace) has passed. It
// exits as soon as the run's entries are all done, so a normal run leaves no
// process behind. It has its own session (detached), so the Ctrl-C that hits
// loadctl's process group never reaches it.
import { spawn } from 'node:child_process';
import { appendFileSync, existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { pendingIntents, readJournal, replay } from './journal.ts';
import { abortableSleep } from './recovery.ts';
import { describeUndo } from './rollback.ts';
import type { UndoSpec } from './types.ts';

/** bin/loadctl.js of this installation, found from this module (src/ or a dist/ chunk). */
export function findBin(from: string = fileURLToPath(import.meta.url)): string {
  let dir = dirname(from);
  for (let i = 0; i < 6; i += 1) {
    const bin = join(dir, 'bin', 'loadctl.js');
    if (existsSync(bin)) return bin;
    dir = dirname(dir);
  }
  throw new Error(`bin/loadctl.js not found above ${from}`);
}

/** Starts `loadctl chaos watchdog` detached and unreferenced: it outlives this process. */
export function spawnWatchdog(info: { journal: string; runId: string }, bin: string = findBin()): number | undefined {
  const child = spawn(process.execPath, [bin, 'chaos', 'watchdog', '--journal', info.journal, '--run-id', info.runId], {
    detached: true,
    stdio: 'ignore',
    env: process.env,
  });
  // An async spawn failure must not crash the experiment mid-fault; the
  // journal still lets `loadctl chaos recover` do the watchdog's job.
  child.on('error', () => {});
  child.unref();
  return child.pid;
}

export interface WatchOptions {
  journal: string;
  runId: string;
  undo(spec: UndoSpec): Promise<void>;
  /** Errors that leave nothing to restore (container removed). */
  isMoot?(error: unknown): boolean;
  pollMs?: number;
  /** Stop retrying failed undos this long after the deadline. */
  giveUpAfterMs?: number;
  now?(): number;
  sleep?(ms: number): Promise<void>;
  log?(line: string): void;
}

/** Returns how the watch ended: the run finished cleanly, the watchdog restored it, or it gave up. */
export async function watch(o: WatchOptions): Promise<'clean' | 'restored' | 'gave-up'> {
  const now = o.now ?? Date.now;
  const sleep = o.sleep ?? ((ms: number) => abortableSleep(ms));
  const log = o.log ?? (() => {});
  const pollMs = o.pollMs ?? 500;
  let acted = false;
  for (;;) {
    const pending = pendingIntents(readJournal(o.journal)).filter((e) => e.runId === o.runId);
    if (pending.length === 0) return acted ? 'restored' : 'clean';
    const due = Math.min(...pending.map((e) => e.deadline));
    if (now() >= due) {
      if (now() > due + (o.giveUpAfterMs ?? 300_000)) {
        log(`giving up: ${pending.length} undo(s) still failing; run \`loadctl chaos recover\``);
        return 'gave-up';
      }
      // All of the run's pending entries at once, newest first: a later step
      // must be undone before an earlier one, whatever their deadlines.
      log(`deadline passed for run ${o.runId}; undoing ${pending.length} step(s)`);
      const report = await replay(o.journal, pending, o.undo, 'watchdog', now, o.isMoot);
      acted = true;
      for (const e of report.restored) log(`restored: ${e.intent} (${e.undo.map(describeUndo).join('; ')})`);
      for (const m of report.moot) log(`nothing to restore (container removed): ${describeUndo(m.spec)}`);
      for (const f of report.failed) log(`undo failed: ${describeUndo(f.spec)}: ${f.error instanceof Error ? f.error.message : String(f.error)}`);
      if (report.failed.length > 0) await sleep(2000);
      continue;
    }
    await sleep(Math.min(pollMs, Math.max(50, due - now())));
  }
}

/** Appends to .loadctl/chaos-watchdog.log next to the journal: the watchdog has no terminal. */
export function watchdogLogger(journal: string): (line: string) => void {
  const path = join(dirname(journal), 'chaos-watchdog.log');
  return (line) => {
    try {
      appendFileSync(path, `${new Date().toISOString()} pid ${process.pid} ${line}\n`);
    } catch { /* nowhere left to report */ }
  };
}
