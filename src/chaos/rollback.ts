// The undo stack: every applied fault's undo steps, unwound newest first in a
// `finally`. Like citty's cleanup, one failing undo never stops the others;
// the failures are collected and returned. An entry is marked done in the
// journal only when all of its undos succeeded.
import type { UndoSpec } from './types.ts';

export interface UndoFailure {
  entryId: string;
  spec: UndoSpec;
  error: unknown;
}

interface Entry {
  id: string;
  specs: UndoSpec[];
}

export class UndoStack {
  private readonly entries: Entry[] = [];

  /** Pushed BEFORE apply: an apply that fails half-way is still undone (undos are idempotent). */
  push(id: string, specs: UndoSpec[]): void {
    this.entries.push({ id, specs: [...specs] });
  }

  get size(): number {
    return this.entries.length;
  }

  async unwind(
    run: (spec: UndoSpec) => Promise<void>,
    hooks: {
      onUndo?(spec: UndoSpec, error?: unknown, moot?: boolean): void;
      onEntryDone?(id: string): void;
      /** An error that means there is nothing left to restore (the container is gone). */
      isMoot?(error: unknown): boolean;
    } = {},
  ): Promise<{ failures: UndoFailure[]; moot: UndoFailure[] }> {
    const failures: UndoFailure[] = [];
    const moot: UndoFailure[] = [];
    // A hook that throws (a callback, a full disk for the journal) must not
    // stop the remaining undos.
    const safe = (fn: () => void) => { try { fn(); } catch { /* see above */ } };
    while (this.entries.length > 0) {
      const entry = this.entries.pop() as Entry;
      let ok = true;
      for (const spec of [...entry.specs].reverse()) {
        try {
          await run(spec);
        } catch (error) {
          const gone = hooks.isMoot?.(error) === true;
          if (gone) moot.push({ entryId: entry.id, spec, error });
          else {
            ok = false;
            failures.push({ entryId: entry.id, spec, error });
          }
          safe(() => hooks.onUndo?.(spec, error, gone));
          continue;
        }
        safe(() => hooks.onUndo?.(spec));
      }
      if (ok) safe(() => hooks.onEntryDone?.(entry.id));
    }
    return { failures, moot };
  }
}

/** One line for an undo step, for timelines, dry runs and error lists. */
export function describeUndo(spec: UndoSpec): string {
  // Helpers are named before they exist, so their id may still be their name.
  const c = spec.container.id === spec.container.name ? spec.container.name : `${spec.container.name} (${spec.container.id.slice(0, 12)})`;
  switch (spec.kind) {
    case 'start': return `start ${c}`;
    case 'unpause': return `unpause ${c}`;
    case 'connect': return `reconnect ${c} to ${spec.network}${spec.aliases.length > 0 ? ` with aliases ${spec.aliases.join(', ')}` : ''}${spec.ipv4 ? ` at ${spec.ipv4}` : ''}`;
    case 'update-resources': return `restore ${c} memory=${spec.memory} swap=${spec.memorySwap} reservation=${spec.memoryReservation}`;
    case 'tc-restore': return `restore qdisc on ${c} ${spec.device} via ${spec.via}: ${spec.restore.map((cmd) => cmd.join(' ')).join('; ') || '(none)'}`;
    case 'exec': return `exec in ${c}: ${spec.cmd.join(' ')}`;
    case 'remove-container': return `remove helper container ${c}`;
  }
}
