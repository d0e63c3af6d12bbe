import { test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { acquireLock, appendRecord, assertNothingPending, parseJournal, pendingIntents, readJournal, replay, rotateIfLarge, type JournalIntent } from '../../../src/chaos/journal.ts';
import { existsSync } from 'node:fs';
import { EnvironmentError } from '../../../src/errors.ts';
import type { UndoSpec } from '../../../src/chaos/types.ts';
import { tempDir } from '../../kit/temp.ts';

const ref = (name: string) => ({ id: `${name}-id`, name });
function intent(id: string, undo: UndoSpec[], pid = 999_999_999): JournalIntent {
  return { type: 'intent', id, runId: 'r', experiment: 'x', pid, step: 0, intent: `intent ${id}`, undo, at: 1, deadline: 2 };
}
const dir = () => tempDir('loadctl-journal-');

test('a torn last line is ignored and pending means an intent without its done record', () => {
  const text = [
    JSON.stringify(intent('a', [])), JSON.stringify(intent('b', [])),
    JSON.stringify({ type: 'done', id: 'a', at: 3, by: 'engine' }),
    '{"type":"intent","id":"c","und',
  ].join('\n');
  const records = parseJournal(text);
  assert.equal(records.length, 3);
  assert.deepEqual(pendingIntents(records).map((e) => e.id), ['b']);
});

test('replay runs pending undos newest first, marks done only what fully succeeded', async () => {
  const path = join(dir(), '.loadctl', 'chaos-journal');
  appendRecord(path, intent('r/0', [{ kind: 'exec', container: ref('redis'), cmd: ['x'] }, { kind: 'start', container: ref('redis') }]));
  appendRecord(path, intent('r/1', [{ kind: 'unpause', container: ref('kafka') }]));
  appendRecord(path, intent('r/2', [{ kind: 'start', container: ref('gone') }]));
  appendRecord(path, { type: 'done', id: 'r/1', at: 5, by: 'engine' });
  const ran: string[] = [];
  const report = await replay(path, pendingIntents(readJournal(path)), async (spec) => {
    ran.push(`${spec.kind} ${spec.container.name}`);
    if (spec.container.name === 'gone') throw new Error('no such container');
  }, 'recover');
  assert.deepEqual(ran, ['start gone', 'start redis', 'exec redis']);
  assert.deepEqual(report.restored.map((e) => e.id), ['r/0']);
  assert.deepEqual(report.failed.map((f) => f.entry.id), ['r/2']);
  assert.deepEqual(pendingIntents(readJournal(path)).map((e) => e.id), ['r/2']);
  const done = readJournal(path).filter((r) => r.type === 'done');
  assert.deepEqual(done.map((r) => r.type === 'done' && r.by), ['engine', 'recover']);
});

test('assertNothingPending names the leftover and the recover command', () => {
  const path = join(dir(), 'chaos-journal');
  assert.doesNotThrow(() => assertNothingPending(path));
  appendFileSync(path, `${JSON.stringify(intent('z', []))}\n`);
  assert.throws(() => assertNothingPending(path), (error: unknown) =>
    error instanceof EnvironmentError && /intent z/.test(error.message) && error.hint === 'loadctl chaos recover');
});

test('the lock refuses a second holder while its owner lives, and takes over a dead one', () => {
  const path = join(dir(), 'chaos.lock');
  const release = acquireLock(path);
  release();
  writeFileSync(path, String(process.ppid));
  assert.throws(() => acquireLock(path), /another chaos experiment \(pid \d+\) is running/);
  writeFileSync(path, '999999999');
  const again = acquireLock(path);
  again();
});

test('a large journal is rotated only when nothing is pending', () => {
  const path = join(dir(), 'chaos-journal');
  appendRecord(path, intent('p', [{ kind: 'start', container: ref('redis') }]));
  assert.equal(rotateIfLarge(path, 10), false, 'pending: kept');
  appendRecord(path, { type: 'done', id: 'p', at: 1, by: 'engine' });
  assert.equal(rotateIfLarge(path, 1_000_000), false, 'small: kept');
  assert.equal(rotateIfLarge(path, 10), true);
  assert.equal(existsSync(path), false);
  assert.equal(readJournal(`${path}.old`).length, 2);
  assert.deepEqual(readJournal(path), []);
});

test('an extend record moves the deadline of every pending entry of its run, never earlier', () => {
  const records = parseJournal([
    JSON.stringify({ ...intent('r/0', []), deadline: 100 }),
    JSON.stringify({ ...intent('r/1', []), deadline: 300 }),
    JSON.stringify({ ...intent('q/0', []), runId: 'q', deadline: 100 }),
    JSON.stringify({ type: 'extend', id: 'r/extend', runId: 'r', deadline: 250, at: 0 }),
  ].join('\n'));
  assert.deepEqual(pendingIntents(records).map((e) => [e.id, e.deadline]), [['r/0', 250], ['r/1', 300], ['q/0', 100]]);
});
