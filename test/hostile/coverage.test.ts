// Keeps the hostile-inputs table complete: every option of every command
// that takes a value must be tried with a bad value by some row in rows.ts
// (argv starting with the command and naming the option), or be listed
// below with the reason it has no row. A new option without either fails
// here, so it cannot skip the table.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { rows, type Ctx } from './rows.ts';
import { loadctl, makeCwd } from './harness.ts';

/** "command --option": why no row tries a bad value. */
const noRow: Record<string, string> = {
  'chaos --tc-image': 'an image reference: src/inputs/image.ts checks it (rows in sweep-medium-low.test.ts)',
  'stack --redis-image': 'an image reference: src/inputs/image.ts checks it (rows in sweep-medium-low.test.ts)',
  'stack --postgres-image': 'an image reference: src/inputs/image.ts checks it (rows in sweep-medium-low.test.ts)',
  'stack --node-image': 'an image reference: src/inputs/image.ts checks it (rows in sweep-medium-low.test.ts)',
  'gameday --redis-image': 'an image reference: src/inputs/image.ts checks it (rows in sweep-medium-low.test.ts)',
  'gameday --postgres-image': 'an image reference: src/inputs/image.ts checks it (rows in sweep-medium-low.test.ts)',
  'gameday --node-image': 'an image reference: src/inputs/image.ts checks it (rows in sweep-medium-low.test.ts)',
  'gameday --tc-image': 'an image reference: src/inputs/image.ts checks it (rows in sweep-medium-low.test.ts)',
  'k8s --image': 'an image reference: src/inputs/image.ts checks it (rows in sweep-medium-low.test.ts)',
  'k8s --out-dir': 'the run folder is made by the same code as run\'s (src/shared/run-folder.ts), whose rows cover it',
};

const dummy: Ctx = { hang: 1, blocked: 1, hangConnections: () => 0, k6: '/k6', ro: '/ro', sandbox: 'http://127.0.0.1:1' };

async function help(args: string[]): Promise<string> {
  const cwd = makeCwd({});
  try {
    const r = await loadctl([...args, '--help'], { cwd, timeoutMs: 60_000 });
    assert.equal(r.code, 0, r.stderr);
    return r.stdout;
  } finally {
    rmSync(cwd, { recursive: true, force: true });
  }
}

test('every option that takes a value has a row in the hostile-inputs table (or a reason it has none)', async () => {
  const top = await help([]);
  const commands = [...top.matchAll(/^ {2}([a-z][a-z0-9-]*) /gm)].map((m) => m[1]!).filter((c) => c !== 'help');
  assert.ok(commands.includes('run') && commands.includes('chaos'), top);
  const tried = new Set<string>();
  for (const row of rows) {
    const argv = row.argv(dummy);
    for (const arg of argv) if (arg.startsWith('--')) tried.add(`${argv[0]} ${arg}`);
  }
  const missing: string[] = [];
  for (const command of commands) {
    const text = await help([command]);
    for (const m of text.matchAll(/^ {2}(?:-\w, )?(--[a-z0-9-]+) <[^>]+>/gm)) {
      const key = `${command} ${m[1]}`;
      if (!tried.has(key) && !(key in noRow)) missing.push(key);
    }
  }
  assert.deepEqual(missing, [], `add a row to test/hostile/rows.ts for each (a bad value, its exit code and line), or a reason to noRow: ${missing.join(', ')}`);
  for (const key of Object.keys(noRow)) assert.ok(!tried.has(key), `${key} has a row now: drop it from noRow`);
});
