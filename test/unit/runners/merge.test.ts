// The exact merge of --runners, with literals: the sketch against k6's own
// percentile rule (every order statistic sorted out here), merged parts
// against the whole, k6's NDJSON read into per-series sketches (scanner and
// JSON.parse paths, a torn gzip of a killed runner), the clamp onto what is
// known exactly, and thresholds whose bound lies inside the merged error.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { LogSketch, SKETCH_RELATIVE_ERROR } from '../../../src/live/sketch.ts';
import { readSamplesFile, TrendSamples } from '../../../src/live/trend-samples.ts';
import { clampPercentile } from '../../../src/runners/merge.ts';
import { judgeThresholds, nearTargets } from '../../../src/runners/thresholds.ts';
import { parseSummary } from '../../../src/results/summary.ts';


/** k6's own rule: linear between the order statistics at floor and ceil of p(n-1). */
function k6Percentile(sorted: readonly number[], p: number): number {
  const i = (p / 100) * (sorted.length - 1);
  const lo = sorted[Math.floor(i)]!;
  return lo + (sorted[Math.ceil(i)]! - lo) * (i - Math.floor(i));
}

// A seeded generator: the same samples every run.
function random(seed: number): () => number {
  let s = seed;
  return () => ((s = (s * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
}

const within = (a: number, b: number, rel: number) => Math.abs(a - b) <= Math.abs(b) * rel + 1e-12;

test('sketch: every percentile within 0.1 % of k6\'s own over the same samples, extremes exact, parts merge into the whole', () => {
  const r = random(7);
  // Clusters (the fixed-latency server's shape), a long tail, zeros and a few negatives.
  const values = Array.from({ length: 20_000 }, (_, i) => {
    const u = r();
    if (i % 997 === 0) return 0;
    if (i % 1999 === 0) return -r() * 5;
    return u < 0.9 ? 10 + r() : u < 0.98 ? 100 + r() * 2 : 600 + r() * 5 + (u > 0.999 ? 4000 * r() : 0);
  });
  const whole = new LogSketch();
  const parts = [new LogSketch(), new LogSketch(), new LogSketch()];
  values.forEach((v, i) => { whole.add(v); parts[i % 3]!.add(v); });
  const merged = new LogSketch();
  for (const p of parts) merged.merge(p);
  const sorted = [...values].sort((a, b) => a - b);
  for (let p = 0; p <= 100; p += 0.5) {
    const exact = k6Percentile(sorted, p);
    assert.ok(within(whole.percentile(p)!, exact, SKETCH_RELATIVE_ERROR), `p(${p}): ${whole.percentile(p)} vs ${exact}`);
    assert.equal(merged.percentile(p), whole.percentile(p), `p(${p}) merged from parts`);
  }
  assert.equal(whole.percentile(0), sorted[0]);
  assert.equal(whole.percentile(100), sorted.at(-1));
  assert.equal(merged.count, values.length);
  assert.equal(new LogSketch().percentile(99), null);
});

const point = (metric: string, value: number, tags: Record<string, string>) =>
  `${JSON.stringify({ metric, type: 'Point', data: { time: '2026-12-06T20:54:47.209996555Z', value, tags } })}\n`;

test('NDJSON: trend points into per-series sketches, submetrics by tags, other metrics skipped; odd lines through JSON.parse', () => {
  const t = new TrendSamples();
  const text = [
    '{"type":"Metric","data":{"name":"my_trend","type":"trend","contains":"default"},"metric":"my_trend"}\n',
    '{"type":"Metric","data":{"name":"http_reqs","type":"counter","contains":"default"},"metric":"http_reqs"}\n',
    point('http_req_duration', 10, { name: 'a', runner: '0', expected_response: 'true' }),
    point('http_req_duration', 20, { name: 'b}"x', runner: '1', expected_response: 'true' }),
    point('http_req_duration', 600, { name: 'ü', runner: '1', expected_response: 'false' }),
    point('http_reqs', 1, { name: 'a' }),
    point('my_trend', 5, {}),
    // Another key order: the scanner gives it to JSON.parse, which counts it the same.
    `{"type":"Point","metric":"http_req_duration","data":{"tags":{"name":"a","runner":"0","expected_response":"true"},"value":30,"time":"2026-12-06T20:54:47Z"}}\n`,
    '{"metric":"http_req_duration","type":"Point","data":{"ti',
  ].join('');
  // Fed in small pieces: lines straddle the chunks.
  const bytes = Buffer.from(text, 'utf8');
  for (let at = 0; at < bytes.length; at += 17) t.write(bytes.subarray(at, at + 17));
  t.end();
  assert.equal(t.merged('http_req_duration')!.count, 4);
  assert.equal(t.merged('http_req_duration', { name: 'a' })!.count, 2, 'both paths meet in one series');
  assert.equal(t.merged('http_req_duration', { name: 'b}"x' })!.max, 20);
  assert.equal(t.merged('http_req_duration', { name: 'ü' })!.max, 600);
  assert.equal(t.merged('http_req_duration', { expected_response: 'true', runner: '0' })!.count, 2);
  assert.equal(t.merged('http_reqs'), undefined, 'a counter is not a trend');
  assert.equal(t.merged('my_trend')!.avg, 5);
  assert.equal(t.stats.bad, 1, 'the torn last line');
});

test('a killed runner\'s torn gzip: what was written counts, and the file is said to be incomplete', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'loadctl-samples-'));
  try {
    const lines = Array.from({ length: 2000 }, (_, i) => point('http_req_duration', i + 1, { runner: '0' })).join('');
    const gz = gzipSync(lines);
    writeFileSync(join(dir, 'whole.json.gz'), gz);
    writeFileSync(join(dir, 'torn.json.gz'), gz.subarray(0, Math.floor(gz.length * 0.6)));
    const whole = new TrendSamples();
    assert.deepEqual(await readSamplesFile(join(dir, 'whole.json.gz'), whole), { complete: true });
    assert.equal(whole.merged('http_req_duration')!.count, 2000);
    const torn = new TrendSamples();
    const read = await readSamplesFile(join(dir, 'torn.json.gz'), torn);
    assert.equal(read.complete, false);
    const n = torn.merged('http_req_duration')!.count;
    assert.ok(n > 500 && n < 2000, `${n} samples read before the tear`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

function trendPart(values: Record<string, number>) {
  const parsed = parseSummary(JSON.stringify({ metrics: { http_req_duration: { type: 'trend', contains: 'time', values } } }));
  assert.ok(parsed.ok);
  return parsed.results.metrics.http_req_duration!;
}

test('clamp: never above the merged max; between the runners\' own figures when all are known', () => {
  const parts = [trendPart({ 'p(99)': 601, max: 640, min: 1, count: 100 }), trendPart({ 'p(99)': 603.3, max: 650, min: 2, count: 100 })];
  const raw = { min: 1, max: 650 };
  const moves: string[] = [];
  const note = (to: number, why: string) => moves.push(`${to} ${why}`);
  // The bucket middle of the issue: 620.9 ms over runners' own 601-603.3 ms.
  assert.equal(clampPercentile(620.9, 99, raw, parts, [undefined, undefined], true, note), 603.3);
  assert.equal(clampPercentile(660, 99, raw, parts, [undefined, undefined], false, note), 650, 'a runner missing: only the max holds');
  assert.equal(clampPercentile(602, 99, raw, parts, [undefined, undefined], true, note), 602, 'inside: untouched');
  assert.deepEqual(moves, ['603.3 the runners\' own exact figures', '650 the merged max']);
  // With each runner's own samples, the bracket is their order statistics around p(99), not their interpolated p(99)s.
  const own = (a: number, b: number) => ({ count: 1, avg: 1, min: 1, max: 1, percentile: () => a, bracket: () => [a, b] as [number, number], source: 'samples' as const, relativeError: 0.001, series: 1 });
  assert.equal(clampPercentile(620, 99, raw, parts, [own(600, 610), own(601, 615)], true, note), 615);
});

test('thresholds inside the merged error: said so; every runner\'s own figure decides when they agree', () => {
  const metrics = { http_req_duration: trendPart({ 'p(99)': 609.8, max: 650, count: 300 }) };
  const knowledge = (figures: Array<number | undefined>) => ({ relativeError: () => 0.001, runnerFigures: () => figures });
  const judge = (expression: string, figures: Array<number | undefined>) => judgeThresholds([{ metric: 'http_req_duration', expression }], metrics, knowledge(figures))[0]!;
  const allHold = judge('p(99)<609.5', [601, 603.3, 602]);
  assert.equal(allHold.ok, true, 'every runner\'s own p(99) holds: never "crossed"');
  assert.match(allHold.note!, /609\.5 lies within the merged figure's error \(±0\.1 %: 609\.19–610\.41\); the runners' own exact p\(99\): 601, 603\.3, 602 \(all hold\); judged held/);
  assert.equal(judge('p(99)<609.5', [612, 615, 611]).ok, false, 'every runner crosses');
  const mixed = judge('p(99)<609.5', [601, 615, 611]);
  assert.equal(mixed.ok, false, 'mixed: the merged figure decides');
  assert.match(mixed.note!, /1 of 3 hold/);
  assert.equal(judge('p(99)<609.5', [601, undefined]).ok, false, 'a runner without a summary: the merged figure decides');
  const far = judge('p(99)<700', [601, 603]);
  assert.equal(far.ok, true);
  assert.equal(far.note, undefined, 'far from the bound: nothing to say');
  assert.equal(judgeThresholds([{ metric: 'http_req_duration', expression: 'p(99)<609.5' }], metrics)[0]!.ok, false, 'without knowledge: plain comparison');
});

test('targets inside the merged error: the runners\' own figures decide when they agree, and the detail says so', () => {
  const target = { name: 'p99', metric: 'http_req_duration', stat: 'p99' as const, op: '<' as const, value: 609.5 };
  const verdict = {
    ok: false, failedTargets: 1, failedThresholds: 0, emptyThresholds: 0, thresholds: [],
    targets: [{ target, key: 'http_req_duration', actual: 609.8, ok: false, failure: 'missed' as const, detail: 'p99 610 ms < 610 ms' }],
  };
  const knowledge = (figures: number[]) => ({ relativeError: () => 0.001, runnerFigures: (_k: string, a: string) => (a === 'p(99)' ? figures : []) });
  const held = nearTargets(verdict, knowledge([601, 603]), true);
  assert.equal(held.ok, true);
  assert.equal(held.failedTargets, 0);
  assert.equal(held.targets[0]!.failure, undefined);
  assert.match(held.targets[0]!.detail, /\(609\.5 lies within the merged figure's error .*all hold\); judged held\)$/);
  assert.equal(nearTargets(verdict, knowledge([601, 615]), true).ok, false, 'mixed: the merged figure decides');
  assert.equal(nearTargets(verdict, knowledge([601, 603]), false).ok, false, 'nothing was judged: never green');
});
