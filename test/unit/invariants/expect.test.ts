// Invariant expectations: "<op> <terms>" with numbers, before and k6 check counts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { limitOf, parseExpectation, type Expectation } from '../../../src/invariants/expect.ts';
import { invariantResult, judgeBefore } from '../../../src/invariants/judge.ts';

const parse = (t: string) => parseExpectation(t) as Expectation;

test('terms: numbers, before, k6.checks.<name with spaces>, joined by + and -', () => {
  assert.deepEqual(limitOf(parse('>= before + k6.checks.confirm 200 - 2'), { before: 10, checks: { 'confirm 200': 5 } }), { limit: 13 });
  assert.deepEqual(limitOf(parse('== 0'), {}), { limit: 0 });
  assert.deepEqual(limitOf(parse('<= before'), {}), { missing: 'before' });
  assert.ok('error' in parseExpectation('before'));
  assert.ok('error' in parseExpectation('< later'));
  assert.ok('error' in parseExpectation('<= before +10'), 'terms are joined by " + " with spaces');
});

test('before the load: an expectation on before cannot be judged yet; a plain one can already be broken', () => {
  const reading = { value: 3, rows: [{ a: 1 }], rowCount: 1 };
  assert.equal(judgeBefore({ name: 'n', promql: { query: 'q' }, expect: '<= before' }, reading), null);
  assert.equal(judgeBefore({ name: 'n', sql: { url: 'u', query: 'q' } }, reading), false);
  const spec = { name: 'n', sql: { url: 'u', query: 'q' } };
  const clean = { value: 0, rows: [], rowCount: 0 };
  const r = invariantResult(spec, { before: { reading }, after: { reading: clean } });
  assert.equal(r.status, 'broken', 'broken before the load is broken, even when the after-check holds');
  assert.match(r.reason, /^broken before the load \(already\): value 3, expected == 0; 1 offending row/);
  assert.equal(invariantResult(spec, { before: { reading: clean }, after: { error: 'Redis at x is not reachable' } }).status, 'error');
  assert.equal(invariantResult(spec, { skipped: 'not checked: X not set' }).failed, false);
});

test('the drain: back to the value before the load holds, above it is broken', () => {
  const spec = { name: 'backlog', promql: { query: 'sum(lag)' }, expect: '<= before' };
  const at = (value: number) => ({ reading: { value, rows: [], rowCount: 0 } });
  assert.equal(invariantResult(spec, { before: at(5), after: at(5) }).status, 'held');
  assert.equal(invariantResult(spec, { before: at(5), after: at(900) }).reason, 'broken after recovery: value 900, expected <= before (limit 5)');
});
