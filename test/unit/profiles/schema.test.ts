import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { validateProfile, type ProfileSpec } from '../../../src/profiles/schema.ts';
import { buildK6Options, isObserverThreshold, LIBRARY_ENDPOINTS, normaliseTarget, resolveTargets } from '../../../src/profiles/resolve.ts';
import { renderProfileSchema, SCHEMA_FILE } from '../../../scripts/gen-profile-schema.ts';

const base = { description: 'd', scenario: 'simple', executor: 'constant-vus', vus: 5, duration: '1m' };
const named = { description: 'd', scenario: 'simple' };

function valid(raw: unknown): ProfileSpec {
  const r = validateProfile(raw, 'p.yaml');
  assert.ok(r.ok, r.ok ? '' : r.problems.join('\n'));
  return r.value;
}

function problems(raw: unknown): string[] {
  const r = validateProfile(raw, 'profiles/x.yaml');
  assert.equal(r.ok, false, 'expected the profile to be rejected');
  return r.ok ? [] : r.problems;
}

test('a schema error names the file and the field path', () => {
  const got = problems({ ...named, executor: 'ramping-vus', stages: [{ duration: '1m', target: 'lots' }] });
  assert.deepEqual(got, ['profiles/x.yaml: stages.0.target: expected number']);
});

test('every problem is reported at once, typos by their key', () => {
  const got = problems({ description: '', scenario: 'Bad Name', executor: 'ramping-vus', stagse: [], gracefulStop: 'soon' });
  assert.ok(got.length >= 5, got.join('\n'));
  for (const field of ['description', 'scenario', 'stages', 'stagse', 'gracefulStop']) {
    assert.ok(got.some((p) => p.startsWith(`profiles/x.yaml: ${field}: `)), `no problem for ${field} in\n${got.join('\n')}`);
  }
  assert.ok(got.includes('profiles/x.yaml: stagse: unknown field'));
});

test('an unknown executor lists the known ones; a non-mapping is refused', () => {
  assert.match(problems({ ...base, executor: 'per-vu-iterations' })[0]!, /executor: expected one of: ramping-vus, constant-vus, ramping-arrival-rate, constant-arrival-rate/);
  assert.match(problems(['a', 'b'])[0]!, /\(top level\): expected a mapping/);
});

test('cross-field rules: maxVUs >= preAllocatedVUs, one bound per target, some load', () => {
  assert.match(problems({ ...named, executor: 'constant-arrival-rate', duration: '1m', rate: 5, preAllocatedVUs: 10, maxVUs: 5 })[0]!, /maxVUs: expected at least preAllocatedVUs \(10\)/);
  assert.match(problems({ ...base, targets: [{ metric: 'checks', stat: 'rate', below: 1, above: 0 }] })[0]!, /targets\.0: expected exactly one of below/);
  assert.match(problems({ ...named, executor: 'ramping-vus', stages: [{ duration: '1m', target: 0 }] })[0]!, /stages: expected at least one stage with a target above 0/);
});

test('k6 thresholds are checked for k6 syntax', () => {
  valid({ ...base, thresholds: { 'http_req_duration{name:login}': ['p(95)<500', { threshold: 'p(99)<1000', abortOnFail: true, delayAbortEval: '10s' }] } });
  assert.match(problems({ ...base, thresholds: { http_req_failed: ['less than 5%'] } })[0]!, /thresholds\.http_req_failed\.0: /);
});

test('both target forms normalise to the same Target, with units', () => {
  const fromString = normaliseTarget('http_req_duration{name:hold_seats} p(99)<2s');
  const fromObject = normaliseTarget({ metric: 'http_req_duration{name:hold_seats}', stat: 'p99', below: 2000 });
  assert.deepEqual(fromString, fromObject);
  assert.deepEqual(fromString, { name: 'http_req_duration{name:hold_seats} p99 < 2000', metric: 'http_req_duration', tags: { name: 'hold_seats' }, stat: 'p99', op: '<', value: 2000 });
  assert.deepEqual(normaliseTarget({ name: 'ok', metric: 'checks', stat: 'rate', atLeast: '95%' }), { name: 'ok', metric: 'checks', stat: 'rate', op: '>=', value: 0.95 });
  assert.equal(normaliseTarget('booking_duration med<=500ms').op, '<=');
  // "p95" as the object form spells it, or "p(95)" as k6 does: the same target.
  assert.deepEqual(normaliseTarget('http_req_duration p95<2000'), normaliseTarget('http_req_duration p(95)<2000'));
  assert.equal(normaliseTarget('booking_duration p99 <= 2s').value, 2000);
  valid({ ...base, targets: ['http_req_duration p95<2000', 'booking_duration p(99)<2s'] });
  assert.match(problems({ ...base, targets: ['http_req_duration p97<2000'] })[0]!, /targets\.0: expected "<metric> <stat><op><value>"/);
});

