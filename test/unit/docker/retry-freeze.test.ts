// retryFreeze: a pause that runc could not finish ("unable to freeze", seen on a
// busy CI machine) is tried again; every other refusal is final at once.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { freezeAttempts, retryFreeze } from '../../../src/docker/client.ts';

/** An engine answer the way dockerode rejects it: HTTP status plus the daemon's JSON. */
function refusal(message: string): Error {
  return Object.assign(new Error(`(HTTP code 500) server error - ${message}`), { statusCode: 500, json: { message } });
}

test('a freezer that gives up is tried again until the pause goes through', async () => {
  let calls = 0;
  await retryFreeze(async () => {
    calls += 1;
    if (calls < freezeAttempts) throw refusal('Cannot pause container abc: OCI runtime pause failed: unable to freeze: unknown');
  });
  assert.equal(calls, freezeAttempts);
});

test('a freezer that never settles fails with the daemon\'s own error after the last attempt', async () => {
  let calls = 0;
  await assert.rejects(
    retryFreeze(async () => {
      calls += 1;
      throw refusal('OCI runtime pause failed: unable to freeze: unknown');
    }),
    /unable to freeze/,
  );
  assert.equal(calls, freezeAttempts);
});

test('any other refusal (container not running, already paused) is not retried', async () => {
  let calls = 0;
  await assert.rejects(
    retryFreeze(async () => {
      calls += 1;
      throw refusal('Container abc is not running');
    }),
    /not running/,
  );
  assert.equal(calls, 1);
});
