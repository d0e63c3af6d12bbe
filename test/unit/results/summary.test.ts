import { test } from 'node:test';
import assert from 'node:assert/strict';
import { metricKey, parseSummary, splitMetricKey } from '../../../src/results/summary.ts';
import type { RunResults } from '../../../src/results/types.ts';
import { fixture, versions } from '../../run/helpers.ts';

function parse(text: string): RunResults {
  const outcome = parseSummary(text);
  if (!outcome.ok) assert.fail(outcome.error);
  return outcome.results;
}

for (const v of versions) {
  test(`${v}: handleSummary data (nested values) parses into typed results`, () => {
    const r = parse(fixture(v, 'pass.handle-summary.json'));
    assert.equal(r.source, 'handleSummary');
    assert.ok(r.durationMs! > 5000 && r.durationMs! < 5200);
    const d = r.metrics.http_req_duration!;
    assert.equal(d.type, 'trend');
    assert.equal(d.contains, 'time');
    for (const stat of ['avg', 'min', 'med', 'p50', 'p90', 'p95', 'p99', 'max'] as const) assert.equal(typeof d.stats[stat], 'number', stat);
    assert.equal(d.stats.p50, d.stats.med);
    assert.ok(d.stats.p95! <= d.stats.p99! && d.stats.p99! <= d.stats.max!);
    assert.equal(r.http.requests, 324);
    assert.equal(r.http.errorRate, 0);
    assert.ok(r.http.requestRate! > 60 && r.http.requestRate! < 70);
    assert.equal(r.iterations.count, 243);
    assert.equal(r.metrics.booking_lock_failures!.type, 'counter');
    assert.equal(r.metrics.booking_success!.type, 'rate');
    // Checks come from nested groups too: "search 200" lives in group "search".
    assert.deepEqual(r.checks.list.map((c) => c.path).sort(), ['::booked', '::login 200', '::search::search 200']);
    assert.equal(r.checks.passes + r.checks.fails, 324);
  });

  test(`${v}: submetrics keep their tags and thresholds read {"ok": true} as held`, () => {
    const r = parse(fixture(v, 'pass.handle-summary.json'));
    const book = r.metrics['http_req_duration{flow:book}']!;
    assert.equal(book.metric, 'http_req_duration');
    assert.deepEqual(book.tags, { flow: 'book' });
    assert.ok(book.stats.p99! > 0);
    assert.equal(r.thresholds.length, 6);
    assert.ok(r.thresholds.every((t) => t.ok));
    assert.ok(r.thresholds.some((t) => t.metric === 'http_req_duration{flow:book}' && t.expression === 'p(99)<2000'));
  });

  test(`${v}: --summary-export of a failing run: true means the threshold FAILED`, () => {
    const r = parse(fixture(v, 'fail.summary-export.json'));
    assert.equal(r.source, 'summary-export');
    assert.deepEqual(
      r.thresholds.map((t) => [t.metric, t.expression, t.ok]).sort(),
      [['http_req_duration', 'p(99)<100', false], ['http_req_failed', 'rate<0.05', false]],
    );
    assert.equal(r.http.errorRate, 0.5);
    assert.equal(r.metrics.http_req_duration!.type, 'trend'); // inferred: the export has no types
    assert.equal(r.metrics.http_req_duration!.stats.p99, undefined); // default trend stats have no p(99)
  });

  test(`${v}: an aborted run (abortOnFail) still parses, with its crossed threshold`, () => {
    const r = parse(fixture(v, 'abort.summary-export.json'));
    assert.equal(r.http.errorRate, 1);
    assert.deepEqual(r.thresholds, [{ metric: 'http_req_failed', expression: 'rate<0.01', ok: false }]);
  });

  test(`${v}: a run whose setup threw has no HTTP metrics at all`, () => {
    const r = parse(fixture(v, 'throws.summary-export.json'));
    assert.equal(r.metrics.http_req_duration, undefined);
    assert.equal(r.http.requests, undefined);
    assert.equal(r.http.errorRate, undefined);
    assert.equal(r.metrics.data_sent!.empty, true);
  });

  test(`${v}: an interrupted run's export parses`, () => {
    const r = parse(fixture(v, 'sigint.summary-export.json'));
    assert.ok(r.http.requests! > 30);
    assert.equal(r.thresholds.length, 0);
  });
}

