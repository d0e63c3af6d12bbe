// The pure decisions of a run under load: when to inject, whether the fault
// fits in the load, and the one exit code of k6 + chaos + users' recovery.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkFit, holdStartSeconds, isSteady, parseInjectAt, plannedLoadSeconds, steadyDeadlineSeconds } from '../../../src/live-run/schedule.ts';
import { triggerDecision } from '../../../src/live-run/chaos.ts';
import { decideLiveRunOutcome, type ChaosSide } from '../../../src/live-run/outcome.ts';
import { formatLiveSecond } from '../../../src/live-run/live.ts';
import type { SecondStats } from '../../../src/live/types.ts';
import type { RunOutcome } from '../../../src/verdict/outcome.ts';

const sec = (t: number, requests: number, failures = 0, p99: number | null = 40): SecondStats => ({
  t, requests, failures, errorRate: requests ? failures / requests : 0, p50: p99, p95: p99, p99,
});

const spike = { scenarios: { spike: { executor: 'ramping-vus', startVUs: 20, stages: [
  { duration: '30s', target: 20 }, { duration: '10s', target: 1000 }, { duration: '1m', target: 1000 },
  { duration: '10s', target: 20 }, { duration: '1m', target: 20 }, { duration: '10s', target: 0 },
] } } };
const constant = { scenarios: { simple: { executor: 'constant-vus', vus: 10, duration: '1m' } } };

test('--at: "steady" by default, k6 durations as offsets, anything else is an error', () => {
  assert.deepEqual(parseInjectAt(undefined), { kind: 'steady' });
  assert.deepEqual(parseInjectAt('steady'), { kind: 'steady' });
  assert.deepEqual(parseInjectAt('60s'), { kind: 'offset', ms: 60_000 });
  assert.deepEqual(parseInjectAt('1m30s'), { kind: 'offset', ms: 90_000 });
  assert.deepEqual(parseInjectAt('1500ms'), { kind: 'offset', ms: 1500 });
  for (const bad of ['60', 'soon', '-5s', '']) assert.ok('error' in parseInjectAt(bad), bad);
});

test('load length and hold start: a spike is broken at its peak, a constant load from the start', () => {
  assert.equal(plannedLoadSeconds(spike), 180);
  assert.equal(holdStartSeconds(spike), 40);
  assert.equal(plannedLoadSeconds(constant), 60);
  assert.equal(holdStartSeconds(constant), 0);
  assert.equal(plannedLoadSeconds({}), null);
  const arrival = { scenarios: { a: { executor: 'ramping-arrival-rate', startRate: 10, stages: [{ duration: '20s', target: 100 }, { duration: '2m', target: 100 }, { duration: '10s', target: 0 }] } } };
  assert.equal(holdStartSeconds(arrival), 20, 'an arrival-rate ramp holds at its peak rate');
  assert.equal(plannedLoadSeconds({ scenarios: { a: { executor: 'constant-vus', duration: '30s', startTime: '20s' } } }), 50);
});

test('steady: the last five seconds all served, each within 25 % of their mean', () => {
  assert.equal(isSteady([100, 110, 95, 105, 100].map((n, i) => sec(i, n))), true);
  assert.equal(isSteady([100, 110, 95, 105].map((n, i) => sec(i, n))), false, 'too few seconds');
  assert.equal(isSteady([20, 100, 200, 400, 800].map((n, i) => sec(i, n))), false, 'still ramping');
  assert.equal(isSteady([100, 100, 0, 100, 100].map((n, i) => sec(i, n))), false, 'a silent second');
  assert.equal(isSteady([1, 50, 100, 100, 100, 100, 100].map((n, i) => sec(i, n))), true, 'only the newest window counts');
});

test('the trigger: offsets on the clock; steady only after the hold starts; a deadline when it never settles', () => {
  const t0 = 1_000_000_000_000;
  const at = { kind: 'offset' as const, ms: 10_000 };
  const base = { k6StartedAt: t0, holdStartSeconds: 0, steadyDeadlineSeconds: 30 };
  assert.equal(triggerDecision({ ...base, at }, t0 + 9_999, []), null);
  assert.match(triggerDecision({ ...base, at }, t0 + 10_000, []) ?? '', /offset 10s reached/);

  const steady = { kind: 'steady' as const };
  const flat = [0, 1, 2, 3, 4].map((i) => sec(t0 / 1000 + 41 + i, 500));
  assert.equal(triggerDecision({ ...base, at: steady, holdStartSeconds: 40 }, t0 + 30_000, flat), null, 'before the hold stage');
  assert.match(triggerDecision({ ...base, at: steady, holdStartSeconds: 40, steadyDeadlineSeconds: 70 }, t0 + 47_000, flat) ?? '', /load steady at 500 req\/s/);
  const rampSeconds = [0, 1, 2, 3, 4].map((i) => sec(t0 / 1000 + 35 + i, 500));
  assert.equal(triggerDecision({ ...base, at: steady, holdStartSeconds: 40, steadyDeadlineSeconds: 70 }, t0 + 41_000, rampSeconds), null, 'seconds before the hold do not count');
  assert.match(triggerDecision({ ...base, at: steady, steadyDeadlineSeconds: 30 }, t0 + 30_000, []) ?? '', /no live data after 30s/);
  const ragged = [0, 1, 2, 3, 4].map((i) => sec(t0 / 1000 + 26 + i, i % 2 === 0 ? 5 : 50));
  assert.match(triggerDecision({ ...base, at: steady, steadyDeadlineSeconds: 30 }, t0 + 31_000, ragged) ?? '', /not steady after 31s; injecting anyway after 5 s of baseline/);
});

