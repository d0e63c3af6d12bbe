// A game day's rows and exit code, from result documents as runs write them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { experimentCells, gameDayExitCode, rowFromRun, rowWithout, strictRows, summaryLine, type RunDoc } from '../../../src/gameday/outcome.ts';

const input = { experiment: 'redis-failure', fault: 'stop (stop) on redis', holdSeconds: 30, relativeRunDir: 'redis-failure/run' };
const passed: RunDoc = {
  phases: [{ phase: 'baseline', errorRate: 0, requests: 100 }, { phase: 'fault', errorRate: 0.4, requests: 50 }],
  recovery: { recovered: true, userRecoverySeconds: 4.5, containerRecoverySeconds: 1.2, verdict: 'pass', reason: 'users recovered after 4.5 s < 30 s' },
  chaos: { ran: true, status: 'passed', containerRecoveryMs: 1200, rollbackComplete: true, error: null },
};

test('a passed run: users and probes recovery, the error rate in the fault window, PASS', () => {
  const row = rowFromRun(input, passed);
  assert.deepEqual({ ...row }, {
    experiment: 'redis-failure', fault: 'stop (stop) on redis', holdSeconds: 30, userRecoverySeconds: 4.5, probeRecoverySeconds: 1.2,
    faultErrorRate: 0.4, runDir: 'redis-failure/run', gates: null, invariants: null, verdict: 'PASS', reason: 'users recovered after 4.5 s < 30 s',
  });
});

test('users too slow, probes too slow, an error, a rollback that failed: never PASS', () => {
  assert.equal(rowFromRun(input, { ...passed, recovery: { ...passed.recovery!, verdict: 'fail', reason: 'users recovered after 41 s >= 30 s' } }).verdict, 'FAIL');
  assert.equal(rowFromRun(input, { ...passed, chaos: { ...passed.chaos!, status: 'failed' } }).verdict, 'FAIL');
  assert.equal(rowFromRun(input, { ...passed, recovery: undefined }).verdict, 'FAIL');
  const err = rowFromRun(input, { ...passed, chaos: { ...passed.chaos!, status: 'error', error: { message: 'no sch_netem' } } });
  assert.deepEqual([err.verdict, err.reason], ['ERROR', 'no sch_netem']);
  assert.equal(rowFromRun(input, { ...passed, chaos: { ...passed.chaos!, rollbackComplete: false } }).verdict, 'ERROR');
  assert.equal(rowFromRun(input, { chaos: { ran: false, reason: 'the load ended first' } }).reason, 'not injected: the load ended first');
  assert.equal(rowFromRun(input, { ...passed, chaos: { ...passed.chaos!, status: 'interrupted' } }).verdict, 'INTERRUPTED');
});

test('exit code: 0 only when every experiment that ran passed; skipped is never a pass, and fails with --strict', () => {
  const pass = rowFromRun(input, passed);
  const skipped = rowWithout(input, 'SKIPPED', "the Docker host's kernel has no sch_netem");
  const fail = { ...pass, verdict: 'FAIL' as const };
  assert.equal(gameDayExitCode([pass, skipped], { strict: false }), 0);
  assert.equal(gameDayExitCode([pass, skipped], { strict: true }), 1);
  assert.equal(gameDayExitCode([skipped], { strict: false }), 1, 'nothing ran: nothing passed');
  assert.equal(gameDayExitCode([pass, fail], { strict: false }), 1);
  assert.equal(gameDayExitCode([pass, rowWithout(input, 'ERROR', 'x')], { strict: false }), 3);
  assert.equal(gameDayExitCode([rowWithout(input, 'INTERRUPTED', 'x'), rowWithout(input, 'NOT RUN', 'x')], { strict: false }), 4);
  assert.match(summaryLine([pass, skipped], 0), /^game day: 1 passed, 1 skipped \(not tested here, not passed\) of 2; every experiment that ran recovered in time with its gates and invariants held$/);
});

const held = (name: string) => ({ name, status: 'held', failed: false, reason: `0 == 0 (expect == 0)` });
const gate = (name: string, status = 'pass', failed = false) => ({ name, status, failed, reason: status === 'pass' ? 'held in baseline, after' : '<= 10 broken: after: 14 at t+31s' });
const backlog = "the consumer's backlog drains back to its baseline";

