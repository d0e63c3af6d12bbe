// The NDJSON record (`k6 run --out json=FILE`): the real files k6 v0.49.0 and
// v2.2.0 wrote match their summary-export totals and a plain JSON.parse
// reading, and built truths in k6's exact format come out to the second.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';
import { aggregateNdjsonFile, NdjsonAggregator } from '../../../src/live/ndjson.ts';
import { percentile } from '../../../src/live/ndjson-window.ts';
import type { LiveSecond } from '../../../src/live/timeline.ts';
import type { SecondStats, Timeline } from '../../../src/live/types.ts';
import { buildTruth, expectedOutcomes, expectedSeconds, lcg, ndjsonLines, type Req } from './helpers/truth.ts';
import { tempDir } from '../../kit/temp.ts';

const fixtures = fileURLToPath(new URL('../../fixtures/live/', import.meta.url));
const T0 = 1795768800;
const OUTAGES = [
  { name: 'book', from: 10, to: 20, failShare: 1, duration: 2500 },
  { name: 'search', from: 12, to: 16, failShare: 0.5, duration: 300 },
];

/** The obvious reading, line by line with JSON.parse: the reference the scanner must equal. */
function reference(text: string): { seconds: Map<number, SecondStats>; all: number[] } {
  const acc = new Map<number, { r: number; f: number; d: number[]; o: Array<{ ms: number; failed: boolean }> }>();
  const all: number[] = [];
  for (const line of text.split('\n')) {
    if (line === '') continue;
    const doc = JSON.parse(line) as { type: string; metric: string; data: { time: string; value: number } };
    if (doc.type !== 'Point' || !['http_reqs', 'http_req_failed', 'http_req_duration'].includes(doc.metric)) continue;
    const ms = Date.parse(doc.data.time);
    const t = Math.floor(ms / 1000);
    const a = acc.get(t) ?? acc.set(t, { r: 0, f: 0, d: [], o: [] }).get(t)!;
    if (doc.metric === 'http_reqs') a.r += doc.data.value;
    else if (doc.metric === 'http_req_failed') {
      a.f += doc.data.value;
      a.o.push({ ms, failed: doc.data.value > 0 });
    } else {
      a.d.push(doc.data.value);
      all.push(doc.data.value);
    }
  }
  const seconds = new Map<number, SecondStats>();
  for (const [t, a] of acc) {
    const s = Float64Array.from(a.d).sort();
    seconds.set(t, {
      t, requests: a.r, failures: a.f, errorRate: a.r > 0 ? a.f / a.r : 0, p50: percentile(s, 0.5), p95: percentile(s, 0.95), p99: percentile(s, 0.99),
      ...expectedOutcomes(a.o),
    });
  }
  return { seconds, all };
}

/** The outcome times are kept to the µs; the references read them to the ms (Date.parse). */
function toMs(s: SecondStats): SecondStats {
  const out = { ...s };
  if (s.failRuns) out.failRuns = s.failRuns.map(([a, b, c]) => [Math.floor(a), Math.floor(b), c === null ? null : Math.floor(c)]);
  if (typeof s.firstOkAt === 'number') out.firstOkAt = Math.floor(s.firstOkAt);
  return out;
}

function assertEqualSeconds(got: SecondStats[], want: Map<number, SecondStats>, label: string): void {
  for (const s of got) assert.deepEqual(toMs(s), want.get(s.t) ?? { t: s.t, requests: 0, failures: 0, errorRate: 0, p50: null, p95: null, p99: null }, `${label} second ${s.t}`);
  for (const t of want.keys()) assert.ok(got.some((s) => s.t === t), `${label} second ${t} missing`);
}

function feed(text: string, chunks: number[] | null, opts: { lateSeconds?: number } = {}): { tl: Timeline; agg: NdjsonAggregator; live: LiveSecond[] } {
  const live: LiveSecond[] = [];
  const agg = new NdjsonAggregator({ onSecond: (s) => live.push(s), ...opts });
  const buf = Buffer.from(text, 'utf8');
  if (chunks === null) agg.write(buf);
  else for (let i = 0, k = 0; i < buf.length; k++) {
    const n = chunks[k % chunks.length]!;
    agg.write(buf.subarray(i, i + n));
    i += n;
  }
  return { tl: agg.end(), agg, live };
}

