import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseSummary } from '../../../src/results/summary.ts';
import type { RunResults } from '../../../src/results/types.ts';
import type { Target } from '../../../src/profiles/types.ts';
import { declaredThresholds, judge, judgeTarget } from '../../../src/verdict/judge.ts';
import { decideOutcome } from '../../../src/verdict/outcome.ts';
import { ExitCode } from '../../../src/errors.ts';
import { fixture, versions } from '../../run/helpers.ts';

const results = (v: (typeof versions)[number], file: string): RunResults => {
  const r = parseSummary(fixture(v, file));
  if (!r.ok) assert.fail(r.error);
  return r.results;
};

const bookingP99: Target = { name: 'booking P99', metric: 'http_req_duration', tags: { flow: 'book' }, stat: 'p99', op: '<', value: 2000 };
const errorRate: Target = { name: 'error rate', metric: 'http_req_failed', stat: 'rate', op: '<', value: 0.05 };

for (const v of versions) {
  test(`${v}: the pass run meets its targets and thresholds`, () => {
    const verdict = judge(results(v, 'pass.handle-summary.json'), [bookingP99, errorRate]);
    assert.equal(verdict.ok, true);
    assert.deepEqual(verdict.targets.map((t) => t.ok), [true, true]);
    assert.ok(verdict.targets[0]!.actual! > 10 && verdict.targets[0]!.actual! < 30);
    assert.match(verdict.targets[0]!.detail, /^p99 \d+ ms < 2\.00 s$/);
  });

  test(`${v}: a tighter target fails with the actual figure`, () => {
    const tight = { ...bookingP99, value: 5 };
    const t = judgeTarget(results(v, 'pass.handle-summary.json'), tight);
    assert.equal(t.ok, false);
    assert.equal(t.failure, 'missed');
  });

  test(`${v}: the failing run fails its error-rate target and its own threshold; the threshold the target added counts once, as the target`, () => {
    const verdict = judge(results(v, 'fail.summary-export.json'), [errorRate]);
    assert.equal(verdict.ok, false);
    assert.equal(verdict.targets[0]!.actual, 0.5);
    assert.equal(verdict.targets[0]!.detail, 'rate 50.00%, not < 5.00%');
    assert.deepEqual(verdict.thresholds.map((t) => `${t.metric} ${t.expression}`), ['http_req_duration p(99)<100']);
    assert.equal(verdict.failedThresholds, 1);
    // Without the target, the same threshold is the user's own and is judged.
    assert.equal(judge(results(v, 'fail.summary-export.json'), []).failedThresholds, 2);
  });

  test(`${v}: a p99 target on a summary without p(99) fails and says how to fix it`, () => {
    const t = judgeTarget(results(v, 'fail.summary-export.json'), { ...bookingP99, tags: undefined });
    assert.equal(t.failure, 'no-stat');
    assert.match(t.detail, /summaryTrendStats/);
  });

  test(`${v}: targets on a run with no HTTP samples FAIL (k6 would pass its thresholds)`, () => {
    const verdict = judge(results(v, 'throws.summary-export.json'), [bookingP99, errorRate]);
    assert.equal(verdict.ok, false);
    assert.deepEqual(verdict.targets.map((t) => t.failure), ['no-metric', 'no-metric']);
  });
}

test('a target whose metric k6 reported as empty (all zeros) FAILS', () => {
  const data = JSON.parse(fixture('v2.2.0', 'pass.handle-summary.json'));
  const zeros = { avg: 0, min: 0, med: 0, max: 0, 'p(90)': 0, 'p(95)': 0, 'p(99)': 0 };
  data.metrics['http_req_duration{name:book}'] = { type: 'trend', contains: 'time', values: zeros, thresholds: { 'p(99)<2000': { ok: true } } };
  const r = parseSummary(JSON.stringify(data));
  assert.ok(r.ok);
  const verdict = judge(r.results, [{ ...bookingP99, tags: { name: 'book' } }]);
  assert.equal(verdict.targets[0]!.failure, 'no-samples');
  // k6 itself said ok for the same empty metric; the verdict still fails.
  assert.ok(verdict.thresholds.every((t) => t.ok));
  assert.equal(verdict.ok, false);
});

test('no summary at all: every target fails and the verdict is not ok', () => {
  const verdict = judge(undefined, [bookingP99]);
  assert.equal(verdict.ok, false);
  assert.equal(verdict.targets[0]!.failure, 'no-summary');
  assert.equal(judge(undefined, []).ok, false);
});

