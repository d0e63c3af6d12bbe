// The live-gates extension alone: its capability "may stop the load" (the
// pipeline's signal source carries its own SIGINT and the user's), and its
// say only when a gate, not the user, stopped the run.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { liveGatesExtension } from '../../../../src/run/extensions/live-gates.ts';
import type { RunReport } from '../../../../src/report/model.ts';
import { hostFor, root } from '../kit.ts';

const ctx = { runDir: root, report: {} as RunReport, timeline: undefined, profile: undefined };
const doc = { gates: [], abort: { gate: 'lock failures' } } as never;

test('the signal source it gives the pipeline is the user\'s, and it lets go of it after the load', async () => {
  const host = hostFor();
  const ext = await liveGatesExtension.open(host);
  const base = new EventEmitter();
  const signals = ext?.signals?.(base);
  assert.ok(signals);
  let heard = 0;
  signals.on('SIGINT', () => { heard += 1; });
  base.emit('SIGINT');
  assert.equal(heard, 1);
  assert.equal(ext?.stopping?.(), false);
  await ext?.afterLoad?.();
  // No gate ran (no Prometheus): nothing to say, and only the pipeline's own listener is left on the user's signals.
  assert.equal(host.shared.liveGates, null);
  assert.equal(base.listenerCount('SIGINT'), 1);
  assert.equal(await ext?.finish?.(ctx), undefined);
});

test('a gate that stopped the run has its say; with the user\'s Ctrl-C as well, it is the user\'s interruption', async () => {
  const host = hostFor();
  const ext = await liveGatesExtension.open(host);
  host.shared.liveGates = { doc, reason: 'gate "lock failures" failed 3 times in a row', userInterrupted: false };
  assert.deepEqual((await ext?.finish?.(ctx))?.say, { kind: 'stopped-by', reason: 'gate "lock failures" failed 3 times in a row' });
  host.shared.liveGates = { doc, reason: 'gate "lock failures" failed 3 times in a row', userInterrupted: true };
  assert.equal(await ext?.finish?.(ctx), undefined);
});
