// Runs a hostile-inputs table (rows.ts, or a file's own rows) against
// bin/loadctl.js, each row in a fresh folder, with the checks every row
// gets: its exit code and line, no stack trace or "unexpected error", no run
// folder left behind unless the row runs to the end, an exit within the time
// limit and, for a signal, soon after it. Each test file that calls it gets
// its own parts (hung server, blocked port, read-only mount, sandbox, k6).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { k6Path, k6Skip, missing } from '../kit/parts.ts';
import { blockedPortServer, hangingServer, loadctl, makeCwd, readOnlyMount, runFolders } from './harness.ts';
import type { Ctx, Row } from './rows.ts';
import { startSandbox, type Sandbox } from '../../src/sandbox/server.ts';

function skipReason(row: Row, ctx: Ctx): string | false {
  for (const need of row.needs ?? []) {
    if (need === 'k6' && !ctx.k6) return k6Skip('v2.2.0');
    if (need === 'ro' && !ctx.ro) return missing('a read-only mount', 'this machine cannot mount tmpfs (needs root)');
  }
  return row.skip?.() ?? false;
}

/**
 * How long a row may take before it counts as a hang: a ceiling, not a
 * measurement. Generous, because a busy 2-core machine runs a real k6
 * bundle or a Docker look-up many times slower than a quiet one (a row's
 * 13 s bundle under load was killed at the old 20 s); a hang never ends, so
 * the ceiling still catches it. A row's own timeoutMs can only raise it.
 */
const HANG_CEILING_MS = 90_000;

export function hostileTable(title: string, rows: Row[]): void {
  const ctx: Ctx = { hang: 0, blocked: 0, hangConnections: () => 0 };
  const closers: Array<() => unknown> = [];
  let sandbox: Sandbox | undefined;

  before(async () => {
    const blocked = await blockedPortServer();
    closers.push(() => blocked.close());
    ctx.blocked = blocked.port;
    const k6 = k6Path('v2.2.0');
    if (k6) ctx.k6 = k6;
    if (rows.some((r) => r.needs?.includes('ro'))) {
      const ro = readOnlyMount({ 'run/result.json': JSON.stringify({ schema: 'loadctl/run-result', version: 1, status: 'passed', targets: [] }) });
      if (ro) {
        ctx.ro = ro.path;
        closers.push(() => ro.remove());
      }
    }
    sandbox = await startSandbox({ port: 0 });
    ctx.sandbox = sandbox.url;
    closers.push(() => sandbox?.close());
  });

  after(async () => {
    for (const close of closers.reverse()) await close();
  });

  describe(title, { concurrency: 3 }, () => {
    for (const row of rows) {
      it(row.item, async (t) => {
        const skip = skipReason(row, ctx);
        if (skip) return t.skip(skip);
        const cwd = makeCwd(row.files ?? {});
        // A hung server of its own: rows run side by side, and a signal row waits for its own connection.
        const hang = await hangingServer();
        const c: Ctx = { ...ctx, hang: hang.port, hangConnections: hang.connections };
        try {
          const r = await loadctl(row.argv(c), {
            cwd,
            env: row.env?.(c) ?? {},
            ...(row.signal ? { signal: { send: row.signal.send, when: row.signal.when instanceof RegExp ? row.signal.when : row.signal.when(c, cwd) } } : {}),
            timeoutMs: Math.max(row.timeoutMs ?? 0, HANG_CEILING_MS),
          });
          const out = `${r.stdout}${r.stderr}`;
          const shown = `exit ${r.code} (signal ${r.signal}) after ${r.ms} ms:\n${out.slice(0, 2000)}`;
          assert.equal(r.code, row.code, shown);
          assert.match(out, row.line, shown);
          if (row.not) assert.doesNotMatch(out, row.not, shown);
          assert.doesNotMatch(out, /\n\s+at .+:\d+:\d+\)?\n/, 'no stack trace');
          assert.doesNotMatch(out, /unexpected error/, 'every failure is an expected one');
          if (row.signal) {
            assert.ok(r.msAfterSignal !== undefined && r.msAfterSignal < (row.promptMs ?? 2500), `exited ${r.msAfterSignal} ms after ${row.signal.send}`);
          }
          if (!row.keepsRuns) assert.deepEqual(runFolders(cwd), [], 'no run folder left behind');
          await row.after?.(cwd, r, c);
        } finally {
          await hang.close();
          rmSync(cwd, { recursive: true, force: true });
        }
      });
    }
  });
}
