// The one duration grammar (k6's), its pattern for schemas, and its one format.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DURATION_PATTERN, formatDuration, parseDuration } from '../../../src/shared/duration.ts';

test('k6 durations parse to milliseconds; anything else is undefined', () => {
  const cases: Array<[string, number | undefined]> = [
    ['1m30s', 90_000], ['500ms', 500], ['2h', 7_200_000], ['1.5s', 1500], ['.5s', 500], ['2d12h', 216_000_000], ['2d', 172_800_000],
    ['1h5s', 3_605_000], ['250us', 0.25], [' 30s ', 30_000],
    ['30', undefined], ['', undefined], ['-1s', undefined], ['30 s', undefined], ['5 minutes', undefined], ['1d1d', undefined], ['s', undefined],
  ];
  for (const [text, ms] of cases) assert.equal(parseDuration(text), ms, text);
});

test('the schema pattern accepts exactly what the parser reads', () => {
  for (const text of ['1m30s', '500ms', '2d', '2d12h', '.5s', '1.s', '30', '', '-1s', '30 s', '.', 'd', '1d1d', '5µs']) {
    assert.equal(DURATION_PATTERN.test(text), parseDuration(text) !== undefined, text);
  }
});

test('formatDuration writes the shortest form, which parses back', () => {
  const cases: Array<[number, string]> = [[250, '250ms'], [1500, '1.5s'], [30_000, '30s'], [61_400, '1m1s'], [90_000, '1m30s'], [300_000, '5m'], [5_400_000, '1h30m'], [7_200_000, '2h']];
  for (const [ms, text] of cases) {
    assert.equal(formatDuration(ms), text);
    const precision = ms < 1000 ? 1 : ms < 60_000 ? 100 : 1000;
    assert.ok(Math.abs(parseDuration(text)! - ms) < precision, `${text} reads back`);
  }
});
