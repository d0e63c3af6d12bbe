// Which interface the tc faults shape when the step names none: a container
// reconnected to its network (after network-partition) has eth1, not eth0.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { pickDevice } from '../../../src/chaos/faults/tc.ts';
import { UsageError } from '../../../src/errors.ts';

const show = (...devices: string[]) => devices.map((d) => `qdisc noqueue 0: dev ${d} root refcnt 2 \n`).join('');

test('eth0 when it is there, else the one interface besides lo, else a refusal naming them', () => {
  assert.equal(pickDevice(show('lo', 'eth0', 'eth1'), 'c'), 'eth0');
  assert.equal(pickDevice(show('lo', 'eth1'), 'c'), 'eth1');
  assert.throws(() => pickDevice(show('lo', 'eth1', 'eth2'), 'booking'), (e: unknown) => e instanceof UsageError && /booking has several interfaces \(eth1, eth2\)/.test(e.message));
  assert.throws(() => pickDevice(show('lo'), 'booking'), /no network interface/);
});
