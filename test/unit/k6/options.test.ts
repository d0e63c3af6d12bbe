// The one model of k6's options: the peak VUs the way k6 plans them (startTime
// and gracefulStop counted), read alike by the runners' plan, the report, the
// k8s wait and the live schedule.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { executionPlan, loadTestMs, maxTestMs, peakVus, scenariosOf } from '../../../src/k6/options.ts';
import { planRunners } from '../../../src/runners/plan.ts';
import { runRecordFrom } from '../../../src/report/run-record.ts';
import { profileSeconds } from '../../../src/runners/k8s/timeout.ts';
import { plannedLoadSeconds } from '../../../src/live-run/schedule.ts';

const fifty = (extra: Record<string, unknown> = {}) => ({ executor: 'constant-vus', vus: 50, duration: '30s', ...extra });
const plan = (k6Options: Record<string, unknown>) =>
  planRunners({ profile: 'p', k6Options, mbPerVu: 1, mbPerVuSource: 'given', runnerMemoryMb: 8192, openFileLimit: null }).peakVus;
const reported = (k6Options: Record<string, unknown>) => runRecordFrom('/runs/x', { profile: { name: 'p', k6Options } }).vus;

test('two 50-VU scenarios at once are planned and reported as 100; one after the other as 50', () => {
  const together = { scenarios: { a: fifty(), b: fifty() } };
  assert.deepEqual([plan(together), reported(together)], [100, 100]);
  // The first one's VUs are k6's until its gracefulStop (30 s by default) is over.
  const after = { scenarios: { a: fifty(), b: fifty({ startTime: '1m' }) } };
  assert.deepEqual([plan(after), reported(after)], [50, 50]);
  const inGracefulStop = { scenarios: { a: fifty(), b: fifty({ startTime: '45s' }) } };
  assert.equal(peakVus(inGracefulStop), 100);
  const noGrace = { scenarios: { a: fifty({ gracefulStop: '0s' }), b: fifty({ startTime: '30s' }) } };
  assert.equal(peakVus(noGrace), 50);
});

test('arrival-rate scenarios count maxVUs (VUs k6 may start mid-test); ramps count what runs at each moment', () => {
  assert.equal(peakVus({ scenarios: { a: { executor: 'constant-arrival-rate', duration: '1m', preAllocatedVUs: 100, maxVUs: 400 } } }), 400);
  assert.equal(peakVus({ scenarios: { a: { executor: 'constant-arrival-rate', duration: '1m', preAllocatedVUs: 100 } } }), 100);
  // A ramp down to 0 then a second scenario's ramp up: their VUs overlap only within gracefulRampDown.
  const down = { executor: 'ramping-vus', startVUs: 100, stages: [{ duration: '10s', target: 0 }], gracefulRampDown: '0s', gracefulStop: '0s' };
  const up = { executor: 'ramping-vus', startVUs: 0, startTime: '10s', stages: [{ duration: '10s', target: 100 }] };
  assert.equal(peakVus({ scenarios: { down, up } }), 100);
  const held = { ...down, gracefulRampDown: '30s', gracefulStop: '30s' };
  assert.equal(peakVus({ scenarios: { down: held, up } }), 200, 'stopped VUs are held for gracefulRampDown while the next ramps up');
  const ramp = { scenarios: { booking: { executor: 'ramping-vus', startVUs: 0, stages: [{ duration: '10m', target: 50000 }, { duration: '2m', target: 0 }] } } };
  assert.equal(peakVus(ramp), 50000);
});

test('the plan of two scenarios is k6\'s: steps summed at each start and end', () => {
  const steps = executionPlan({ scenarios: { a: fifty({ gracefulStop: '0s' }), b: fifty({ startTime: '10s', vus: 20, gracefulStop: '0s' }) } });
  assert.deepEqual(steps.map((s) => [s.atMs, s.plannedVus]), [[0, 50], [10_000, 70], [30_000, 20], [40_000, 0]]);
});

test('the top-level shortcuts become the scenario k6 derives from them', () => {
  assert.deepEqual(scenariosOf({ vus: 10, duration: '30s' }).map((s) => [s.executor, s.vus, s.loadMs]), [['constant-vus', 10, 30_000]]);
  assert.deepEqual(scenariosOf({ stages: [{ duration: '1m', target: 20 }] }).map((s) => [s.executor, s.maxVus]), [['ramping-vus', 20]]);
  assert.deepEqual(scenariosOf({ iterations: 5, vus: 2 }).map((s) => [s.executor, s.vus, s.maxMs]), [['shared-iterations', 2, 600_000]]);
  assert.deepEqual(scenariosOf({}).map((s) => [s.executor, s.vus]), [['per-vu-iterations', 1]]);
});

test('one length for every reader: the k8s wait counts gracefulStop, the schedule counts load only', () => {
  const o = { scenarios: { a: fifty(), b: { executor: 'ramping-vus', startTime: '20s', stages: [{ duration: '1m', target: 10 }], gracefulStop: '5s' } } };
  assert.equal(maxTestMs(o), 85_000);
  assert.equal(profileSeconds(o), 85);
  assert.equal(loadTestMs(o), 80_000);
  assert.equal(plannedLoadSeconds(o), 80);
  assert.equal(plannedLoadSeconds({ scenarios: { a: { executor: 'shared-iterations', iterations: 10 } } }), null, 'iterations end when they are done');
});
