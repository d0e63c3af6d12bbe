// Per-second maths of the remote-write aggregator on built truths: requests
// with known outage windows, turned into the pushes k6 would send (test-only
// encoder), decoded and aggregated. Counts must match the truth to the
// second; percentiles to within the native histogram's resolution.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RemoteWriteAggregator } from '../../../src/live/aggregate.ts';
import { decodeBody } from '../../../src/live/remote-write/decode.ts';
import type { LiveSecond } from '../../../src/live/timeline.ts';
import type { SecondStats, Timeline } from '../../../src/live/types.ts';
import { encodeBody } from './helpers/remote-write-encoder.ts';
import { buildTruth, expectedSeconds, labelsOf, simulatePushes, type Push, type Req } from './helpers/truth.ts';

const T0 = 1795768800;
// 40 % (not 50 %) of search fails, so no percentile's rank falls in the gap
// between the fast and the slow group, where k6's interpolation and the
// histogram's legitimately disagree by the width of the gap.
const OUTAGES = [
  { name: 'book', from: 10, to: 20, failShare: 1, duration: 2500 },
  { name: 'search', from: 12, to: 16, failShare: 0.4, duration: 300 },
];
const HEADERS = { 'content-encoding': 'snappy', 'content-type': 'application/x-protobuf' };
// Schema 3 buckets are 2^(1/8) wide; k6's rank rule and Prometheus' may pick neighbouring values.
const RESOLUTION = 2 ** (2 / 8);

function run(pushes: Push[], opts: { lateSeconds?: number } = {}): { tl: Timeline; agg: RemoteWriteAggregator; live: LiveSecond[] } {
  const live: LiveSecond[] = [];
  const agg = new RemoteWriteAggregator({ onSecond: (s) => live.push(s), ...opts });
  for (const p of pushes) agg.ingest(decodeBody(p.body, HEADERS));
  return { tl: agg.finish(), agg, live };
}

function assertMatches(got: SecondStats[], want: Map<number, SecondStats>, label: string): void {
  for (const s of got) {
    const w = want.get(s.t);
    const at = `${label} second ${s.t - T0}`;
    if (!w) {
      assert.equal(s.requests, 0, at);
      continue;
    }
    assert.equal(s.requests, w.requests, `${at} requests`);
    assert.equal(s.failures, w.failures, `${at} failures`);
    assert.equal(s.errorRate, w.errorRate, `${at} error rate`);
    for (const p of ['p50', 'p95', 'p99'] as const) {
      const a = s[p]!;
      const b = w[p]!;
      assert.ok(a > b / RESOLUTION && a < b * RESOLUTION, `${at} ${p}: ${a} vs truth ${b}`);
    }
  }
  const covered = new Set(got.map((s) => s.t));
  for (const t of want.keys()) assert.ok(covered.has(t), `${label} second ${t - T0} missing`);
}

function assertTruth(tl: Timeline, reqs: Req[]): void {
  assertMatches(tl.total, expectedSeconds(reqs), 'total');
  for (const name of ['search', 'book']) assertMatches(tl.series[`name:${name}`]!, expectedSeconds(reqs, (r) => r.name === name), name);
  for (const sc of ['browse', 'book']) assertMatches(tl.series[`scenario:${sc}`]!, expectedSeconds(reqs, (r) => r.scenario === sc), sc);
}

test('an outage built into the traffic shows up in exactly its seconds, per endpoint and scenario', () => {
  const reqs = buildTruth(T0, 30, OUTAGES);
  const { tl } = run(simulatePushes(reqs));
  assert.equal(tl.total[0]!.t, T0);
  assert.equal(tl.total.length, 30);
  assertTruth(tl, reqs);
  const failing = tl.series['name:book']!.filter((s) => s.errorRate === 1).map((s) => s.t - T0);
  assert.deepEqual(failing, [10, 11, 12, 13, 14, 15, 16, 17, 18, 19]);
  const slow = tl.total.filter((s) => s.p99! > 2000).map((s) => s.t - T0);
  assert.deepEqual(slow, [10, 11, 12, 13, 14, 15, 16, 17, 18, 19]);
});

test('pushes that arrive late, out of order or twice give the same timeline', () => {
  const reqs = buildTruth(T0, 30, OUTAGES);
  const pushes = simulatePushes(reqs);
  const messy: Push[] = [];
  for (let i = 0; i < pushes.length; i += 2) {
    // Swap neighbours (the second arrives first), and send every third one twice.
    const pair = [pushes[i + 1], pushes[i]].filter((p): p is Push => p !== undefined);
    for (const p of pair) {
      messy.push(p);
      if (i % 3 === 0) messy.push(p);
    }
  }
  const { tl, agg } = run(messy);
  assertTruth(tl, reqs);
  assert.ok(agg.stats.duplicates > 0);
});