test('v2.2.0: handleSummary and --summary-export of the same run agree', () => {
  const nested = parse(fixture('v2.2.0', 'pass.handle-summary.json'));
  const flat = parse(fixture('v2.2.0', 'pass.summary-export.json'));
  assert.deepEqual(Object.keys(flat.metrics).sort(), Object.keys(nested.metrics).sort());
  for (const key of Object.keys(nested.metrics)) {
    assert.deepEqual(flat.metrics[key]!.stats, nested.metrics[key]!.stats, key);
    assert.equal(flat.metrics[key]!.type, nested.metrics[key]!.type, key);
  }
  // Same thresholds, same verdicts, although one file writes {"ok":true} and the other false.
  const norm = (r: RunResults) => r.thresholds.map((t) => `${t.metric}|${t.expression}|${t.ok}`).sort();
  assert.deepEqual(norm(flat), norm(nested));
});

test('a trend k6 reports as all zeros (no samples) is empty; a rate with no samples too', () => {
  const data = JSON.parse(fixture('v2.2.0', 'pass.handle-summary.json'));
  data.metrics['http_req_duration{name:book}'] = {
    type: 'trend', contains: 'time',
    values: { avg: 0, min: 0, med: 0, max: 0, 'p(90)': 0, 'p(95)': 0, 'p(99)': 0 },
    thresholds: { 'p(99)<2000': { ok: true } },
  };
  data.metrics['http_req_failed{name:book}'] = { type: 'rate', contains: 'default', values: { rate: 0, passes: 0, fails: 0 } };
  const r = parse(JSON.stringify(data));
  assert.equal(r.metrics['http_req_duration{name:book}']!.empty, true);
  assert.equal(r.metrics['http_req_failed{name:book}']!.empty, true);
  assert.equal(r.metrics.http_req_duration!.empty, false);
  // With `count` in summaryTrendStats the sample count decides, not the zeros.
  data.metrics.http_req_tls_handshaking.values.count = 324;
  assert.equal(parse(JSON.stringify(data)).metrics.http_req_tls_handshaking!.empty, false);
  // Endpoint submetrics (tag `name`) are grouped per endpoint.
  assert.deepEqual(Object.keys(r.endpoints.book!).sort(), ['http_req_duration', 'http_req_failed']);
});

test('submetric keys: tags parsed, spaces and order normalised', () => {
  assert.deepEqual(splitMetricKey('http_req_duration{name:book,method:POST}'), { metric: 'http_req_duration', tags: { name: 'book', method: 'POST' } });
  assert.deepEqual(splitMetricKey('http_req_duration{ name: book }'), { metric: 'http_req_duration', tags: { name: 'book' } });
  assert.equal(metricKey('m', { b: '2', a: '1' }), 'm{a:1,b:2}');
  assert.equal(metricKey('m'), 'm');
});

test('corrupt, empty and foreign files come back as errors, not exceptions', () => {
  const text = fixture('v2.2.0', 'pass.handle-summary.json');
  const cut = parseSummary(text.slice(0, text.length / 2));
  assert.equal(cut.ok, false);
  assert.match((cut as { error: string }).error, /not valid JSON/);
  assert.match((parseSummary('[]') as { error: string }).error, /not a JSON object/);
  assert.match((parseSummary('{"root_group":{}}') as { error: string }).error, /no "metrics"/);
  const v2mr = parseSummary(JSON.stringify({ config: {}, metadata: {}, results: {}, version: '2' }));
  assert.match((v2mr as { error: string }).error, /machine-readable summary/);
});