test('gates and invariants: shown per experiment; a failed gate or a broken invariant fails a recovered experiment, named', () => {
  const checked: RunDoc = { ...passed, prometheus: { gates: [gate('lock failures <= 10/min'), gate('consumer lag <= 10000')] }, invariants: { invariants: [held('no seat sold twice'), held(backlog)] } };
  const ok = rowFromRun(input, checked);
  assert.equal(ok.verdict, 'PASS');
  assert.deepEqual(ok.gates?.map((g) => g.name), ['lock failures <= 10/min', 'consumer lag <= 10000']);
  const cells = experimentCells(ok);
  assert.deepEqual(cells.slice(6, 8), ['2 passed', '2 held']);

  const gateFailed = rowFromRun(input, { ...checked, prometheus: { gates: [gate('lock failures <= 10/min', 'fail', true), gate('consumer lag <= 10000')] } });
  assert.equal(gateFailed.verdict, 'FAIL');
  assert.match(gateFailed.reason, /^gate "lock failures <= 10\/min" failed: <= 10 broken: after: 14/);
  assert.match(experimentCells(gateFailed)[6]!, /^1 passed, 1 FAILED; failed: lock failures <= 10\/min$/);

  const broken = { name: 'no seat sold twice', status: 'broken', failed: true, reason: 'broken after recovery: value 1, expected == 0 (limit 0)' };
  const lost = rowFromRun(input, { ...checked, invariants: { invariants: [broken, held(backlog)] } });
  assert.deepEqual([lost.verdict, lost.reason], ['FAIL', 'invariant "no seat sold twice" broken: broken after recovery: value 1, expected == 0 (limit 0)']);
  assert.match(experimentCells(lost)[7]!, /^1 held, 1 BROKEN; BROKEN: no seat sold twice/);

  const slow = rowFromRun(input, { ...checked, recovery: { ...passed.recovery!, verdict: 'fail', reason: 'users recovered after 41 s >= 30 s' }, invariants: { invariants: [broken] } });
  assert.match(slow.reason, /^users recovered after 41 s >= 30 s; invariant "no seat sold twice" broken/, 'both reasons');
  const unreadable = rowFromRun(input, { ...checked, invariants: { invariants: [{ ...broken, status: 'error', reason: 'after recovery: connect ECONNREFUSED' }] } });
  assert.equal(unreadable.verdict, 'ERROR');
});

test('without a Prometheus: no gate judged and the PromQL invariant "not checked: no Prometheus", never a silent pass', () => {
  const skipped = { name: backlog, status: 'skipped', failed: false, reason: 'not checked: no Prometheus given (--prometheus, LOADCTL_PROMETHEUS or promql.url)' };
  const row = rowFromRun(input, { ...passed, invariants: { invariants: [held('no seat sold twice'), skipped] } });
  assert.equal(row.gates, null);
  const [gates, invariants] = experimentCells(row).slice(6, 8);
  assert.equal(gates, 'not judged: no Prometheus');
  assert.equal(invariants, `1 held, 1 not checked; not checked: ${backlog} (no Prometheus given (--prometheus, LOADCTL_PROMETHEUS or promql.url))`);
  assert.doesNotMatch(invariants!, /2 held/);
  assert.deepEqual(experimentCells(rowWithout(input, 'SKIPPED', 'no sch_netem')).slice(6, 8), ['-', '-'], 'an experiment that did not run has no checks to show');

  // --strict: nothing unverified passes; the row says which invariant went unchecked, and the day fails.
  const all = [row, rowFromRun(input, passed)];
  assert.equal(gameDayExitCode(all, { strict: false }), 0);
  const strict = strictRows(all);
  assert.deepEqual([strict[0]!.verdict, strict[0]!.reason], ['FAIL', `--strict: invariant not checked: ${backlog} (no Prometheus given (--prometheus, LOADCTL_PROMETHEUS or promql.url))`]);
  assert.equal(strict[1], all[1], 'a row with nothing unchecked is left as it was');
  assert.equal(gameDayExitCode(strict, { strict: true }), 1);
  const failedAnyway = { ...row, verdict: 'FAIL' as const, reason: 'users recovered after 41 s >= 30 s' };
  assert.equal(strictRows([failedAnyway])[0], failedAnyway, 'a failure keeps its own reason');
});
