// A game day's rows and exit code, from result documents as runs write them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { gameDayExitCode, rowFromRun, rowWithout, summaryLine, type RunDoc } from '../../src/gameday/outcome.ts';

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
    faultErrorRate: 0.4, runDir: 'redis-failure/run', verdict: 'PASS', reason: 'users recovered after 4.5 s < 30 s',
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
  assert.match(summaryLine([pass, skipped], 0), /^game day: 1 passed, 1 skipped \(not tested here, not passed\) of 2; every experiment that ran met its recovery target$/);
});
