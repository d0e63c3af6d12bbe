// The real remote-write bodies k6 v0.49.0 and v2.2.0 pushed (captured by
// test/fixtures/remote-write/*/*/NNN.{body.bin,headers.json}) decode, and
// their totals reconcile with the summary-export.json of the same run.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { RemoteWriteAggregator } from '../../../src/live/aggregate.ts';
import { decodeBody, labelValue, RemoteWriteError } from '../../../src/live/remote-write/decode.ts';
import { addDelta, emptyHistogram, quantile } from '../../../src/live/remote-write/histogram.ts';
import type { NativeHistogram, TimeSeries } from '../../../src/live/remote-write/protobuf.ts';
import { encodeBody } from './helpers/remote-write-encoder.ts';

const root = fileURLToPath(new URL('../../fixtures/remote-write/', import.meta.url));
const versions = ['v0.49.0', 'v2.2.0'];

interface Capture {
  pushes: TimeSeries[][];
  headers: Record<string, string>[];
  summary: { metrics: Record<string, Record<string, number>> };
}

function load(version: string, mode: string): Capture {
  const dir = `${root}${version}/${mode}/`;
  const ids = readdirSync(dir).filter((f) => f.endsWith('.body.bin')).map((f) => f.slice(0, 3)).sort();
  const headers = ids.map((id) => (JSON.parse(readFileSync(`${dir}${id}.headers.json`, 'utf8')) as { headers: Record<string, string> }).headers);
  const pushes = ids.map((id, i) => decodeBody(readFileSync(`${dir}${id}.body.bin`), headers[i]!));
  return { pushes, headers, summary: JSON.parse(readFileSync(`${dir}summary-export.json`, 'utf8')) };
}

/** The newest observation of each series of one metric, across all pushes (k6 only resends changed series). */
function finalBySeries<T>(pushes: TimeSeries[][], metric: string, pick: (s: TimeSeries) => T | undefined): Map<string, { s: TimeSeries; v: T }> {
  const out = new Map<string, { s: TimeSeries; v: T }>();
  for (const push of pushes) {
    for (const s of push) {
      if (labelValue(s, '__name__') !== metric) continue;
      const v = pick(s);
      if (v === undefined) continue;
      out.set(s.labels.filter((l) => l.name !== '__name__').map((l) => `${l.name}=${l.value}`).join(','), { s, v });
    }
  }
  return out;
}

const lastSample = (s: TimeSeries): number | undefined => s.samples[s.samples.length - 1]?.value;
const lastHistogram = (s: TimeSeries): NativeHistogram | undefined => s.histograms[s.histograms.length - 1];
const sum = (xs: number[]): number => xs.reduce((a, b) => a + b, 0);

