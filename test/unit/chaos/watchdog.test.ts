import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { appendRecord, pendingIntents, readJournal, type JournalIntent } from '../../../src/chaos/journal.ts';
import { findBin, watch } from '../../../src/chaos/watchdog.ts';
import type { UndoSpec } from '../../../src/chaos/types.ts';
import { fakeClock } from './memory-factory.ts';
import { tempDir } from '../../kit/temp.ts';

const ref = (name: string) => ({ id: `${name}-id`, name });
const intent = (runId: string, step: number, deadline: number, undo: UndoSpec[]): JournalIntent => ({
  type: 'intent', id: `${runId}/${step}`, runId, experiment: 'x', pid: 999_999_999, step, intent: `step ${step}`, undo, at: 0, deadline,
});

test('the watchdog waits for the deadline, then undoes all of its run newest first, and leaves other runs alone', async () => {
  const journal = join(tempDir('loadctl-wd-'), 'chaos-journal');
  const clock = fakeClock(0);
  appendRecord(journal, intent('mine', 0, 5000, [{ kind: 'start', container: ref('redis') }]));
  appendRecord(journal, intent('other', 0, 1000, [{ kind: 'unpause', container: ref('kafka') }]));
  appendRecord(journal, intent('mine', 1, 5200, [{ kind: 'unpause', container: ref('consumer') }]));
  const undone: Array<[string, number]> = [];
  const outcome = await watch({
    journal, runId: 'mine', now: clock.now, sleep: (ms) => clock.sleep(ms), pollMs: 500,
    undo: async (spec) => { undone.push([`${spec.kind} ${spec.container.name}`, clock.now()]); },
  });
  assert.equal(outcome, 'restored');
  assert.deepEqual(undone, [['unpause consumer', 5000], ['start redis', 5000]]);
  assert.deepEqual(pendingIntents(readJournal(journal)).map((e) => e.id), ['other/0']);
});

test('the watchdog exits at once when its run finished cleanly', async () => {
  const journal = join(tempDir('loadctl-wd-'), 'chaos-journal');
  appendRecord(journal, intent('run', 0, 10, [{ kind: 'start', container: ref('redis') }]));
  appendRecord(journal, { type: 'done', id: 'run/0', at: 5, by: 'engine' });
  let undos = 0;
  assert.equal(await watch({ journal, runId: 'run', undo: async () => { undos += 1; } }), 'clean');
  assert.equal(undos, 0);
});

test('a failing undo is retried, and given up with a log line long after the deadline', async () => {
  const journal = join(tempDir('loadctl-wd-'), 'chaos-journal');
  const clock = fakeClock(0);
  appendRecord(journal, intent('run', 0, 100, [{ kind: 'start', container: ref('gone') }]));
  const lines: string[] = [];
  let attempts = 0;
  const outcome = await watch({
    journal, runId: 'run', now: clock.now, sleep: (ms) => clock.sleep(ms), giveUpAfterMs: 10_000, log: (l) => lines.push(l),
    undo: async () => { attempts += 1; throw new Error('no such container'); },
  });
  assert.equal(outcome, 'gave-up');
  assert.equal(attempts, 6, 'at the deadline, then every 2 s until 10 s past it');
  assert.match(lines.at(-1) ?? '', /giving up: 1 undo\(s\) still failing; run `loadctl chaos recover`/);
});

test('findBin finds bin/loadctl.js from src/ and from a dist/ chunk', () => {
  const repo = join(import.meta.dirname, '..', '..', '..');
  assert.equal(findBin(join(repo, 'src', 'chaos', 'watchdog.ts')), join(repo, 'bin', 'loadctl.js'));
  assert.equal(findBin(join(repo, 'dist', 'chunk-x.js')), join(repo, 'bin', 'loadctl.js'));
});