test('the trigger: a short constant profile waits for a baseline of 5 served seconds before injecting', () => {
  const t0 = 1_000_000_000_000;
  const steady = { kind: 'steady' as const };
  // 20 s of constant-vus with a 10 s fault: the deadline used to be 0 s, so the fault went in ~1 s after the start.
  const deadline = steadyDeadlineSeconds(0, 20, 10);
  assert.equal(deadline, 5);
  const u = { at: steady, k6StartedAt: t0, holdStartSeconds: 0, steadyDeadlineSeconds: deadline };
  const first = (n: number, requests = 30) => Array.from({ length: n }, (_, i) => sec(t0 / 1000 + i, requests));
  assert.equal(triggerDecision(u, t0 + 1_000, first(1)), null, 'one second of load is no baseline');
  assert.equal(triggerDecision(u, t0 + 6_000, first(4)), null, 'past the deadline, still only 4 s seen: wait');
  assert.equal(triggerDecision(u, t0 + 9_000, [sec(t0 / 1000, 0), ...first(4).slice(1), sec(t0 / 1000 + 4, 0)]), null, 'silent seconds are not baseline');
  assert.match(triggerDecision(u, t0 + 6_000, first(5)) ?? '', /load steady at 30 req\/s/);
  // Without a feed, only the clock: never before the hold start plus the minimum baseline.
  assert.equal(triggerDecision(u, t0 + 4_900, []), null);
  assert.match(triggerDecision(u, t0 + 5_000, []) ?? '', /no live data after 5s; injecting on time/);
  assert.equal(steadyDeadlineSeconds(40, 50, 30), 45, 'a hold start late in a short load still gets its baseline');
});

test('fit: an offset past the load is refused, a window without room to recover is a warning', () => {
  const fit = (at: ReturnType<typeof parseInjectAt>, load: number | null) => checkFit({ at: at as never, holdStartSeconds: 0, loadSeconds: load, faultSeconds: 30, recoverySeconds: 5 });
  assert.match(fit(parseInjectAt('60s'), 60).error ?? '', /--at 60s is at or after the end of the load \(60s\)/);
  assert.match(fit(parseInjectAt('40s'), 60).warning ?? '', /need 75s: recovery may not be seen/);
  assert.deepEqual(fit(parseInjectAt('10s'), 60), { injectAtSeconds: 10 });
  assert.deepEqual(fit(parseInjectAt('10s'), null), { injectAtSeconds: 10 });
  assert.equal(steadyDeadlineSeconds(40, 180, 30), 70);
  assert.equal(steadyDeadlineSeconds(0, 45, 30), 5);
});

const passed: RunOutcome = { status: 'passed', exitCode: 0, reason: 'all targets met and all k6 thresholds held' };
const chaosOk = (over: Partial<Extract<ChaosSide, { ran: true }>['result']> = {}): ChaosSide => ({
  ran: true,
  result: { experiment: 'redis-failure', status: 'passed', rollbackFailures: [], recovery: { targetMs: 30_000, maxWaitMs: 120_000, intervalMs: 250, healthyRounds: 3, measuredMs: 800, rounds: 4 }, ...over },
});
const users = (verdict: 'pass' | 'fail') => ({ verdict, reason: verdict === 'pass' ? 'users recovered after 4.2 s < 30 s' : 'users recovered after 41 s >= 30 s' });

test('one exit code: users recovering too slowly fail a run whose targets passed', () => {
  assert.deepEqual(decideLiveRunOutcome({ run: passed, chaos: chaosOk(), recovery: users('pass') }), {
    status: 'passed', exitCode: 0, reason: 'all targets met and all k6 thresholds held; users recovered after 4.2 s < 30 s',
  });
  const slow = decideLiveRunOutcome({ run: passed, chaos: chaosOk(), recovery: users('fail') });
  assert.deepEqual([slow.status, slow.exitCode, slow.reason], ['failed', 1, 'users recovered after 41 s >= 30 s']);
  const blind = decideLiveRunOutcome({ run: passed, chaos: chaosOk(), recovery: null, noRecoveryReason: 'the live feed had no data' });
  assert.equal(blind.exitCode, 1);
  assert.match(blind.reason, /could not be measured \(the live feed had no data\)/);
  // A runner died with the fault in: the load stopped, so "never recovered" would blame the system for an empty feed.
  const runnerDied: RunOutcome = { status: 'failed', exitCode: 1, reason: 'runner 1 (process 7) ended before the test did: k6 was killed by SIGKILL' };
  const stopped = decideLiveRunOutcome({ run: runnerDied, chaos: chaosOk(), recovery: users('fail'), loadStopped: true });
  assert.deepEqual([stopped.status, stopped.exitCode], ['failed', 1]);
  assert.equal(stopped.reason, `${runnerDied.reason}; users' recovery was not measured: the load was stopped with the fault in`);
  const recoveredAnyway = decideLiveRunOutcome({ run: runnerDied, chaos: chaosOk(), recovery: users('pass'), loadStopped: true });
  assert.equal(recoveredAnyway.reason, runnerDied.reason, 'a recovery seen before the stop is not a problem');
});