for (const version of versions) {
  test(`${version}: every captured push carries k6's headers and decodes into k6_ series`, () => {
    for (const mode of ['native', 'stats']) {
      const c = load(version, mode);
      assert.equal(c.pushes.length, 6);
      for (const [i, push] of c.pushes.entries()) {
        assert.equal(c.headers[i]!['content-encoding'], 'snappy');
        assert.equal(c.headers[i]!['x-prometheus-remote-write-version'], '0.1.0');
        assert.ok(push.length > 0);
        for (const s of push) assert.match(labelValue(s, '__name__') ?? '', /^k6_/);
      }
    }
  });

  test(`${version} native: histograms are self-consistent and reconcile with summary-export`, () => {
    const c = load(version, 'native');
    const m = c.summary.metrics;
    const reqs = finalBySeries(c.pushes, 'k6_http_reqs_total', lastSample);
    assert.equal(sum([...reqs.values()].map((x) => x.v)), m.http_reqs!.count);
    const failed = sum([...reqs.values()].filter((x) => labelValue(x.s, 'expected_response') === 'false').map((x) => x.v));
    assert.equal(failed, m.http_req_failed!.passes, 'http_req_failed "passes" counts failed requests');

    const hists = finalBySeries(c.pushes, 'k6_http_req_duration_seconds', lastHistogram);
    const merged = emptyHistogram(8);
    for (const { v: h } of hists.values()) {
      assert.equal(h.schema, 3);
      assert.equal(sum(h.positive.map((b) => b.count)) + h.zeroCount, h.count, 'bucket counts add up to the count');
      addDelta(merged, h, undefined);
    }
    assert.equal(merged.count, m.http_reqs!.count, 'one duration per request');
    // Exact k6 percentiles vs the histogram's: within one bucket (2^(1/8)) either way, plus one rank.
    const base = 2 ** (1 / 8);
    for (const [q, key] of [[0.5, 'med'], [0.95, 'p(95)'], [0.99, 'p(99)']] as const) {
      const exact = m.http_req_duration![key]!;
      const approx = quantile(merged, q)! * 1000;
      assert.ok(approx > exact / base ** 2 && approx < exact * base ** 2, `${key}: histogram ${approx} vs k6 ${exact}`);
    }
  });

  test(`${version} stats: trend stats arrive as per-series gauges in seconds, count scaled by 1/1000`, () => {
    const c = load(version, 'stats');
    const m = c.summary.metrics;
    for (const push of c.pushes) for (const s of push) assert.equal(s.histograms.length, 0);
    const reqs = finalBySeries(c.pushes, 'k6_http_reqs_total', lastSample);
    assert.equal(sum([...reqs.values()].map((x) => x.v)), m.http_reqs!.count);
    // k6 converts the count stat like a duration (ms -> s): 162 requests arrive as 0.162.
    const counts = finalBySeries(c.pushes, 'k6_http_req_duration_count', lastSample);
    assert.equal(Math.round(sum([...counts.values()].map((x) => x.v)) * 1000), m.http_reqs!.count);
    // A quantile of the whole lies between the series' quantiles: catches a unit slip.
    for (const [stat, key] of [['p50', 'med'], ['p99', 'p(99)']] as const) {
      const perSeries = [...finalBySeries(c.pushes, `k6_http_req_duration_${stat}`, lastSample).values()].map((x) => x.v * 1000);
      const exact = m.http_req_duration![key]!;
      assert.ok(Math.min(...perSeries) <= exact && exact <= Math.max(...perSeries), `${key} ${exact} within [${perSeries}]`);
    }
  });

  for (const mode of ['native', 'stats']) {
    test(`${version} ${mode}: the aggregated timeline adds up to the run's totals, per endpoint and scenario`, () => {
      const c = load(version, mode);
      const agg = new RemoteWriteAggregator();
      for (const push of c.pushes) agg.ingest(push);
      const tl = agg.finish();
      assert.equal(sum(tl.total.map((s) => s.requests)), c.summary.metrics.http_reqs!.count);
      const reqs = [...finalBySeries(c.pushes, 'k6_http_reqs_total', lastSample).values()];
      for (const [tag, prefix] of [['name', 'name:'], ['scenario', 'scenario:']] as const) {
        const want = new Map<string, number>();
        for (const { s, v } of reqs) want.set(prefix + labelValue(s, tag), (want.get(prefix + labelValue(s, tag)) ?? 0) + v);
        for (const [key, n] of want) assert.equal(sum(tl.series[key]!.map((s) => s.requests)), n, key);
      }
      for (const list of Object.values(tl.series)) assert.equal(list.length, tl.total.length, 'series aligned with total');
      const busy = tl.total.filter((s) => s.requests > 0);
      if (mode === 'native') for (const s of busy) assert.ok(s.p99 !== null && s.p99 > 0.1 && s.p99 < 100, `p99 in ms: ${s.p99}`);
      else for (const s of busy) assert.equal(s.p99, null, 'stats mode has no per-second buckets');
    });
  }
}

test('a float histogram decodes to the same buckets as the integer one k6 sends', () => {
  const buckets = new Map([[-60, 3], [-59, 7], [-57, 1], [-40, 2]]);
  const mk = (float: boolean) =>
    decodeBody(encodeBody([{ labels: [{ name: '__name__', value: 'k6_x' }], histograms: [{ count: 13, sum: 0.5, schema: 3, zeroCount: 0, buckets, timestamp: 1795768896500, float }] }]), { 'content-encoding': 'snappy' })[0]!.histograms[0]!;
  const a = mk(false);
  const b = mk(true);
  assert.deepEqual(a.positive, [{ index: -60, count: 3 }, { index: -59, count: 7 }, { index: -57, count: 1 }, { index: -40, count: 2 }]);
  assert.deepEqual(b.positive, a.positive);
  assert.equal(b.count, 13);
  assert.equal(a.timestamp, 1795768896500);
});

test('bodies that are not snappy protobuf are refused with the status to answer', () => {
  const good = encodeBody([{ labels: [{ name: '__name__', value: 'k6_x' }], samples: [{ value: 1, timestamp: 1 }] }]);
  assert.throws(() => decodeBody(good, { 'content-encoding': 'gzip' }), (e: unknown) => e instanceof RemoteWriteError && e.status === 415);
  assert.throws(() => decodeBody(good, { 'content-encoding': 'snappy', 'content-type': 'application/json' }), (e: unknown) => e instanceof RemoteWriteError && e.status === 415);
  assert.throws(() => decodeBody(Buffer.from('not snappy at all'), { 'content-encoding': 'snappy' }), (e: unknown) => e instanceof RemoteWriteError && e.status === 400);
  const truncated = good.subarray(0, good.length - 3);
  assert.throws(() => decodeBody(truncated, { 'content-encoding': 'snappy' }), (e: unknown) => e instanceof RemoteWriteError && e.status === 400);
});
