// The pure half of the gates: parsing "<PromQL> <op> <number>", the metric
// names a query reads, windows per scope, judging samples, the outcome merge.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_GATES, gateResult, judgeWindow, parseGateExpression, windowsFor, type Gate } from '../../../src/prometheus/gates.ts';
import { metricNames } from '../../../src/prometheus/promql-names.ts';
import { resolvePrometheus } from '../../../src/prometheus/config.ts';
import { gateProblems, runWindow } from '../../../src/prometheus/in-run.ts';
import { withSystemProblems } from '../../../src/verdict/system.ts';
import { toSeries } from '../../../src/prometheus/reply.ts';

test('a gate is the PromQL before its last comparison against a number', () => {
  assert.deepEqual(parseGateExpression('rate(booking_lock_failures_total[1m]) * 60 < 10'), { query: 'rate(booking_lock_failures_total[1m]) * 60', op: '<', value: 10 });
  assert.deepEqual(parseGateExpression('max(x > 5) >= 1e3'), { query: 'max(x > 5)', op: '>=', value: 1000 });
  assert.deepEqual(parseGateExpression(' up == 1 '), { query: 'up', op: '==', value: 1 });
  assert.ok('error' in parseGateExpression('rate(x[1m])'));
  assert.ok('error' in parseGateExpression('< 10'));
  assert.ok('error' in parseGateExpression('x > bool 3'));
});

test('metric names: functions, aggregations, grouping labels, matchers and ranges are not metrics', () => {
  assert.deepEqual(metricNames('histogram_quantile(0.99, sum by (le) (rate(http_server_requests_seconds_bucket{job="a b"}[1m])))'), ['http_server_requests_seconds_bucket']);
  assert.deepEqual(metricNames('sum(rate(a_total[5m] offset 1m)) by (job) / on (job) group_left b_total'), ['a_total', 'b_total']);
  assert.deepEqual(metricNames('{__name__="kafka_consumer_group_lag", topic="x"}'), ['kafka_consumer_group_lag']);
  assert.deepEqual(metricNames('max(booking_queue_length) and vector(1e3)'), ['booking_queue_length']);
  assert.deepEqual(metricNames('1 + 2'), []);
});

test('scopes become windows; chaos phases without a fault are unusable, steady is the whole run', () => {
  assert.deepEqual(windowsFor(['steady'], true), { windows: ['baseline', 'after'], unusable: [] });
  assert.deepEqual(windowsFor(['steady'], false), { windows: ['run'], unusable: [] });
  assert.deepEqual(windowsFor(['fault', 'run'], false), { windows: ['run'], unusable: ['fault'] });
  assert.deepEqual(windowsFor(['fault', 'recovery'], true), { windows: ['fault', 'recovery'], unusable: [] });
});

const gate = (op: Gate['op'], value: number): Gate => ({ name: 'g', query: 'q', op, value, scopes: ['run'], source: 'profile' });

test('a window fails on any sample past the limit, reports the worst and at most five breaches; NaN is no value', () => {
  const series = [
    { labels: { reason: 'conflict' }, samples: [[100, 1], [101, 2], [102, 30], [103, Number.NaN]] as Array<[number, number]> },
    { labels: { reason: 'unavailable' }, samples: [[100, 0], [101, 12], [102, 11], [103, 14], [104, 15], [105, 16], [106, 17], [110, 99]] as Array<[number, number]> },
  ];
  const w = judgeWindow(gate('<', 10), 'fault', 100, 110, series);
  assert.equal(w.verdict, 'fail');
  assert.equal(w.samples, 10);
  assert.equal(w.breachCount, 7);
  assert.deepEqual(w.worst, { at: 102, value: 30, labels: { reason: 'conflict' } });
  assert.equal(w.breaches.length, 5);
  assert.deepEqual(w.breaches.map((b) => b.at), [101, 102, 102, 103, 104]);
  assert.equal(judgeWindow(gate('<', 100), 'fault', 100, 110, series).verdict, 'pass');
  assert.equal(judgeWindow(gate('>', 0), 'after', 100, 102, series).worst?.value, 0, 'for ">" the worst is the lowest');
  assert.equal(judgeWindow(gate('<', 10), 'after', 200, 210, series).verdict, 'no-data');
  // The limit itself: "< 10" refuses 10, "<= 10" accepts it.
  const atLimit = [{ labels: {}, samples: [[1, 10]] as Array<[number, number]> }];
  assert.equal(judgeWindow(gate('<', 10), 'run', 0, 5, atLimit).verdict, 'fail');
  assert.equal(judgeWindow(gate('<=', 10), 'run', 0, 5, atLimit).verdict, 'pass');
  assert.equal(judgeWindow(gate('>', 10), 'run', 0, 5, atLimit).verdict, 'fail');
  assert.equal(judgeWindow(gate('>=', 10), 'run', 0, 5, atLimit).verdict, 'pass');
});

