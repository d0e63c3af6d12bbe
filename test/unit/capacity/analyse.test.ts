// The capacity maths on literal timelines: steps from stages, each hold's
// figures and verdict, a break only on a sustained window, the knee, and the
// answer line.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { planSteps } from '../../../src/capacity/plan.ts';
import { analyseCapacity, findKnee, type StepFigures } from '../../../src/capacity/analyse.ts';
import { defaultCapacityLimits, limitsFromTargets, parseCapacityFlag, type CapacityLimits } from '../../../src/capacity/limits.ts';
import type { SecondStats } from '../../../src/live/types.ts';
import { DEFAULT_TARGETS } from '../../../src/profiles/resolve.ts';

const T0 = 1_700_000_000; // unix seconds the scenario starts at
const sec = (t: number, requests: number, p99: number, failures = 0): SecondStats => ({
  t, requests, failures, errorRate: requests ? failures / requests : 0, p50: p99 / 2, p95: p99 * 0.9, p99,
});
const limits: CapacityLimits = { p99Ms: 300, p95Ms: null, errorRate: 0.05, windowSeconds: 3 };

/** ramping-vus: 2 s ramp + 8 s hold per level. */
function staged(levels: number[]) {
  const stages = levels.flatMap((target) => [{ duration: '2s', target }, { duration: '8s', target }]);
  return { scenarios: { s: { executor: 'ramping-vus', startVUs: 0, stages: [...stages, { duration: '2s', target: 0 }] } } };
}

/** A timeline from a function of (seconds since start) -> [requests, p99, failures]. */
function timeline(seconds: number, at: (i: number) => [number, number, number?]): SecondStats[] {
  return Array.from({ length: seconds }, (_, i) => {
    const [r, p, f] = at(i);
    return sec(T0 + i, r, p, f ?? 0);
  });
}

/** The level a 2 s ramp + 8 s hold profile drives at second i. */
const levelAt = (levels: number[], i: number) => levels[Math.min(levels.length - 1, Math.floor(i / 10))]!;

test('plan: flat stages are steps, ramps lead to them, arrival rates are per second', () => {
  const plan = planSteps(staged([100, 250]))!;
  assert.equal(plan.unit, 'VUs');
  assert.deepEqual(plan.steps, [
    { index: 1, level: 100, holdFrom: 2, holdTo: 10, ramp: { from: 0, to: 2, fromLevel: 0 } },
    { index: 2, level: 250, holdFrom: 12, holdTo: 20, ramp: { from: 10, to: 12, fromLevel: 100 } },
  ]);
  assert.equal(plan.totalSeconds, 22);
  const rate = planSteps({ scenarios: { a: { executor: 'ramping-arrival-rate', startRate: 60, timeUnit: '1m', stages: [{ duration: '10s', target: 60 }, { duration: '10s', target: 60 }] } } })!;
  assert.equal(rate.unit, 'iterations/s');
  assert.deepEqual(rate.steps, [{ index: 1, level: 1, holdFrom: 0, holdTo: 20 }]);
  assert.equal(planSteps({ scenarios: { a: { executor: 'constant-vus', vus: 5, duration: '10s' } } }), undefined);
  assert.deepEqual(planSteps({ scenarios: { a: { executor: 'ramping-vus', stages: [{ duration: '10s', target: 5 }, { duration: '10s', target: 0 }] } } })!.steps, []);
});

test('a server that saturates: the break is the first sustained window, the knee the step where throughput stopped growing', () => {
  const levels = [2, 4, 8, 16, 32];
  // 4 workers x 50 ms: 80 req/s at most, latency = level / 80 s once saturated.
  const seconds = timeline(52, (i) => {
    const n = levelAt(levels, i);
    return [Math.min(n * 20, 80), Math.max(50, (n / 80) * 1000)];
  });
  const b = analyseCapacity({ seconds, plan: planSteps(staged(levels))!, startedAt: T0 * 1000, limits });
  assert.equal(b.verdict, 'broke');
  assert.deepEqual(b.steps.map((s) => s.verdict), ['pass', 'pass', 'pass', 'pass', 'fail']);
  assert.deepEqual(b.steps.map((s) => s.requestRate), [40, 80, 80, 80, 80]);
  assert.equal(b.broke?.level, 32);
  assert.equal(b.broke?.during, 'hold');
  assert.equal(b.broke?.afterSeconds, 1, 'the hold starts at 42 s; its first counted second is 43 s');
  assert.deepEqual(b.broke?.reasons, ['p99 400 ms > 300 ms']);
  assert.equal(b.stableUpTo?.level, 16);
  assert.equal(b.knee?.level, 8);
  assert.equal(b.answer, 'stable up to 16 VUs (80 req/s, p99 200 ms, 0 % errors); broke at 32 VUs, 1 s into the step: p99 400 ms > 300 ms; knee at 8 VUs: 2× the load gave 80 req/s (was 80 req/s)');
});

