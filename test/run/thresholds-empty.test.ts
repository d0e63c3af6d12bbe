// k6 thresholds on metrics that saw nothing: k6 says held, loadctl fails them
// unless the user allowed it; a threshold's figure as k6 prints it. Pure:
// literal handleSummary data in, verdict out.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseSummary } from '../../src/results/summary.ts';
import { judge } from '../../src/verdict/judge.ts';
import { decideOutcome } from '../../src/verdict/outcome.ts';
import { allowEntryProblem, allowNoSamplesMatcher, parseAllowEntry } from '../../src/verdict/thresholds.ts';
import { thresholdWords } from '../../src/report/table.ts';

const trend = (values: Record<string, number>, thresholds: Record<string, boolean>) => ({
  type: 'trend', contains: 'time', values, thresholds: Object.fromEntries(Object.entries(thresholds).map(([k, ok]) => [k, { ok }])),
});
const none = { avg: 0, min: 0, med: 0, max: 0, 'p(90)': 0, 'p(95)': 0, 'p(99)': 0, count: 0 };

function results() {
  const parsed = parseSummary(JSON.stringify({
    state: { testRunDurationMs: 1000 },
    metrics: {
      http_req_duration: trend({ ...none, avg: 12, med: 10, max: 40, 'p(95)': 1234.5, 'p(99)': 30, count: 50 }, { 'p(95)<2000': true }),
      // A scenario the script never ran (exec name typo): k6 reports zeros and "held".
      'http_req_duration{scenario:checkout}': trend(none, { 'p(95)<500': true }),
      'http_req_failed{scenario:checkout}': { type: 'rate', contains: 'default', values: { rate: 0, passes: 0, fails: 0 }, thresholds: { 'rate<0.01': { ok: true } } },
      // A counter of trouble that stayed at nothing: the bound is met.
      dropped_iterations: { type: 'counter', contains: 'default', values: { count: 0, rate: 0 }, thresholds: { 'count<1': { ok: true } } },
    },
    root_group: { name: '', path: '', groups: [], checks: [] },
  }));
  if (!parsed.ok) assert.fail(parsed.error);
  return parsed.results;
}

test('a k6 threshold whose (sub)metric got no sample fails, says so, and the reason counts it', () => {
  const verdict = judge(results(), []);
  const byKey = Object.fromEntries(verdict.thresholds.map((t) => [`${t.metric} ${t.expression}`, t]));
  assert.equal(byKey['http_req_duration p(95)<2000']!.ok, true);
  assert.equal(byKey['http_req_duration p(95)<2000']!.figure, 'p(95)=1.23s');
  assert.equal(byKey['http_req_duration{scenario:checkout} p(95)<500']!.ok, false);
  assert.equal(byKey['http_req_duration{scenario:checkout} p(95)<500']!.noSamples, true);
  assert.equal(byKey['http_req_failed{scenario:checkout} rate<0.01']!.ok, false);
  assert.equal(byKey['dropped_iterations count<1']!.ok, true);
  assert.equal(byKey['dropped_iterations count<1']!.figure, 'count=0');
  assert.equal(verdict.ok, false);
  assert.equal(verdict.emptyThresholds, 2);
  assert.match(thresholdWords(byKey['http_req_duration{scenario:checkout} p(95)<500']!), /^no samples/);
  const outcome = decideOutcome({ k6ExitCode: 0, k6Signal: null, interrupted: false, summaryRead: true, verdict });
  assert.equal(outcome.exitCode, 1);
  assert.equal(outcome.reason, '2 of 4 k6 thresholds failed (all on a metric with no samples)');
});

test('--allow-no-samples opts one threshold (or a metric\'s all) out, and nothing else', () => {
  const one = judge(results(), [], [], { allowNoSamples: allowNoSamplesMatcher(['http_req_failed{scenario:checkout} rate < 0.01']) });
  assert.equal(one.failedThresholds, 1, 'the trend on the same scenario still fails');
  const allowed = one.thresholds.find((t) => t.metric === 'http_req_failed{scenario:checkout}')!;
  assert.equal(allowed.ok, true);
  assert.equal(allowed.allowedEmpty, true);
  assert.match(thresholdWords(allowed), /allowed/);
  const both = judge(results(), [], [], { allowNoSamples: allowNoSamplesMatcher(['http_req_failed{scenario:checkout}', 'http_req_duration{scenario:checkout}: p(95)<500']) });
  assert.equal(both.ok, true);
  // Another expression on the metric is not the one allowed.
  const other = judge(results(), [], [], { allowNoSamples: allowNoSamplesMatcher(['http_req_duration{scenario:checkout} p(95)<400', 'http_req_failed{scenario:checkout}']) });
  assert.equal(other.failedThresholds, 1);
});

test('--allow-no-samples entries: metric key, optional expression; a bad one is one line', () => {
  assert.deepEqual(parseAllowEntry('http_req_failed{status:500}'), { metric: 'http_req_failed{status:500}' });
  assert.deepEqual(parseAllowEntry('errors count < 10'), { metric: 'errors', expression: 'count<10' });
  assert.deepEqual(parseAllowEntry('errors: count<10'), { metric: 'errors', expression: 'count<10' });
  assert.deepEqual(parseAllowEntry('http_req_duration{b:2, a:1} p(95)<5'), { metric: 'http_req_duration{a:1,b:2}', expression: 'p(95)<5' });
  assert.equal(allowEntryProblem('errors count<10'), undefined);
  assert.match(allowEntryProblem('9lives') ?? '', /k6 metric name/);
  assert.match(allowEntryProblem('errors fewer than 10') ?? '', /not a k6 threshold expression/);
});
