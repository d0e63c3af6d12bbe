// The look-back rule (src/prometheus/lookback.ts): how far back a gate's query
// reads, and which samples each phase is judged on. Pure.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { judgedSpan, liveLookbackInside, lookbackSeconds, shortenRanges } from '../../../src/prometheus/lookback.ts';
import { DEFAULT_GATES } from '../../../src/prometheus/gates.ts';

test('look-back: the longest range plus the longest offset; none for a gauge; brackets in strings are not ranges', () => {
  assert.equal(lookbackSeconds('sum(rate(booking_lock_failures_total[1m])) * 60'), 60);
  assert.equal(lookbackSeconds('max(booking_queue_length)'), 0);
  assert.equal(lookbackSeconds('rate(a[30s]) / rate(b[2m]) + increase(c[1m30s] offset 1m)'), 180);
  assert.equal(lookbackSeconds('max_over_time(rate(x[1m])[5m:10s])'), 300);
  assert.equal(lookbackSeconds('max(x{path="/a[5m]"})'), 0);
  assert.equal(lookbackSeconds('x offset -1m'), 0, 'a negative offset looks forward');
  assert.deepEqual(DEFAULT_GATES.map((g) => lookbackSeconds(g.query)), [60, 0, 60, 60, 0]);
});

test('shortened ranges: only the ones longer than the phase; a subquery keeps its step; strings untouched', () => {
  assert.equal(shortenRanges('sum(rate(x[1m])) * 60', 20), 'sum(rate(x[20s])) * 60');
  assert.equal(shortenRanges('rate(a[10s]) + rate(b{l="[1m]"}[5m])', 20.7), 'rate(a[10s]) + rate(b{l="[1m]"}[20s])');
  assert.equal(shortenRanges('max_over_time(rate(x[1m])[5m:10s])', 30), 'max_over_time(rate(x[30s])[30s:10s])');
});

test('a phase after another is judged once its look-back lies inside it; baseline and run from their start', () => {
  const q = 'sum(rate(booking_lock_failures_total[1m])) * 60';
  assert.deepEqual(judgedSpan('after', 1000, 1200, q), { kind: 'samples', from: 1060, to: 1200, inclusive: true, lookback: 60 });
  assert.deepEqual(judgedSpan('baseline', 1000, 1200, q), { kind: 'samples', from: 1000, to: 1200, inclusive: false, lookback: 60 });
  assert.deepEqual(judgedSpan('run', 1000, 1200, q), { kind: 'samples', from: 1000, to: 1200, inclusive: false, lookback: 60 });
  assert.deepEqual(judgedSpan('after', 1000, 1200, 'max(booking_queue_length)'), { kind: 'samples', from: 1000, to: 1200, inclusive: false, lookback: 0 });
  // Exactly one look-back long: its last sample covers the phase and nothing before it.
  assert.deepEqual(judgedSpan('fault', 1000, 1060, q), { kind: 'samples', from: 1060, to: 1060, inclusive: true, lookback: 60 });
  // Shorter than the look-back: the phase as a whole, one instant query at its end.
  assert.deepEqual(judgedSpan('after', 1000, 1020, q), { kind: 'whole', at: 1020, query: 'sum(rate(booking_lock_failures_total[20s])) * 60', lookback: 60, shortenedTo: 20 });
  assert.deepEqual(judgedSpan('recovery', 1000, 1000.4, q), { kind: 'whole', at: 1000.4, query: 'sum(rate(booking_lock_failures_total[1s])) * 60', lookback: 60, shortenedTo: 1 });
});

test('live: a phase after another is evaluated only once the look-back lies inside it', () => {
  const q = 'rate(x[30s])';
  assert.equal(liveLookbackInside('after', 1000, 1029, q), false);
  assert.equal(liveLookbackInside('after', 1000, 1030, q), true);
  assert.equal(liveLookbackInside('baseline', 1000, 1001, q), true);
  assert.equal(liveLookbackInside('fault', 1000, 1001, 'max(q)'), true);
});