test('one bad second, or two, is not a break; three in a row are, and the step says when', () => {
  const levels = [10, 20];
  const bad = new Set([4, 5, 16, 17]); // pairs only, below the 3 s window
  const seconds = timeline(22, (i) => [levelAt(levels, i) * 10, bad.has(i) ? 900 : 60]);
  let b = analyseCapacity({ seconds, plan: planSteps(staged(levels))!, startedAt: T0 * 1000, limits });
  assert.equal(b.verdict, 'did-not-break');
  assert.match(b.answer, /^did not break up to 20 VUs \(200 req\/s, p99 /);
  // A third bad second in the second hold, 5 s into it.
  const broken = seconds.map((s, i) => (i === 18 ? sec(s.t, s.requests, 900) : i === 16 || i === 17 ? sec(s.t, s.requests, 60) : s));
  broken[17] = sec(T0 + 17, 200, 900);
  broken[19] = sec(T0 + 19, 200, 900);
  b = analyseCapacity({ seconds: broken, plan: planSteps(staged(levels))!, startedAt: T0 * 1000, limits });
  assert.equal(b.verdict, 'broke');
  assert.equal(b.broke?.afterSeconds, 5);
  assert.match(b.answer, /^stable up to 10 VUs .*; broke at 20 VUs, 5 s into the step: p99 900 ms > 300 ms$/);
});

test('errors break a step too, and silence (no responses) is bad', () => {
  const levels = [5, 10];
  const seconds = timeline(22, (i) => (i >= 13 ? [100, 50, 20] : [50, 50, 0]));
  const b = analyseCapacity({ seconds, plan: planSteps(staged(levels))!, startedAt: T0 * 1000, limits });
  assert.deepEqual(b.broke?.reasons, ['errors 20 % > 5 %']);
  const silent = timeline(22, (i) => (i >= 13 ? [0, 0] : [50, 50]));
  const c = analyseCapacity({ seconds: silent.map((s) => (s.requests ? s : { ...s, p99: null, p95: null, p50: null })), plan: planSteps(staged(levels))!, startedAt: T0 * 1000, limits });
  assert.deepEqual(c.broke?.reasons, ['no responses for 3 s']);
});

test('a server that breaks at once names the first step', () => {
  const levels = [2, 4, 8];
  const seconds = timeline(32, () => [5, 800]);
  const b = analyseCapacity({ seconds, plan: planSteps(staged(levels))!, startedAt: T0 * 1000, limits });
  assert.equal(b.broke?.step, 1);
  assert.equal(b.stableUpTo, null);
  assert.match(b.answer, /^no stable step; broke at the first step, 2 VUs, 1 s into the step: p99 800 ms > 300 ms/);
});

test('a run that stopped on the ramp: a sustained failure there is where it broke, at about the level reached', () => {
  const levels = [100, 1000];
  // Healthy through the first hold; from second 11 (on the ramp 10 s -> 12 s... widened below) it fails.
  const plan = { unit: 'VUs' as const, totalSeconds: 40, steps: [
    { index: 1, level: 100, holdFrom: 0, holdTo: 10 },
    { index: 2, level: 1000, holdFrom: 20, holdTo: 30, ramp: { from: 10, to: 20, fromLevel: 100 } },
  ] };
  const seconds = timeline(17, (i) => (i >= 14 ? [300, 2800, 30] : [levelAt(levels, i), 100]));
  const b = analyseCapacity({ seconds, plan, startedAt: T0 * 1000, limits: { ...defaultCapacityLimits, windowSeconds: 3 } });
  assert.equal(b.steps[1]!.verdict, 'not-reached');
  assert.equal(b.broke?.during, 'ramp');
  assert.equal(b.broke?.level, 460, '4 s into a 10 s ramp from 100 to 1,000');
  assert.match(b.answer, /^stable up to 100 VUs .*; broke on the ramp to step 2, at about 460 VUs, 4 s into the ramp: p99 2\.8 s > 2 s, errors 10 % > 5 %$/);
  // Healthy until k6 stopped on the ramp: no break, and the answer says the run ended.
  const calm = analyseCapacity({ seconds: seconds.slice(0, 14), plan, startedAt: T0 * 1000, limits });
  assert.equal(calm.verdict, 'did-not-break');
  assert.match(calm.answer, /^did not break up to 100 VUs \(.*\); the run ended before 1,000 VUs was held$/);
});

test('no timeline at all: no data, said as such', () => {
  const b = analyseCapacity({ seconds: [], plan: planSteps(staged([5]))!, startedAt: T0 * 1000, limits });
  assert.equal(b.verdict, 'no-data');
  assert.match(b.answer, /live feed/);
});

test('knee: only when the added load stopped turning into throughput', () => {
  const step = (index: number, level: number, requestRate: number) => ({ index, level, requestRate, requests: requestRate, verdict: 'pass' }) as StepFigures;
  assert.equal(findKnee([step(1, 10, 100), step(2, 20, 190), step(3, 40, 370)]), null);
  assert.equal(findKnee([step(1, 10, 100), step(2, 20, 140), step(3, 40, 150)])?.step, 2, '40 % growth for 100 % more load');
  assert.equal(findKnee([step(1, 10, 100), step(2, 20, 160)]), null, '60 % growth for 100 % more load is still growing');
});

test('limits: from the targets the feed can judge, and --capacity over them', () => {
  assert.deepEqual(limitsFromTargets(DEFAULT_TARGETS), { p99Ms: 2000, p95Ms: null, errorRate: 0.05, windowSeconds: 5 });
  const own = limitsFromTargets([
    { name: 'a', metric: 'http_req_duration', stat: 'p99', op: '<', value: 300 },
    { name: 'b', metric: 'http_req_duration', stat: 'p95', op: '<', value: 200 },
    { name: 'c', metric: 'http_req_failed', stat: 'rate', op: '<', value: 0.01 },
    { name: 'd', metric: 'booking_duration', stat: 'p99', op: '<', value: 2000 },
  ]);
  assert.deepEqual(own, { p99Ms: 300, p95Ms: 200, errorRate: 0.01, windowSeconds: 5 });
  assert.deepEqual(parseCapacityFlag('p99=1s,window=3s,errors=2%', own), { ok: true, limits: { p99Ms: 1000, p95Ms: 200, errorRate: 0.02, windowSeconds: 3 } });
  const bad = parseCapacityFlag('p99=fast,window=1.5s,errors=0,speed=1', own);
  assert.equal(bad.ok, false);
  assert.equal(!bad.ok && bad.errors.length, 4);
});
