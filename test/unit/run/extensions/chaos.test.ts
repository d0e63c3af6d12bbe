// The chaos extension alone, up to what runs without Docker: it is off
// without --chaos, and refuses a run that could not measure recovery before
// anything is loaded or touched. Under load with a real container:
// test/live-run/chaos-under-load.test.ts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chaosExtension } from '../../../../src/run/extensions/chaos.ts';
import { UsageError } from '../../../../src/errors.ts';
import { hostFor } from '../kit.ts';

const chaos = { experiment: 'redis-failure', at: { kind: 'steady' as const }, targets: {}, yes: true };

test('without --chaos it is not part of the run', async () => {
  assert.equal(await chaosExtension.open(hostFor()), null);
});

test('--no-live without --record: refused at once, nothing shared with the other extensions', async () => {
  const host = hostFor({ chaos, live: false, record: false });
  await assert.rejects(chaosExtension.open(host), (e: unknown) => e instanceof UsageError && /--chaos needs per-second data/.test(e.message));
  assert.deepEqual(host.shared, {});
});
