import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applyOverrides, holdStageIndex as holdIndexOf } from '../../../src/profiles/overrides.ts';
import { parseDuration } from '../../../src/shared/duration.ts';

/** The stages as profiles write them, read the way the model reads them. */
const holdStageIndex = (start: number, stages: ReadonlyArray<{ duration: string; target: number }>) =>
  holdIndexOf(start, stages.map((s) => ({ durationMs: parseDuration(s.duration)!, target: s.target })));
import type { ProfileSpec } from '../../../src/profiles/schema.ts';

const common = { description: 'd', scenario: 's', defaultTargets: true } as const;
const spike: ProfileSpec = {
  ...common,
  executor: 'ramping-vus',
  startVUs: 20,
  stages: [
    { duration: '30s', target: 20 },
    { duration: '10s', target: 1000 },
    { duration: '1m', target: 1000 },
    { duration: '10s', target: 20 },
    { duration: '1m', target: 20 },
    { duration: '10s', target: 0 },
  ],
};

function ok(spec: ProfileSpec, o: Parameters<typeof applyOverrides>[1]): ProfileSpec {
  const r = applyOverrides(spec, o);
  assert.ok(r.ok, r.ok ? '' : r.problems.join('; '));
  return r.value;
}

test('--vus scales every ramping-vus level so the peak is exactly N', () => {
  const out = ok(spike, { vus: 100 });
  assert.equal(out.executor, 'ramping-vus');
  if (out.executor !== 'ramping-vus') return;
  assert.equal(out.startVUs, 2);
  assert.deepEqual(out.stages.map((s) => s.target), [2, 100, 100, 2, 2, 0]);
  assert.deepEqual(out.stages.map((s) => s.duration), spike.stages.map((s) => s.duration));
});

test('--vus keeps non-zero levels at least 1 and zero at 0', () => {
  const out = ok(spike, { vus: 3 });
  if (out.executor !== 'ramping-vus') throw new Error('executor changed');
  assert.deepEqual([out.startVUs, ...out.stages.map((s) => s.target)], [1, 1, 3, 3, 1, 1, 0]);
});

test('--vus scales up when N is above the peak, and a peak that rounding misses is still N', () => {
  const odd: ProfileSpec = { ...common, executor: 'ramping-vus', startVUs: 0, stages: [{ duration: '1m', target: 3 }, { duration: '1m', target: 7 }] };
  const out = ok(odd, { vus: 10 });
  if (out.executor !== 'ramping-vus') throw new Error('executor changed');
  assert.deepEqual(out.stages.map((s) => s.target), [4, 10]);
});

test('--vus on constant-vus sets vus', () => {
  const out = ok({ ...common, executor: 'constant-vus', vus: 10, duration: '1m' }, { vus: 25 });
  assert.equal(out.executor === 'constant-vus' && out.vus, 25);
});

test('--vus on arrival-rate executors sets the VU budget and scales rates by the same factor', () => {
  const ramping = ok(
    { ...common, executor: 'ramping-arrival-rate', startRate: 10, timeUnit: '1s', preAllocatedVUs: 50, maxVUs: 200, stages: [{ duration: '1m', target: 100 }] },
    { vus: 400 },
  );
  assert.deepEqual(
    ramping.executor === 'ramping-arrival-rate' && [ramping.preAllocatedVUs, ramping.maxVUs, ramping.startRate, ramping.stages[0]!.target],
    [100, 400, 20, 200],
  );
  const constant = ok({ ...common, executor: 'constant-arrival-rate', rate: 30, timeUnit: '1s', duration: '1m', preAllocatedVUs: 60 }, { vus: 20 });
  assert.deepEqual(constant.executor === 'constant-arrival-rate' && [constant.preAllocatedVUs, constant.maxVUs, constant.rate], [20, undefined, 10]);
});

test('the hold stage is the longest plateau at the peak', () => {
  assert.equal(holdStageIndex(20, spike.stages), 2);
  const steps = [
    { duration: '1m', target: 100 },
    { duration: '2m', target: 100 },
    { duration: '1m', target: 200 },
    { duration: '2m', target: 200 },
    { duration: '1m', target: 0 },
  ];
  assert.equal(holdStageIndex(0, steps), 3);
});

test('without a plateau at the peak the longest plateau holds; without any, the longest stage', () => {
  assert.equal(holdStageIndex(0, [{ duration: '1m', target: 10 }, { duration: '5m', target: 10 }, { duration: '30s', target: 50 }, { duration: '10s', target: 0 }]), 1);
  assert.equal(holdStageIndex(0, [{ duration: '1m', target: 10 }, { duration: '3m', target: 50 }, { duration: '1m', target: 0 }]), 1);
});

test('--duration replaces the hold stage only, or the duration of constant executors', () => {
  const out = ok(spike, { duration: '10m' });
  if (out.executor !== 'ramping-vus') throw new Error('executor changed');
  assert.deepEqual(out.stages.map((s) => s.duration), ['30s', '10s', '10m', '10s', '1m', '10s']);
  const constant = ok({ ...common, executor: 'constant-vus', vus: 10, duration: '1m' }, { duration: '90s' });
  assert.equal(constant.executor === 'constant-vus' && constant.duration, '90s');
});

test('--base-url and --env merge over the profile env; --base-url wins over --env BASE_URL', () => {
  const out = ok({ ...spike, env: { FRONT_SEATS: 50, BASE_URL: 'http://a:1' } }, { env: { BASE_URL: 'http://b:2', X: 'y' }, baseUrl: 'http://c:3' });
  assert.deepEqual(out.env, { FRONT_SEATS: 50, BASE_URL: 'http://c:3', X: 'y' });
});

test('bad overrides come back as problems, all at once', () => {
  const r = applyOverrides(spike, { vus: 0, duration: '5 minutes', baseUrl: 'localhost:8080', env: { '1A': 'x' } });
  assert.equal(r.ok, false);
  if (r.ok) return;
  assert.equal(r.problems.length, 4);
  assert.match(r.problems[0]!, /^--vus: /);
  assert.match(r.problems[1]!, /^--duration: .*"5 minutes"/);
  assert.match(r.problems[2]!, /^--base-url: /);
  assert.match(r.problems[3]!, /^--env: "1A"/);
});