for (const version of ['v0.49.0', 'v2.2.0']) {
  test(`${version}: the real --out json file matches summary-export and a JSON.parse reading, second by second`, async () => {
    const path = `${fixtures}${version}/pass.points.ndjson`;
    const summary = JSON.parse(readFileSync(`${fixtures}${version}/pass.summary-export.json`, 'utf8')) as { metrics: Record<string, Record<string, number>> };
    const { timeline, stats } = await aggregateNdjsonFile(path);
    const m = summary.metrics;
    assert.equal(timeline.total.reduce((a, s) => a + s.requests, 0), m.http_reqs!.count);
    assert.equal(timeline.total.reduce((a, s) => a + s.failures, 0), m.http_req_failed!.passes);
    assert.equal(stats.parsed, 0, 'every line of real k6 output takes the fast path');
    assert.equal(stats.points, 3 * m.http_reqs!.count!);
    const ref = reference(readFileSync(path, 'utf8'));
    assertEqualSeconds(timeline.total, ref.seconds, 'total');
    // k6's own percentile rule, as used per second, gives the summary's figures for the whole run.
    const all = Float64Array.from(ref.all).sort();
    for (const [q, key] of [[0.5, 'med'], [0.95, 'p(95)'], [0.99, 'p(99)']] as const) {
      assert.ok(Math.abs(percentile(all, q)! - m.http_req_duration![key]!) < 1e-9, key);
    }
    const names = Object.keys(timeline.series).sort();
    assert.deepEqual(names, ['name:book', 'name:login', 'name:search', 'scenario:book', 'scenario:browse']);
  });
}

/** The total's expected seconds also carry when requests failed (series do not). */
function withOutcomes(seconds: Map<number, SecondStats>, reqs: Req[]): Map<number, SecondStats> {
  for (const [t, s] of seconds) seconds.set(t, { ...s, ...expectedOutcomes(reqs.filter((r) => Math.floor(r.ms / 1000) === t)) });
  return seconds;
}

test('a built outage in k6 format, VUs out of step by 2 s, comes out exact to the second', () => {
  const reqs = buildTruth(T0, 30, OUTAGES);
  const text = [...ndjsonLines(reqs, { vus: 10, lagMs: 2000 })].join('\n') + '\n';
  const { tl, agg } = feed(text, null, { lateSeconds: 3 });
  assert.equal(agg.stats.parsed, 0);
  assertEqualSeconds(tl.total, withOutcomes(expectedSeconds(reqs), reqs), 'total');
  for (const name of ['search', 'book']) assertEqualSeconds(tl.series[`name:${name}`]!, expectedSeconds(reqs, (r) => r.name === name), name);
  assertEqualSeconds(tl.series['scenario:browse']!, expectedSeconds(reqs, (r) => r.scenario === 'browse'), 'browse');
  const down = tl.series['name:book']!.filter((s) => s.errorRate === 1).map((s) => s.t - T0);
  assert.deepEqual(down, [10, 11, 12, 13, 14, 15, 16, 17, 18, 19]);
});

test('chunks split anywhere, even inside a multi-byte character, change nothing', () => {
  const reqs = buildTruth(T0, 5, [], { search: 5, book: 3 }).map((r) => (r.name === 'book' ? { ...r, name: 'réserver' } : r));
  const text = [...ndjsonLines(reqs)].join('\n') + '\n';
  const whole = feed(text, null).tl;
  const rnd = lcg(7);
  const sizes = Array.from({ length: 50 }, () => 1 + Math.floor(rnd() * 300));
  assert.deepEqual(feed(text, sizes).tl, whole);
  assert.deepEqual(feed(text, [1]).tl, whole);
  assert.ok(whole.series['name:réserver']);
});

