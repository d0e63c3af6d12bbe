import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compareMetric, compareRuns, comparisonTable, parseTolerance } from '../../../src/report/compare.ts';
import { runRecordFrom } from '../../../src/report/run-record.ts';
import { passSummary } from '../../report/run-folders.ts';

function record(p99: number, errorRate: number, targets: Array<{ name: string; ok: boolean }> = []) {
  const summary = passSummary();
  summary.metrics.http_req_duration.values['p(99)'] = p99;
  summary.metrics.http_req_failed.values.rate = errorRate;
  return runRecordFrom(`/runs/${p99}`, { summary, result: { targets } });
}

test('tolerance parses percentages only', () => {
  assert.equal(parseTolerance('10%'), 0.1);
  assert.equal(parseTolerance('2.5 %'), 0.025);
  assert.equal(parseTolerance('15'), 0.15);
  assert.equal(parseTolerance('ten'), null);
  assert.equal(parseTolerance('-5%'), null);
});

test('a metric worse by more than the tolerance is a regression; within it is not', () => {
  const spec = { metric: 'p99 latency', unit: 'ms', direction: 'lower-is-better', slack: 1 } as const;
  assert.equal(compareMetric(spec, 200, 219, 0.1).regression, false);
  assert.equal(compareMetric(spec, 200, 221, 0.1).regression, true);
  assert.equal(compareMetric(spec, 200, 100, 0.1).regression, false); // better
  const rate = { metric: 'request rate', unit: 'req/s', direction: 'higher-is-better', slack: 0.5 } as const;
  assert.equal(compareMetric(rate, 1000, 850, 0.1).regression, true);
  assert.equal(compareMetric(rate, 1000, 1200, 0.1).regression, false);
});

test('tiny absolute changes near zero are not regressions however large relatively', () => {
  const spec = { metric: 'error rate', unit: 'rate', direction: 'lower-is-better', slack: 0.001 } as const;
  assert.equal(compareMetric(spec, 0.0001, 0.0005, 0.1).regression, false);
  assert.equal(compareMetric(spec, 0.0001, 0.02, 0.1).regression, true);
});

test('compareRuns: p99 doubling and a target that flipped to FAIL are regressions', () => {
  const base = record(20, 0, [{ name: 'booking P99', ok: true }]);
  const same = compareRuns(base, record(21, 0, [{ name: 'booking P99', ok: true }]), 0.1);
  assert.equal(same.regressions, 0);
  const worse = compareRuns(base, record(45, 0, [{ name: 'booking P99', ok: false }]), 0.1);
  assert.deepEqual(worse.deltas.filter((d) => d.regression).map((d) => d.metric), ['p99 latency', 'target: booking P99']);
  const table = comparisonTable(worse);
  assert.match(table, /\| p99 latency \| 20\.0 ms \| 45\.0 ms \| \+125\.0 % \| REGRESSION: worse by more than 2 ms \|/);
  assert.match(table, /\| target: booking P99 \| PASS \| FAIL \|/);
});
