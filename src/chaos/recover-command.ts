// `loadctl chaos recover` (replays what a crashed run left pending) and the
// hidden `loadctl chaos watchdog` (the detached process of watchdog.ts).
import { ExitCode, EnvironmentError } from '../errors.ts';
import type { Ui } from '../ui.ts';
import { appendRecord, journalPath, pendingIntents, pidAlive, readJournal, replay } from './journal.ts';
import { describeUndo } from './rollback.ts';
import { watch, watchdogLogger } from './watchdog.ts';
import { createDockerFaultFactory } from './factory.ts';
import { connectDocker } from './wiring.ts';
import { isContainerGone } from './engine.ts';

export interface RecoverOptions {
  cwd: string;
  /** Also undo entries whose experiment process still runs. */
  force?: boolean;
  /** Mark pending entries done without undoing them (their containers are gone for good). */
  forget?: boolean;
  json?: boolean;
}

export async function recover(options: RecoverOptions, ui: Ui): Promise<number> {
  const journal = journalPath(options.cwd);
  const pending = pendingIntents(readJournal(journal));
  const report = (doc: object) => { if (options.json) process.stdout.write(`${JSON.stringify({ schema: 'loadctl/chaos-recover', version: 1, ...doc }, null, 2)}\n`); };
  if (pending.length === 0) {
    ui.result(`nothing to recover: the chaos journal ${journal} has no pending undo`);
    report({ restored: [], failed: [], forgotten: [] });
    return ExitCode.Ok;
  }
  const live = pending.filter((e) => e.pid !== process.pid && pidAlive(e.pid));
  if (live.length > 0 && !options.force) {
    throw new EnvironmentError(`experiment ${live[0]?.experiment} (pid ${live[0]?.pid}) is still running and will roll back itself`, {
      hint: 'stop it with Ctrl-C (it rolls back), or run `loadctl chaos recover --force` if that process is not loadctl',
    });
  }
  if (options.forget) {
    for (const entry of pending) {
      appendRecord(journal, { type: 'done', id: entry.id, at: Date.now(), by: 'recover' });
      ui.warn(`forgotten without undo: ${entry.experiment}: ${entry.intent}`);
    }
    report({ restored: [], failed: [], forgotten: pending.map((e) => e.id) });
    return ExitCode.Ok;
  }
  const docker = await connectDocker();
  ui.info(`replaying ${pending.length} pending step(s) from ${journal} on ${docker.endpoint}`);
  const outcome = await replay(journal, pending, (spec) => docker.factory.undo(spec), 'recover', Date.now, isContainerGone);
  for (const entry of outcome.restored) {
    ui.result(`restored: ${entry.experiment}: ${entry.intent}`);
    for (const spec of [...entry.undo].reverse()) ui.info(`  undone: ${describeUndo(spec)}`);
  }
  for (const gone of outcome.moot) {
    ui.result(`nothing to restore: ${gone.entry.experiment}: ${describeUndo(gone.spec)}: the container was removed`);
  }
  for (const failure of outcome.failed) {
    ui.result(`NOT restored: ${failure.entry.experiment}: ${describeUndo(failure.spec)}: ${failure.error instanceof Error ? failure.error.message : String(failure.error)}`);
  }
  report({
    restored: outcome.restored.map((e) => e.id),
    failed: outcome.failed.map((f) => ({ id: f.entry.id, undo: describeUndo(f.spec), message: f.error instanceof Error ? f.error.message : String(f.error) })),
    forgotten: [],
  });
  if (outcome.failed.length > 0) {
    ui.warn('some undos failed and stay pending; fix the cause and run `loadctl chaos recover` again, or `loadctl chaos recover --forget` if those containers are gone for good');
    return ExitCode.Environment;
  }
  return ExitCode.Ok;
}

/** The detached watchdog's body: no terminal, so it logs next to the journal. */
export async function watchdogMain(options: { journal: string; runId: string }): Promise<number> {
  const log = watchdogLogger(options.journal);
  const factory = createDockerFaultFactory();
  log(`watching run ${options.runId}`);
  const outcome = await watch({ journal: options.journal, runId: options.runId, undo: (spec) => factory.undo(spec), isMoot: isContainerGone, log });
  log(`done (${outcome})`);
  return outcome === 'gave-up' ? ExitCode.Environment : ExitCode.Ok;
}
