// Phase and recovery maths fed by the live feed itself, on k6's exact formats:
// requests with a known outage (the live feed's test-only truth builders) go
// through k6's NDJSON (--out json) and through remote-write pushes, and the
// recovery figures must match the built outage: to the request on the exact
// (NDJSON) path, to the second on the remote-write path.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RemoteWriteAggregator } from '../../../src/live/aggregate.ts';
import { NdjsonAggregator } from '../../../src/live/ndjson.ts';
import { analysePhases } from '../../../src/live/phases.ts';
import { decodeBody } from '../../../src/live/remote-write/decode.ts';
import type { Timeline } from '../../../src/live/types.ts';
import { buildTruth, ndjsonLines, simulatePushes, type Req } from './helpers/truth.ts';

const T0 = 1_795_770_000;
// Redis stopped at T0+19.5 s and started again at T0+28.3 s; the app keeps
// failing until its reconnect, so users see errors in seconds 20..32.
const reqs = buildTruth(T0, 60, [
  { name: 'book', from: 20, to: 33, failShare: 1, duration: 2500 },
  { name: 'search', from: 20, to: 33, failShare: 0.5, duration: 300 },
]);
const fault = { experiment: 'redis-failure', injectedAt: (T0 + 19.5) * 1000, rolledBackAt: (T0 + 28.3) * 1000, probesRecoveredAt: (T0 + 30) * 1000 };

function failuresIn(from: number, to: number): number {
  return reqs.filter((r: Req) => r.failed && r.ms >= (T0 + from) * 1000 && r.ms < (T0 + to) * 1000).length;
}

/**
 * The outage's last failure: `book` at T0+32.975 s (search had recovered
 * half-way through second 32); the first success after it: `search` at
 * T0+32.990 s. The exact feed finds that response (its stamp carries sub-ms
 * digits); the remote-write feed knows only that second 33 was healthy.
 */
const lastFailure = Math.max(...reqs.filter((r) => r.failed).map((r) => r.ms));
const firstSuccessAfter = Math.min(...reqs.filter((r) => !r.failed && r.ms > lastFailure).map((r) => r.ms));

function assertTruth(timeline: Timeline, path: string, resolution: 'request' | 'second'): void {
  const { phases, recovery } = analysePhases(timeline, fault);
  assert.equal(recovery.userRecoveryResolution, resolution, path);
  if (resolution === 'request') {
    assert.deepEqual([lastFailure, firstSuccessAfter], [(T0 + 32.975) * 1000, (T0 + 32.99) * 1000]);
    const at = recovery.userRecoveredAt!;
    assert.ok(at >= firstSuccessAfter && at < firstSuccessAfter + 1, `${path}: first success after the last failure, got ${at}`);
    // Sub-ms digits of the stamp: within 1 ms of 4.69 s and 2.99 s.
    assert.ok(Math.abs(recovery.userRecoverySeconds! - 4.69) <= 0.001, `${path}: ${recovery.userRecoverySeconds}`);
    assert.ok(Math.abs(recovery.gapSeconds! - 2.99) <= 0.001, `${path}: ${recovery.gapSeconds}`);
  } else {
    assert.equal(recovery.userRecoveredAt, (T0 + 33) * 1000, `${path}: first healthy second`);
    assert.equal(recovery.userRecoverySeconds, 4.7, path);
    assert.equal(recovery.gapSeconds, 3, path);
  }
  assert.equal(recovery.containerRecoverySeconds, 1.7, path);
  assert.equal(recovery.verdict, 'pass', path);
  const byName = Object.fromEntries(phases.map((p) => [p.phase, p]));
  assert.deepEqual([byName.fault?.from, byName.fault?.to], [T0 + 19, T0 + 28], path);
  assert.equal(byName.baseline?.failures, 0, path);
  assert.equal(byName.fault?.failures, failuresIn(19, 28), `${path}: fault failures`);
  assert.equal(byName.recovery?.failures, failuresIn(28, 33), `${path}: recovery failures`);
  assert.equal(byName.after?.failures, 0, path);
  assert.equal(byName.fault?.requests, 9 * 70, path);
  // Per endpoint: booking failed outright, search only half the time.
  const book = analysePhases(timeline, fault).bySeries['name:book'] ?? [];
  const search = analysePhases(timeline, fault).bySeries['name:search'] ?? [];
  assert.deepEqual(book.map((p) => p.failures), [0, 8 * 20, 5 * 20, 0], `${path}: book`);
  assert.deepEqual(search.map((p) => p.failures), [0, 8 * 25, 5 * 25, 0], `${path}: search`);
  assert.deepEqual(book.map((p) => p.verdict), ['pass', 'fail', 'fail', 'pass'], path);
}

test('NDJSON in k6 --out json format, VUs lagging each other: recovery to the request', () => {
  const agg = new NdjsonAggregator();
  agg.write(Buffer.from([...ndjsonLines(reqs, { vus: 10, lagMs: 1500 })].join('\n') + '\n', 'utf8'));
  assertTruth(agg.end(), 'ndjson', 'request');
});

test('remote-write pushes as k6 sends them: recovery to the second', () => {
  const agg = new RemoteWriteAggregator();
  const headers = { 'content-encoding': 'snappy', 'content-type': 'application/x-protobuf' };
  for (const p of simulatePushes(reqs)) agg.ingest(decodeBody(p.body, headers));
  assertTruth(agg.finish(), 'remote-write', 'second');
});