test('default targets come first; a profile target with the same metric and stat replaces one', () => {
  const spec = valid({ ...base, targets: ['booking_duration p(99)<1s', 'http_req_duration{name:login} p(95)<300'] });
  const r = resolveTargets(spec);
  assert.ok(r.ok);
  if (!r.ok) return;
  assert.deepEqual(r.value.map((t) => [t.metric, t.stat, t.value]), [
    ['http_req_failed', 'rate', 0.05],
    ['booking_duration', 'p99', 1000],
    ['http_req_duration', 'p95', 300],
  ]);
  const none = resolveTargets(valid({ ...base, defaultTargets: false }));
  assert.deepEqual(none.ok && none.value, []);
});

test('a stat the metric type cannot have is refused before k6 sees it', () => {
  const r = resolveTargets(valid({ ...base, targets: ['http_req_failed p(99)<1', 'booking_duration rate<1'] }));
  assert.equal(r.ok, false);
  assert.equal(!r.ok && r.problems.length, 2);
  assert.match(!r.ok ? r.problems[0]! : '', /http_req_failed is a rate metric; use one of rate/);
});

test('k6 options: one scenario, profile thresholds plus one per target without duplicates, p(99) in trend stats', () => {
  const spec = valid({
    ...base,
    gracefulStop: '10s',
    thresholds: { http_req_failed: ['rate<0.05'], 'http_req_duration{name:login}': ['p(95)<500'] },
    targets: [{ metric: 'http_req_duration{name:login}', stat: 'p99', below: '1s' }],
    options: { discardResponseBodies: true },
    endpoints: [],
  });
  const r = resolveTargets(spec);
  assert.ok(r.ok);
  const opts = buildK6Options(spec, r.ok ? r.value : []);
  assert.deepEqual(opts.scenarios, { simple: { executor: 'constant-vus', vus: 5, duration: '1m', gracefulStop: '10s' } });
  assert.deepEqual(opts.thresholds, {
    http_req_failed: ['rate<0.05'],
    'http_req_duration{name:login}': ['p(95)<500', 'p(99)<1000'],
    booking_duration: ['p(99)<2000'],
  });
  assert.ok((opts.summaryTrendStats as string[]).includes('p(99)'));
  assert.equal(opts.discardResponseBodies, true);
});

test('profiles/profile.schema.json is up to date with the zod schema', () => {
  const committed = readFileSync(SCHEMA_FILE, 'utf8');
  assert.ok(committed === renderProfileSchema(), 'stale: run `node --import tsx scripts/gen-profile-schema.ts` and commit the result');
  type Branch = { properties: Record<string, unknown>; required?: string[] };
  const schema = JSON.parse(committed) as { anyOf: [{ oneOf: Branch[] }, Branch] };
  // The four executors, each with a scenario or a script; and a script that keeps its own shape.
  assert.equal(schema.anyOf[0].oneOf.length, 4);
  for (const branch of schema.anyOf[0].oneOf) for (const key of ['description', 'scenario', 'script', 'targets', 'thresholds', 'env']) assert.ok(key in branch.properties, key);
  const ownShape = schema.anyOf[1];
  for (const key of ['description', 'script', 'targets', 'thresholds', 'env', 'prometheus', 'invariants']) assert.ok(key in ownShape.properties, key);
  assert.ok(!('executor' in ownShape.properties) && ownShape.required?.includes('script'));
});

test('k6 options that the profile fields own are refused in options', () => {
  const got = problems({ ...base, options: { thresholds: {}, discardResponseBodies: true, stages: [] } });
  assert.deepEqual(got.map((p) => p.split(':').slice(0, 2).join(':')), ['profiles/x.yaml: options.thresholds', 'profiles/x.yaml: options.stages']);
});

test('every endpoint gets an always-true threshold so k6 reports it, unless a threshold already names it', () => {
  const spec = valid({ ...base, thresholds: { 'http_req_duration{name:login}': ['p(95)<500'] } });
  const opts = buildK6Options(spec, []);
  const thresholds = opts.thresholds as Record<string, string[]>;
  for (const e of LIBRARY_ENDPOINTS) assert.ok(`http_req_failed{name:${e}}` in thresholds, e);
  assert.deepEqual(thresholds['http_req_duration{name:login}'], ['p(95)<500']);
  assert.deepEqual(thresholds['http_req_duration{name:hold_seats}'], ['max>=0']);
  assert.ok(isObserverThreshold('http_req_duration{name:hold_seats}', 'max >= 0'));
  assert.ok(!isObserverThreshold('http_req_duration{name:hold_seats}', 'p(99)<2000'));
  const custom = buildK6Options(valid({ ...base, endpoints: ['checkout'] }), []).thresholds as Record<string, string[]>;
  // ... plus the 401 count, so a run can say its logins were refused.
  assert.deepEqual(Object.keys(custom).sort(), ['http_req_duration{name:checkout}', 'http_req_failed{name:checkout}', 'http_req_failed{status:401}']);
  assert.ok(isObserverThreshold('http_req_failed{status:401}', 'rate>=0'));
});
