// What live gates decide (src/prometheus/live-decide.ts) and what a stopped run
// becomes (verdict/system.ts, live-run/outcome.ts). Pure, with literals.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { abortReason, classify, decideLive, liveWindow, livePhaseAt, type LiveEvaluation } from '../../../src/prometheus/live-decide.ts';
import { resolvePrometheus, prometheusBlockSchema } from '../../../src/prometheus/config.ts';
import { withLiveAbort } from '../../../src/verdict/system.ts';
import { decideLiveRunOutcome } from '../../../src/live-run/outcome.ts';
import { gateCases, gateLines, gatesMarkdown } from '../../../src/prometheus/render.ts';
import type { PrometheusDoc } from '../../../src/prometheus/in-run.ts';

const ev = (at: number, kind: LiveEvaluation['kind'], window: LiveEvaluation['window'] = 'fault', gate = 'locks'): LiveEvaluation => ({
  gate, at, window, kind, ...(kind === 'fail' ? { worst: { at, value: 100 + at, labels: {} } } : {}),
});

test('three failing evaluations in a row stop the run; anything else in between starts the count again', () => {
  assert.equal(decideLive([ev(1, 'fail'), ev(2, 'fail')], 3), null);
  const stop = decideLive([ev(1, 'pass'), ev(2, 'fail'), ev(3, 'fail'), ev(4, 'fail')], 3);
  assert.deepEqual([stop?.gate, stop?.at, stop?.window, stop?.streak.length, stop?.last.value], ['locks', 4, 'fault', 3, 104]);
  for (const between of ['pass', 'no-data', 'unanswered'] as const) {
    assert.equal(decideLive([ev(1, 'fail'), ev(2, 'fail'), ev(3, between), ev(4, 'fail'), ev(5, 'fail')], 3), null, `${between} breaks the row`);
  }
  assert.equal(decideLive([ev(1, 'fail', 'baseline'), ev(2, 'fail', 'baseline'), ev(3, 'fail', 'after')], 3), null, 'a new phase starts a new count');
  assert.equal(decideLive([ev(1, 'fail', 'fault', 'a'), ev(2, 'fail', 'fault', 'b'), ev(3, 'fail', 'fault', 'a')], 3), null, 'counted per gate');
  assert.equal(decideLive([ev(1, 'fail')], 1)?.at, 1, 'failures: 1 stops on the first');
  // A Prometheus that went away for good never stops a run, however long.
  assert.equal(decideLive(Array.from({ length: 50 }, (_, i) => ev(i, 'unanswered')), 3), null);
});

test('one evaluation: failing when any series breaks the comparison; NaN or nothing is no data; an error is unanswered', () => {
  const gate = { name: 'locks', op: '<' as const, value: 10 };
  const s = (v: number, l: Record<string, string> = {}) => ({ labels: l, samples: [[50, v]] as Array<[number, number]> });
  assert.equal(classify(gate, 'run', 50, [s(3), s(9.9)]).kind, 'pass');
  const failed = classify(gate, 'run', 50, [s(3), s(12, { r: 'a' }), s(40, { r: 'b' })]);
  assert.deepEqual([failed.kind, failed.worst?.value, failed.worst?.labels], ['fail', 40, { r: 'b' }]);
  assert.equal(classify({ ...gate, op: '>' }, 'run', 50, [s(3), s(1)]).worst?.value, 1, 'for ">" the lowest is worst');
  assert.equal(classify(gate, 'run', 50, []).kind, 'no-data');
  assert.equal(classify(gate, 'run', 50, [s(Number.NaN)]).kind, 'no-data');
  assert.equal(classify(gate, 'run', 50, { error: 'ECONNREFUSED' }).kind, 'unanswered');
});

test('live phases: baseline, fault, recovery, after by the marks; a gate only in its scopes, after its look-back', () => {
  const marks = { start: 1000, chaos: true };
  assert.deepEqual(livePhaseAt(marks), { name: 'baseline', from: 1000 });
  assert.deepEqual(livePhaseAt({ ...marks, injectedAt: 1010 }), { name: 'fault', from: 1010 });
  assert.deepEqual(livePhaseAt({ ...marks, injectedAt: 1010, rolledBackAt: 1030 }), { name: 'recovery', from: 1030 });
  assert.deepEqual(livePhaseAt({ ...marks, injectedAt: 1010, rolledBackAt: 1030, recoveredAt: 1033 }), { name: 'after', from: 1033 });
  assert.deepEqual(livePhaseAt({ start: 1000, chaos: false, injectedAt: 5 }), { name: 'run', from: 1000 });

  const faultGate = { scopes: ['fault' as const], query: 'sum(rate(x[10s])) * 60' };
  assert.equal(liveWindow(faultGate, marks, 1005), null, 'not judged in the baseline');
  assert.equal(liveWindow(faultGate, { ...marks, injectedAt: 1010 }, 1015), null, 'the look-back still reaches into the baseline');
  assert.deepEqual(liveWindow(faultGate, { ...marks, injectedAt: 1010 }, 1020), { name: 'fault', from: 1010 });
  assert.deepEqual(liveWindow({ scopes: ['steady'], query: 'max(q)' }, marks, 1001), { name: 'baseline', from: 1000 });
  assert.equal(liveWindow({ scopes: ['steady'], query: 'max(q)' }, { ...marks, injectedAt: 1010 }, 1011), null, 'steady is not the fault');
  assert.deepEqual(liveWindow({ scopes: ['run'], query: 'rate(x[1m])' }, { ...marks, injectedAt: 1010 }, 1011), { name: 'run', from: 1000 });
  assert.deepEqual(liveWindow({ scopes: ['steady'], query: 'rate(x[1m])' }, { start: 1000, chaos: false }, 1001), { name: 'run', from: 1000 });
});