test('gate results: a missing metric fails a declared gate, skips a default one; no data fails', () => {
  const declared = gateResult(gate('<', 1), { missingMetrics: ['nope_total'], runStart: 0 });
  assert.equal(declared.status, 'missing-metric');
  assert.equal(declared.failed, true);
  const lag = DEFAULT_GATES.find((g) => g.query.includes('kafka')) as Gate;
  const skipped = gateResult(lag, { missingMetrics: ['kafka_consumer_group_lag'], runStart: 0 });
  assert.equal(skipped.status, 'skipped');
  assert.equal(skipped.failed, false);
  const empty = gateResult(gate('<', 1), { windows: [judgeWindow(gate('<', 1), 'run', 0, 10, [])], runStart: 0 });
  assert.equal(empty.status, 'fail');
  assert.match(empty.reason, /run: no data/);
  const broken = gateResult(gate('<', 10), { windows: [judgeWindow(gate('<', 10), 'fault', 100, 110, [{ labels: {}, samples: [[105, 42]] }])], runStart: 100 });
  assert.equal(broken.reason, '< 10 broken: fault: 42 at t+5s, 1 of 1 samples broke it');
  const err = gateResult(gate('<', 10), { error: 'timeout', runStart: 0 });
  assert.deepEqual(gateProblems({ url: 'u', from: 'flag', run: { from: 0, to: 1 }, caughtUp: true, passed: false, gates: [err, declared, skipped] }).map((p) => p.code), [3, 1]);
});

test('config: --prometheus beats the environment, the profile and the experiment; gates add up', () => {
  assert.equal(resolvePrometheus({}), null);
  assert.equal(resolvePrometheus({ env: '' }), null, 'an empty LOADCTL_PROMETHEUS names nothing');
  const s = resolvePrometheus({
    flag: 'http://flag:9090', env: 'http://env:9090',
    profile: { url: 'http://profile:9090', gates: ['up == 1'], settle: 2 },
    experiment: { gates: [{ name: 'queue in the fault', expr: 'max(booking_queue_length) < 50', phases: ['fault'] }] },
  });
  assert.equal(s?.url, 'http://flag:9090');
  assert.equal(s?.from, 'flag');
  assert.equal(s?.settleMs, 2000);
  assert.deepEqual(s?.gates.map((g) => [g.source, g.scopes.join()]), [
    ...DEFAULT_GATES.map((g) => ['default', 'steady']), ['profile', 'steady'], ['experiment', 'fault'],
  ]);
  assert.equal(resolvePrometheus({ profile: { url: 'http://p:1', defaultGates: false } })?.gates.length, 0);
  assert.equal(resolvePrometheus({ experiment: { url: 'http://e:1' } })?.from, 'experiment');
});

test('outcome: a passed run fails on a gate, an unjudgeable gate is an environment error, an interruption stays one', () => {
  const ok = { status: 'passed' as const, exitCode: 0 as const, reason: 'all targets met' };
  assert.deepEqual(withSystemProblems(ok, []), ok);
  assert.deepEqual(withSystemProblems(ok, [{ code: 1, reason: 'gate g failed' }]), { status: 'failed', exitCode: 1, reason: 'gate g failed' });
  assert.equal(withSystemProblems({ status: 'failed', exitCode: 1, reason: 'x' }, [{ code: 3, reason: 'down' }]).exitCode, 3);
  const int = withSystemProblems({ status: 'interrupted', exitCode: 4, reason: 'ctrl-c' }, [{ code: 1, reason: 'gate' }]);
  assert.deepEqual(int, { status: 'interrupted', exitCode: 4, reason: 'ctrl-c; gate' });
});

test('the run window is the timeline\'s seconds, else the run\'s start and end', () => {
  const t = (s: number) => ({ t: s, requests: 1, failures: 0, errorRate: 0, p50: 1, p95: 1, p99: 1 });
  assert.deepEqual(runWindow({ total: [t(100), t(101), t(102)] }, { startedAt: '', endedAt: '' }), { from: 100, to: 103 });
  assert.deepEqual(runWindow(undefined, { startedAt: '1970-01-01T00:01:40.500Z', endedAt: '1970-01-01T00:01:50.200Z' }), { from: 100, to: 111 });
});

test('Prometheus answers: matrix, vector and scalar become series of numbers', () => {
  assert.deepEqual(toSeries({ resultType: 'matrix', result: [{ metric: { a: 'b' }, values: [[1, '2'], [2, 'NaN']] }] }), { ok: true, value: [{ labels: { a: 'b' }, samples: [[1, 2], [2, Number.NaN]] }] });
  assert.deepEqual(toSeries({ resultType: 'vector', result: [{ metric: {}, value: [5, '+Inf'] }] }), { ok: true, value: [{ labels: {}, samples: [[5, Infinity]] }] });
  assert.deepEqual(toSeries({ resultType: 'scalar', result: [5, '1'] }), { ok: true, value: [{ labels: {}, samples: [[5, 1]] }] });
});