test('lines in another shape go through JSON.parse; a torn last line is counted as bad, not fatal', () => {
  const lines = [
    '{"type":"Point","metric":"http_reqs","data":{"tags":{"name":"a","scenario":"s"},"value":1,"time":"2026-11-27T08:29:29.9Z"}}',
    '{"type":"Point","metric":"http_req_duration","data":{"tags":{"name":"a","scenario":"s"},"value":12.5,"time":"2026-11-27T08:29:29.9Z"}}',
    // Local time with an offset (k6 run outside UTC): the same instant as 08:29:29Z.
    '{"metric":"http_reqs","type":"Point","data":{"time":"2026-11-27T10:29:29.95+02:00","value":1,"tags":{"name":"a","scenario":"s"}}}',
    '{"metric":"http_req_failed","type":"Point","data":{"time":"2026-11-27T10:29:29.95+02:00","value":1,"tags":{"name":"a","scenario":"s"}}}',
    '{"metric":"http_req_duration","type":"Point","data":{"time":"2026-11-27T10:29:29.95+02:00","value":1.5e1,"tags":{"name":"a\\"b","scenario":"s"}}}',
    '{"metric":"http_reqs","type":"Point","data":{"time":"2026-11-27T08:29:3',
  ];
  const { tl, agg } = feed(lines.join('\n'), null);
  assert.equal(agg.stats.bad, 1);
  assert.equal(agg.stats.parsed, 4, 'two reordered lines, the escaped tag, the torn line');
  assert.equal(tl.total.length, 1);
  const s = tl.total[0]!;
  assert.deepEqual([s.t, s.requests, s.failures, s.errorRate], [Date.parse('2026-11-27T08:29:29Z') / 1000, 2, 1, 0.5]);
  // Two durations, 12.5 and 15: k6 interpolates between them.
  for (const [got, want] of [[s.p50, 13.75], [s.p95, 14.875], [s.p99, 14.975]] as const) assert.ok(Math.abs(got! - want) < 1e-9);
  assert.ok(tl.series['name:a"b'], 'the escaped tag value was unescaped by JSON.parse');
});

test('points later than the window still count; only the open seconds are held', () => {
  const reqs = buildTruth(T0, 20, []);
  const text = [...ndjsonLines(reqs, { vus: 4, lagMs: 6000 })].join('\n') + '\n';
  let maxOpen = 0;
  const agg = new NdjsonAggregator({ lateSeconds: 1, onSecond: () => (maxOpen = Math.max(maxOpen, agg.held.openSeconds)) });
  const live: LiveSecond[] = [];
  agg.write(text.slice(0, text.length / 2));
  agg.write(text.slice(text.length / 2));
  const tl = agg.end();
  for (const s of tl.total) live.push({ total: s, series: {} });
  assert.ok(agg.held.late > 0, 'some points came after their second finished');
  assert.ok(maxOpen <= 3, `open seconds ${maxOpen}`);
  assert.equal(tl.total.reduce((a, s) => a + s.requests, 0), reqs.length, 'counts stay exact');
  for (const s of tl.total) assert.equal(s.requests, 70, `second ${s.t - T0}`);
});

test('a gzip file (k6 writes one for --out json=FILE.gz) reads the same as the plain one', async () => {
  const dir = tempDir('loadctl-ndjson-');
  try {
    const text = readFileSync(`${fixtures}v2.2.0/pass.points.ndjson`);
    writeFileSync(join(dir, 'p.ndjson.gz'), gzipSync(text));
    const gz = await aggregateNdjsonFile(join(dir, 'p.ndjson.gz'));
    const plain = await aggregateNdjsonFile(`${fixtures}v2.2.0/pass.points.ndjson`);
    assert.deepEqual(gz.timeline, plain.timeline);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a point stamped absurdly far from the rest is ignored', () => {
  const reqs = buildTruth(T0, 3, []);
  const text = [...ndjsonLines(reqs)].join('\n') + '\n{"metric":"http_reqs","type":"Point","data":{"time":"1970-01-01T00:00:01Z","value":1,"tags":{}}}\n';
  const { tl, agg } = feed(text, null);
  assert.equal(tl.total.length, 3);
  assert.equal(agg.held.implausible, 1);
});

test('untagged URLs (one name per URL) fold into "(other)" past 100 names, keeping every count', () => {
  const reqs = buildTruth(T0, 2, [], { search: 150, book: 0 }).map((r, i) => ({ ...r, name: `http://127.0.0.1/api/events/${i % 150}` }));
  const { tl } = feed([...ndjsonLines(reqs)].join('\n') + '\n', null);
  const names = Object.keys(tl.series).filter((k) => k.startsWith('name:'));
  assert.equal(names.length, 101);
  assert.ok(names.includes('name:(other)'));
  const sumOf = (k: string): number => tl.series[k]!.reduce((a, s) => a + s.requests, 0);
  assert.equal(names.reduce((a, k) => a + sumOf(k), 0), reqs.length);
  assert.equal(sumOf('name:(other)'), 100);
});
