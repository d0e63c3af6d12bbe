// The phases as the terminal and the step summary show them, from literal
// timelines: with --runners the merged phases come with each runner's share of
// the fault, and those shares add up to the merged figure.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analysePhases } from '../../../src/live/phases.ts';
import { phasesBlock } from '../../../src/report/result-phases.ts';
import { phasesMarkdown, phasesText, runnerPhases } from '../../../src/report/phases-table.ts';
import { buildTimeline, outage } from '../../report/timeline-builder.ts';

const start = 1_800_000_000;
const fault = { experiment: 'redis-stop', injectedAt: (start + 10) * 1000, rolledBackAt: (start + 14) * 1000, probesRecoveredAt: (start + 14) * 1000 + 200 };
const failing = (t: number) => (t >= start + 10 && t < start + 15 ? outage : {});

/** Three runners, runner 2 carrying half the load (its own share of every second). */
function merged() {
  const runners = [0, 1, 2].map((id) => buildTimeline(start, 30, (t) => {
    const scale = id === 2 ? 2 : 1;
    const s = failing(t);
    return { ...s, requests: 25 * scale, failures: s.failures === undefined ? 0 : 20 * scale };
  }));
  const total = buildTimeline(start, 30, (t) => ({ ...failing(t), requests: 100, failures: failing(t).failures === undefined ? 0 : 80 }));
  return { total: total.total, series: { 'runner:10': runners[0]!.total, 'runner:2': runners[2]!.total, 'runner:1': runners[1]!.total, 'name:hold_seats': total.total } };
}

test('runner series come out in runner order (10 after 2), endpoints left out', () => {
  const block = phasesBlock(analysePhases(merged(), fault));
  assert.deepEqual(runnerPhases(block).map((r) => r.runner), ['1', '2', '10']);
});

test('the terminal lines: the four merged phases, then each runner\'s failures during the fault adding up to the merged figure', () => {
  const block = phasesBlock(analysePhases(merged(), fault));
  const text = phasesText(block);
  const faultPhase = block.phases[1]!;
  assert.equal(faultPhase.failures, 4 * 80);
  assert.match(text, /^phases \(the 3 runners' merged feed\):\n {2}baseline +10 s +1000 requests {2}errors 0 % /);
  assert.match(text, /\n {2}fault +4 s +400 requests {2}errors 80\.00 % .*FAIL: error rate 80\.00 % >= 5\.00 %/);
  assert.match(text, /failed during the fault: runner 1 80 of 100, runner 2 160 of 200, runner 10 80 of 100 \(merged 320 of 400\)$/);
});

test('one k6: no runner lines, the markdown keeps its single table', () => {
  const one = buildTimeline(start, 30, failing);
  const block = phasesBlock(analysePhases(one, fault));
  assert.match(phasesText(block), /^phases:\n/);
  assert.doesNotMatch(phasesText(block), /runner/);
  assert.doesNotMatch(phasesMarkdown(block), /runner/);
});

test('the step summary: a row per runner for the fault, after the merged phases and before the recovery line', () => {
  const md = phasesMarkdown(phasesBlock(analysePhases(merged(), fault)));
  const rows = md.split('\n');
  const at = (re: RegExp) => rows.findIndex((l) => re.test(l));
  assert.ok(at(/^\| fault \| 4 \| 400 \|/) < at(/^\| runner 1 \| 100 \| 80 \| 80\.00 % \|/));
  assert.ok(at(/^\| runner 10 \| 100 \| 80 \|/) < at(/^\*\*Recovery \(redis-stop\): PASS\*\*/));
  assert.match(md, /The phases above are the 3 runners' merged feed/);
});