test('one exit code: an unfinished rollback outranks everything, then Ctrl-C, then errors, then verdicts', () => {
  const failedRun: RunOutcome = { status: 'failed', exitCode: 1, reason: '1 of 2 targets failed' };
  const rollback = decideLiveRunOutcome({ run: failedRun, chaos: chaosOk({ status: 'interrupted', rollbackFailures: [{ undo: 'start redis', message: 'gone' }] }), recovery: null });
  assert.equal(rollback.exitCode, 3);
  assert.match(rollback.reason, /^1 of 2 targets failed; rollback incomplete .*loadctl chaos recover.*; redis-failure interrupted/);
  const interrupted = decideLiveRunOutcome({ run: { status: 'interrupted', exitCode: 4, reason: 'interrupted by the user; results are partial' }, chaos: chaosOk({ status: 'interrupted' }), recovery: null });
  assert.deepEqual([interrupted.status, interrupted.exitCode], ['interrupted', 4]);
  const steadyFailed = decideLiveRunOutcome({ run: passed, chaos: chaosOk({ status: 'steady-state-failed' }), recovery: null });
  assert.deepEqual([steadyFailed.status, steadyFailed.exitCode], ['environment-error', 3]);
  const probesSlow = decideLiveRunOutcome({ run: passed, chaos: chaosOk({ status: 'failed', recovery: { targetMs: 10_000, maxWaitMs: 1, intervalMs: 1, healthyRounds: 1, measuredMs: 12_000, rounds: 1 } }), recovery: users('pass') });
  assert.equal(probesSlow.exitCode, 1);
  assert.match(probesSlow.reason, /containers recovered in 12000 ms, over the 10000 ms target/);
  const never = decideLiveRunOutcome({ run: passed, chaos: { ran: false, experiment: 'redis-failure', reason: 'the load ended before the moment to inject' }, recovery: null });
  assert.deepEqual([never.exitCode, never.reason], [1, 'redis-failure was not injected: the load ended before the moment to inject']);
  const refused = decideLiveRunOutcome({ run: passed, chaos: { ran: false, experiment: 'x', reason: 'journal pending', exitCode: 3 }, recovery: null });
  assert.equal(refused.exitCode, 3);
});

test('the live line: requests, error rate, p99 in ms or s', () => {
  assert.equal(formatLiveSecond(sec(0, 412, 0, 38.4)), '412 req/s  err 0.00 %  p99 38 ms');
  assert.equal(formatLiveSecond(sec(0, 90, 45, 2345)), '90 req/s  err 50.00 %  p99 2.35 s');
  assert.equal(formatLiveSecond(sec(0, 0, 0, null)), '0 req/s  err 0.00 %  p99 -');
});

test('--recovery: settings over the defaults, every problem at once', async () => {
  const { parseRecoveryFlag } = await import('../../../src/live-run/recovery-flag.ts');
  assert.deepEqual(parseRecoveryFlag(undefined), { ok: true, targets: { maxErrorRate: 0.05, maxP99Ms: 2000, consecutiveSeconds: 5, maxRecoverySeconds: 30 } });
  assert.deepEqual(parseRecoveryFlag('target=45s,errors=1%,p99=1500ms,seconds=3'), { ok: true, targets: { maxErrorRate: 0.01, maxP99Ms: 1500, consecutiveSeconds: 3, maxRecoverySeconds: 45 } });
  assert.deepEqual(parseRecoveryFlag('errors=0.2'), { ok: true, targets: { maxErrorRate: 0.2, maxP99Ms: 2000, consecutiveSeconds: 5, maxRecoverySeconds: 30 } });
  const bad = parseRecoveryFlag('target=soon,speed=1,seconds=1.5,errors=150%');
  assert.equal(bad.ok, false);
  assert.deepEqual(!bad.ok && bad.errors, [
    '--recovery target=soon: expected a duration such as 30s or 1500ms',
    '--recovery: unknown setting "speed" (known: target, errors, p99, seconds)',
    '--recovery seconds=1.5: expected a whole number of seconds, e.g. 5',
    'recovery error-rate limit 1.5 must be a fraction in (0, 1], e.g. 0.05',
  ]);
});
