// The capacity block in every output: the console's text, the step summary's
// markdown, JUnit cases, and the benchmark table's Notes from a run folder.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyseCapacity } from '../../../src/capacity/analyse.ts';
import { planSteps } from '../../../src/capacity/plan.ts';
import { capacityCases, capacityMarkdown, capacityText } from '../../../src/capacity/render.ts';
import { runRecordFrom } from '../../../src/report/run-record.ts';
import { notesFor } from '../../../src/report/benchmark-table.ts';
import type { SecondStats } from '../../../src/live/types.ts';

const T0 = 1_700_000_000;
const options = { scenarios: { s: { executor: 'ramping-vus', stages: [
  { duration: '2s', target: 500 }, { duration: '8s', target: 500 }, { duration: '2s', target: 1000 }, { duration: '8s', target: 1000 }, { duration: '2s', target: 2000 },
] } } };
const seconds: SecondStats[] = Array.from({ length: 22 }, (_, i) => {
  const broken = i >= 15;
  return { t: T0 + i, requests: 800, failures: broken ? 80 : 1, errorRate: broken ? 0.1 : 1 / 800, p50: 100, p95: 300, p99: broken ? 2800 : 340 };
});
const block = analyseCapacity({ seconds, plan: planSteps(options)!, startedAt: T0 * 1000, limits: { p99Ms: 2000, p95Ms: null, errorRate: 0.05, windowSeconds: 5 } });

test('the answer line reads as the issue asks, above a table of the steps', () => {
  assert.equal(block.answer, 'stable up to 500 VUs (800 req/s, p99 340 ms, 0.13 % errors); broke at 1,000 VUs, 3 s into the step: p99 2.8 s > 2 s, errors 10 % > 5 %');
  const text = capacityText(block).split('\n');
  assert.equal(text[0], `capacity: ${block.answer}`);
  assert.match(text[1]!, /^ {2}step +load +req\/s +p95 +p99 +errors +verdict$/);
  assert.match(text[3]!, /^ {2}2 +1,000 VUs +800 req\/s +300 ms +[\d.]+ s +[\d.]+ % +BROKE 3 s in: p99 2\.8 s > 2 s, errors 10 % > 5 %$/);
});

test('markdown starts with the answer; JUnit fails the step that broke only', () => {
  const md = capacityMarkdown(block);
  assert.ok(md.startsWith(`**Capacity:** ${block.answer}\n`));
  assert.match(md, /\| 2 \| 1,000 VUs \| 800 req\/s \|/);
  assert.match(md, /p99 < 2 s, errors < 5 %, over 5 s in a row/);
  const cases = capacityCases(block);
  assert.deepEqual(cases.map((c) => [c.name, Boolean(c.failure)]), [['step 1: 500 VUs held within the limits', false], ['step 2: 1,000 VUs held within the limits', true]]);
});

test('the benchmark table\'s Notes lead with the answer from result.json', () => {
  const run = runRecordFrom('/runs/x-stress', { result: { profile: { name: 'stress' }, status: 'failed', capacity: { answer: block.answer } } });
  assert.ok(notesFor(run).startsWith(`${block.answer}; FAIL`), notesFor(run));
  assert.equal(runRecordFrom('/runs/y', { result: { status: 'passed' } }).capacity, null);
});
