// The hints a failed run prints, from literal figures. Real k6 runs against a
// sandbox without accounts are in test/k6-real/accounts.test.ts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { accountsHint, baselineHint, setupUsersCommand, userCountOf } from '../../../src/verdict/hints.ts';
import type { LiveSecond } from '../../../src/live/timeline.ts';

test('401s are at least half the failed requests: the hint, with the command to paste', () => {
  const base = { requests: 100, userCount: 40, baseUrl: 'http://127.0.0.1:9000' };
  assert.equal(accountsHint({ ...base, failed: 50, unauthorized: 24 }), undefined, 'under half: no hint');
  assert.equal(accountsHint({ ...base, failed: 0, unauthorized: 0 }), undefined);
  assert.match(accountsHint({ ...base, failed: 50, unauthorized: 25 })!, /^25 of 50 failed requests \(of 100\) were 401 Unauthorized: .*`loadctl setup-users --count 40 --base-url http:\/\/127\.0\.0\.1:9000`$/);
  assert.equal(setupUsersCommand(100, 'http://localhost:8080/'), 'loadctl setup-users --count 100', 'the default URL is left out');
  assert.equal(userCountOf({ USER_COUNT: '7' }), 7);
  assert.equal(userCountOf({ USER_COUNT: 'lots' }), 100);
});

const second = (t: number, total: [number, number], login: [number, number], search: [number, number]): LiveSecond => {
  const s = (r: number, f: number) => ({ t, requests: r, failures: f, errorRate: r ? f / r : 0, p50: 1, p95: 2, p99: 3 });
  return { total: s(...total), series: { 'name:login': s(...login), 'name:search_events': s(...search), 'scenario:simple': s(...total) } };
};

test('a failing baseline before a fault: the share, the endpoint, and for login the setup-users line', () => {
  const o = { maxErrorRate: 0.05, userCount: 3, baseUrl: 'http://127.0.0.1:9000' };
  const failing = [second(1, [10, 5], [5, 5], [5, 0]), second(2, [10, 5], [5, 5], [5, 0])];
  assert.equal(baselineHint(failing, o),
    'the baseline is already failing before the fault: 50.0 % of 20 requests failed in the last 2 s, mostly login (10 of 10); '
    + 'the accounts the scenario logs in with probably do not exist: `loadctl setup-users --count 3 --base-url http://127.0.0.1:9000`; the fault\'s own effect will be hard to tell apart');
  const healthy = [second(1, [100, 4], [50, 0], [50, 4])];
  assert.equal(baselineHint(healthy, o), undefined, '4 % is under the 5 % line');
  const search = baselineHint([second(1, [10, 6], [5, 0], [5, 6])], o)!;
  assert.match(search, /mostly search_events \(6 of 6\); the fault's own/);
  assert.doesNotMatch(search, /setup-users/);
  assert.equal(baselineHint([], o), undefined);
});
