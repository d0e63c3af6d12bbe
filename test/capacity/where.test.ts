// The capacity block appears only where it answers something: a profile that
// holds two or more levels (or any staged one run with --capacity), and its
// "unknown" line names --no-live only on runs that used it. Pure.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { capacityOf } from '../../src/capacity/in-run.ts';
import { capacityText } from '../../src/capacity/render.ts';
import type { SecondStats } from '../../src/live/types.ts';

const T0 = 1_700_000_000;
const vus = (stages: Array<[string, number]>) => ({
  targets: [],
  k6Options: { scenarios: { s: { executor: 'ramping-vus', startVUs: 0, stages: stages.map(([duration, target]) => ({ duration, target })) } } },
});
// The demo's smoke test: up to 50 VUs, hold, down.
const smoke = vus([['2s', 50], ['6s', 50], ['2s', 0]]);
const steps = vus([['2s', 50], ['6s', 50], ['2s', 100], ['6s', 100]]);
const calm: SecondStats[] = Array.from({ length: 16 }, (_, i) => ({ t: T0 + i, requests: 100, failures: 0, errorRate: 0, p50: 5, p95: 9, p99: 12 }));
const timeline = { total: calm, series: {} };

test('a smoke test (one level held) gets no capacity block; two levels do; --capacity asks for it anyway', () => {
  assert.equal(capacityOf(smoke, timeline, T0 * 1000), undefined);
  assert.match(capacityOf(steps, timeline, T0 * 1000)!.answer, /^did not break up to 100 VUs/);
  assert.match(capacityOf(smoke, timeline, T0 * 1000, { flag: 'p99=2s' })!.answer, /^did not break up to 50 VUs/);
});

test('"capacity unknown" names --no-live only when the run had no live feed', () => {
  const noFeed = capacityOf(steps, undefined, T0 * 1000)!;
  assert.match(noFeed.answer, /--no-live turned off the live feed/);
  // A feed that ran but timed nothing (a script without HTTP requests).
  const silent = capacityOf(steps, { total: [], series: {} }, T0 * 1000)!;
  assert.equal(silent.verdict, 'no-data');
  assert.doesNotMatch(silent.answer, /no-live/);
  assert.match(silent.answer, /timed no HTTP request/);
});

test('the steps\' p99 says which figure it is, so it does not read as the whole run\'s', () => {
  assert.match(capacityText(capacityOf(steps, timeline, T0 * 1000)!), /mean of its per-second percentiles, not the whole run's http_req_duration/);
});