test('a counter reset (k6 started over against the same receiver) loses nothing', () => {
  const reqs = buildTruth(T0, 30, OUTAGES);
  const { tl, agg } = run(simulatePushes(reqs, { restartAt: T0 + 15 }));
  assertTruth(tl, reqs);
  assert.ok(agg.stats.resets > 0);
});

test('a push later than the open window still counts, in the first open second', () => {
  const reqs = buildTruth(T0, 20, []);
  const pushes = simulatePushes(reqs);
  const late = pushes.splice(5, 1)[0]!; // second 5's push arrives after second 12's
  pushes.splice(12, 0, late);
  const { tl } = run(pushes, { lateSeconds: 3 });
  const total = tl.total.reduce((a, s) => a + s.requests, 0);
  assert.equal(total, reqs.length);
  // Second 5's requests were carried by second 6's cumulative push.
  assert.equal(tl.total[5]!.requests, 0);
  assert.equal(tl.total[6]!.requests, 140);
});

test('each finished second is reported once, in order, as the run goes', () => {
  const reqs = buildTruth(T0, 40, OUTAGES);
  const pushes = simulatePushes(reqs);
  const live: LiveSecond[] = [];
  const agg = new RemoteWriteAggregator({ onSecond: (s) => live.push(s), lateSeconds: 2 });
  let maxHeld = 0;
  for (const [i, p] of pushes.entries()) {
    agg.ingest(decodeBody(p.body, HEADERS));
    // Three seconds behind the newest push at most: the live line lags by the window only.
    assert.ok(live.length >= i - 2, `after push ${i}: ${live.length} seconds reported`);
    maxHeld = Math.max(maxHeld, agg.held.observations);
  }
  const tl = agg.finish();
  assert.deepEqual(live.map((s) => s.total.t), tl.total.map((s) => s.t));
  assert.deepEqual(live[15]!.total, tl.total[15]);
  assert.deepEqual(live[15]!.series['name:book'], tl.series['name:book']![15]);
  // Per series: the open window plus one baseline, whatever the run's length.
  assert.ok(maxHeld <= agg.held.series * 4, `held ${maxHeld} observations for ${agg.held.series} series`);
});

test('the wall clock finishes seconds when k6 goes quiet', () => {
  const reqs = buildTruth(T0, 10, []);
  const live: LiveSecond[] = [];
  const agg = new RemoteWriteAggregator({ onSecond: (s) => live.push(s), lateSeconds: 3 });
  for (const p of simulatePushes(reqs)) agg.ingest(decodeBody(p.body, HEADERS));
  assert.equal(live.length, 7);
  agg.tick((T0 + 20) * 1000);
  assert.deepEqual(live.map((s) => s.total.t - T0), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  assert.equal(live[9]!.total.requests, 70);
});

test('a push stamped absurdly far from the run is ignored instead of filling years of empty seconds', () => {
  const reqs = buildTruth(T0, 5, []);
  const bogus = simulatePushes(buildTruth(1000, 1, []))[0]!; // 1970
  const { tl, agg } = run([...simulatePushes(reqs), bogus]);
  assert.equal(tl.total.length, 5);
  assert.equal(tl.total.reduce((a, s) => a + s.requests, 0), reqs.length);
  assert.equal(agg.stats.dropped, 1);
});

test('stale markers at the end of a run (NaN samples and histograms) change nothing', () => {
  const reqs = buildTruth(T0, 5, []);
  const pushes = simulatePushes(reqs);
  const labels = (metric: string) => labelsOf(reqs[0]!, metric); // the same series k6 has been sending
  const stale = encodeBody([
    { labels: labels('k6_http_reqs_total'), samples: [{ value: NaN, timestamp: (T0 + 5) * 1000 + 999 }] },
    { labels: labels('k6_http_req_duration_seconds'), histograms: [{ count: 0, sum: NaN, schema: 3, zeroCount: 0, buckets: new Map(), timestamp: (T0 + 5) * 1000 + 999 }] },
  ]);
  const { tl, agg } = run([...pushes, { at: 0, body: stale }]);
  assert.equal(tl.total.reduce((a, s) => a + s.requests, 0), reqs.length);
  assert.equal(agg.stats.resets, 0);
});

test('a push ticker wobbling around the half second leaves no empty second and no doubled one', () => {
  const reqs = buildTruth(T0, 30, []);
  // Flushes at x.48, x.52, x.48...: placed by their timestamps alone, two pushes would
  // share a second and leave its neighbour empty, which would break a recovery streak.
  const { tl } = run(simulatePushes(reqs, { phaseMs: 500, jitterMs: (k) => (k % 2 === 0 ? -20 : 20) }));
  const steady = tl.total.slice(1, -1);
  assert.ok(steady.length >= 27, `seconds: ${tl.total.length}`);
  for (const s of steady) assert.ok(s.requests >= 60 && s.requests <= 80, `second ${s.t - T0}: ${s.requests} requests (70/s sent)`);
  assert.equal(tl.total.reduce((n, s) => n + s.requests, 0), reqs.length);
});
