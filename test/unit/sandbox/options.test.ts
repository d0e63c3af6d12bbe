import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseDuration, parseSandboxOptions } from '../../../src/sandbox/options.ts';
import { formatDuration } from '../../../src/shared/duration.ts';
import { rowName } from '../../../src/sandbox/store.ts';

test('durations: units, bare seconds, and garbage', () => {
  assert.equal(parseDuration('5m'), 300_000);
  assert.equal(parseDuration('1500ms'), 1500);
  assert.equal(parseDuration('2'), 2000);
  assert.equal(parseDuration('1.5s'), 1500);
  assert.equal(parseDuration('5 minutes'), undefined);
  assert.equal(parseDuration('-1s'), undefined);
  assert.equal(formatDuration(300_000), '5m');
  assert.equal(formatDuration(1500), '1.5s');
});

test('sandbox options: every problem reported at once', () => {
  const bad = parseSandboxOptions({ port: '70000', holdTtl: '500ms', redis: 'http://x', events: '0', postgres: 'mysql://x' });
  assert.equal(bad.ok, false);
  if (!bad.ok) {
    assert.equal(bad.errors.length, 5);
    assert.match(bad.errors.join('\n'), /--port.*70000[\s\S]*--events[\s\S]*--hold-ttl[\s\S]*--postgres must be a URL such as postgres:\/\/[\s\S]*--redis must be a URL such as redis:\/\//);
  }
  assert.deepEqual(parseSandboxOptions({ postgres: 'postgresql://u@127.0.0.1:5433/t' }), { ok: true, value: { postgresUrl: 'postgresql://u@127.0.0.1:5433/t' } });
  assert.deepEqual(parseSandboxOptions({ port: '0', holdTtl: '1s', redis: 'redis://127.0.0.1:6390', seats: '50' }), {
    ok: true, value: { port: 0, holdTtlMs: 1000, redisUrl: 'redis://127.0.0.1:6390', seatsPerEvent: 50 },
  });
});

test('row names continue past Z', () => {
  assert.deepEqual([0, 25, 26, 27, 51, 52].map(rowName), ['A', 'Z', 'AA', 'AB', 'AZ', 'BA']);
});