test('a declared threshold k6 never reported counts as failed', () => {
  const declared = declaredThresholds({
    thresholds: { http_req_failed: ['rate<0.05'], 'http_req_duration{name:x}': [{ threshold: 'p(95)<500', abortOnFail: true }] },
  });
  assert.deepEqual(declared, [
    { metric: 'http_req_failed', expression: 'rate<0.05' },
    { metric: 'http_req_duration{name:x}', expression: 'p(95)<500' },
  ]);
  const verdict = judge(results('v2.2.0', 'pass.handle-summary.json'), [], declared);
  assert.deepEqual(verdict.thresholds.filter((t) => !t.ok), [{ metric: 'http_req_duration{name:x}', expression: 'p(95)<500', ok: false, missing: true }]);
  assert.equal(verdict.ok, false);
});

const passVerdict = () => judge(results('v2.2.0', 'pass.handle-summary.json'), [errorRate]);
const failVerdict = () => judge(results('v2.2.0', 'fail.summary-export.json'), [errorRate]);

test('outcome: k6 exit code, summary and verdict decide the loadctl exit code', () => {
  const base = { k6Signal: null, interrupted: false, summaryRead: true };
  const cases: Array<[string, Parameters<typeof decideOutcome>[0], number, string]> = [
    ['pass', { ...base, k6ExitCode: 0, verdict: passVerdict() }, ExitCode.Ok, 'passed'],
    ['k6 99', { ...base, k6ExitCode: 99, verdict: failVerdict() }, ExitCode.Failed, 'failed'],
    ['k6 0 but a target failed', { ...base, k6ExitCode: 0, verdict: failVerdict() }, ExitCode.Failed, 'failed'],
    ['k6 99 though loadctl saw nothing wrong', { ...base, k6ExitCode: 99, verdict: passVerdict() }, ExitCode.Failed, 'failed'],
    ['k6 0 without a summary', { ...base, k6ExitCode: 0, summaryRead: false, verdict: judge(undefined, []) }, ExitCode.Failed, 'no-summary'],
    ['k6 105', { ...base, k6ExitCode: 105, verdict: passVerdict() }, ExitCode.Interrupted, 'interrupted'],
    ['k6 108', { ...base, k6ExitCode: 108, verdict: passVerdict() }, ExitCode.Interrupted, 'interrupted'],
    ['Ctrl-C though k6 exited 0', { ...base, k6ExitCode: 0, interrupted: true, verdict: passVerdict() }, ExitCode.Interrupted, 'interrupted'],
    ['killed', { ...base, k6ExitCode: null, k6Signal: 'SIGKILL', summaryRead: false, verdict: judge(undefined, []) }, ExitCode.Interrupted, 'interrupted'],
    ['k6 107', { ...base, k6ExitCode: 107, summaryRead: false, verdict: judge(undefined, []) }, ExitCode.Script, 'script-error'],
    ['k6 104', { ...base, k6ExitCode: 104, summaryRead: false, verdict: judge(undefined, []) }, ExitCode.Script, 'script-error'],
    ['k6 unknown 42', { ...base, k6ExitCode: 42, verdict: passVerdict() }, ExitCode.Failed, 'failed'],
  ];
  for (const [name, input, code, status] of cases) {
    const outcome = decideOutcome(input);
    assert.equal(outcome.exitCode, code, name);
    assert.equal(outcome.status, status, name);
    assert.ok(outcome.reason.length > 0, name);
  }
  assert.match(decideOutcome(cases[4]![1]).reason, /no k6 summary/);
});

test('observer thresholds (always true, only there to get a submetric reported) are neither shown nor judged', () => {
  const declared = [{ metric: 'http_req_duration{name:login}', expression: 'max>=0' }, { metric: 'http_req_failed', expression: 'rate<0.05' }];
  const ignore = (metric: string, expression: string) => expression === 'max>=0' && metric.startsWith('http_req_duration{');
  const verdict = judge(results('v2.2.0', 'pass.handle-summary.json'), [], declared, { ignoreThreshold: ignore });
  assert.equal(verdict.ok, true);
  assert.equal(verdict.thresholds.some((t) => t.expression === 'max>=0'), false);
  assert.equal(judge(results('v2.2.0', 'pass.handle-summary.json'), [], declared).ok, false, 'without the filter it is missing');
});