test('config: abortOnFail per gate, --prometheus-abort for all, live every/failures with defaults and bounds', () => {
  const block = prometheusBlockSchema.parse({ gates: ['max(a) < 1', { expr: 'max(b) < 1', abortOnFail: true }], live: { every: '1s', failures: 2 } });
  const s = resolvePrometheus({ flag: 'http://p:9090', profile: { ...block, defaultGates: false } });
  assert.deepEqual(s?.gates.map((g) => g.abortOnFail ?? false), [false, true]);
  assert.deepEqual(s?.live, { everyMs: 1000, failures: 2 });
  const all = resolvePrometheus({ flag: 'http://p:9090', abortAll: true });
  assert.ok(all?.gates.length === 5 && all.gates.every((g) => g.abortOnFail), 'the runbook defaults too');
  assert.deepEqual(all?.live, { everyMs: 5000, failures: 3 });
  for (const bad of [{ every: '0s' }, { every: '10m' }, { failures: 0 }, { failures: 1.5 }, { often: true }]) {
    assert.equal(prometheusBlockSchema.safeParse({ live: bad }).success, false, JSON.stringify(bad));
  }
});

const abort = decideLive([ev(1010, 'fail'), ev(1015, 'fail'), ev(1020, 'fail')], 3)!;
const reason = abortReason(abort, { op: '<', value: 10 }, 1000);

test('a stopped run: exit 1 with the gate named, as k6\'s own abortOnFail; the fault it cut short is not an interruption', () => {
  assert.equal(reason, 'Prometheus gate "locks" stopped the run at t+20s: 3 evaluations in a row broke < 10 in fault (last 1120)');
  const interrupted = { status: 'interrupted' as const, exitCode: 4 as const, reason: 'interrupted by the user; results are partial' };
  assert.deepEqual(withLiveAbort(interrupted, reason), { status: 'failed', exitCode: 1, reason: `${reason}; k6 was stopped early, its figures cover the run until then` });
  const failed = withLiveAbort({ status: 'failed', exitCode: 1, reason: '1 of 2 targets failed' }, reason);
  assert.deepEqual([failed.exitCode, failed.reason], [1, `${reason}; 1 of 2 targets failed`]);
  assert.equal(withLiveAbort({ status: 'script-error', exitCode: 5, reason: 'k6 exited 107' }, reason).exitCode, 5);

  const run = withLiveAbort(interrupted, reason);
  const recovery = { targetMs: 30_000, maxWaitMs: 1, intervalMs: 1, healthyRounds: 1, measuredMs: null, rounds: 0 };
  const cut = decideLiveRunOutcome({ run, chaos: { ran: true, result: { experiment: 'redis-stop', status: 'interrupted', rollbackFailures: [], recovery } }, recovery: null, stoppedBy: 'Prometheus gate "locks"' });
  assert.deepEqual([cut.status, cut.exitCode], ['failed', 1]);
  assert.match(cut.reason, /redis-stop stopped early by Prometheus gate "locks"; every fault was rolled back/);
  const user = decideLiveRunOutcome({ run, chaos: { ran: true, result: { experiment: 'redis-stop', status: 'interrupted', rollbackFailures: [], recovery } }, recovery: null });
  assert.equal(user.exitCode, 4, 'without the gate it is the user\'s Ctrl-C');
  const never = decideLiveRunOutcome({ run, chaos: { ran: false, experiment: 'redis-stop', reason: 'interrupted before injection', exitCode: 4 }, recovery: null, stoppedBy: 'Prometheus gate "locks"' });
  assert.deepEqual([never.exitCode, never.reason.endsWith('redis-stop was not injected: Prometheus gate "locks" stopped the run first')], [1, true]);
  const undo = decideLiveRunOutcome({ run, chaos: { ran: true, result: { experiment: 'redis-stop', status: 'interrupted', rollbackFailures: [{ undo: 'start', message: 'gone' }], recovery } }, recovery: null, stoppedBy: 'g' });
  assert.equal(undo.exitCode, 3, 'an unfinished rollback still outranks it');
});

test('every text output names the gate that stopped the run', () => {
  const doc: PrometheusDoc = {
    url: 'http://p:9090', from: 'flag', run: { from: 1000, to: 1030 }, caughtUp: true, passed: false,
    gates: [{ name: 'locks', expression: 'x < 10', query: 'x', op: '<', value: 10, scopes: ['fault'], source: 'profile', abortOnFail: true, status: 'fail', failed: true, reason: '< 10 broken', missingMetrics: [], windows: [] }],
    live: { everySeconds: 5, failures: 3, gates: ['locks'], evaluations: { pass: 2, fail: 3, 'no-data': 0, unanswered: 0 }, abort, reason },
  };
  assert.ok(gateLines(doc).includes(`live gate STOPPED THE RUN: ${reason}`));
  assert.match(gateLines(doc)[0] ?? '', /^gate FAIL locks \(live\): /);
  assert.match(gatesMarkdown(doc), /\*\*live gate STOPPED THE RUN: Prometheus gate "locks" stopped the run at t\+20s/);
  const cases = gateCases(doc);
  assert.equal(cases[0]?.name, 'live: locks stopped the run');
  assert.equal(cases[0]?.failure?.message, reason);
  const calm = { ...doc, live: { ...doc.live!, abort: null, reason: null, evaluations: { pass: 7, fail: 1, 'no-data': 0, unanswered: 2 } } };
  assert.deepEqual(gateLines(calm).slice(-1), ['live gates held (locks): 10 evaluations every 5 s, 1 failing, never 3 in a row; 2 unanswered by Prometheus']);
  assert.equal(gateCases(calm).length, 1);
});
