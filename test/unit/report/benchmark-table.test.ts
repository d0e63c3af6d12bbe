import { test } from 'node:test';
import assert from 'node:assert/strict';
import { benchmarkTable, notesFor } from '../../../src/report/benchmark-table.ts';
import { mdCell } from '../../../src/report/format.ts';
import { metricsFromSummary, runRecordFrom, thresholdsFromSummary, vusFromOptions } from '../../../src/report/run-record.ts';
import { analysePhases } from '../../../src/live/phases.ts';
import { withPhases } from '../../../src/report/result-phases.ts';
import { failSummaryExport, passSummary } from '../../report/run-folders.ts';
import { buildTimeline, outage } from '../../report/timeline-builder.ts';

test('metrics come from real k6 handleSummary data', () => {
  const m = metricsFromSummary(passSummary());
  assert.equal(m.p99, 21.77728046999999);
  assert.equal(m.p95, 20.94356015);
  assert.equal(m.p50, 5.5282245);
  assert.equal(m.errorRate, 0);
  assert.equal(m.requests, 324);
  assert.equal(m.checksRate, 0.9783950617283951);
});

test('thresholds: handleSummary {ok} and the inverted --summary-export booleans read the same way', () => {
  const pass = thresholdsFromSummary(passSummary());
  assert.ok(pass.length >= 4);
  assert.ok(pass.every((t) => t.ok));
  assert.deepEqual(pass.find((t) => t.metric === 'http_req_failed'), { metric: 'http_req_failed', expression: 'rate<0.05', ok: true });
  const fail = thresholdsFromSummary(failSummaryExport());
  assert.deepEqual(fail.find((t) => t.metric === 'http_req_failed'), { metric: 'http_req_failed', expression: 'rate<0.05', ok: false });
  assert.equal(metricsFromSummary(failSummaryExport()).errorRate, 0.5); // flat `value`
});

test('VUs: the peak k6 saw, else the largest figure in the profile options', () => {
  assert.equal(runRecordFrom('/r/x', { summary: passSummary() }).vus, 5);
  assert.equal(vusFromOptions({ scenarios: { a: { executor: 'ramping-vus', stages: [{ target: 100 }, { target: 1000 }, { target: 0 }] } } }), 1000);
  assert.equal(vusFromOptions({ scenarios: { a: { executor: 'ramping-arrival-rate', preAllocatedVUs: 50, maxVUs: 200, stages: [{ target: 5000 }] } } }), 200);
  assert.equal(vusFromOptions(undefined), null);
});

test('the benchmark table: one markdown row per run, failures and recovery in the notes', () => {
  const passing = runRecordFrom('/runs/a-normal', {
    profile: { name: 'normal', scenario: 'booking-load' },
    summary: passSummary(),
    result: { status: 'passed', targets: [{ name: 'booking P99', actual: 21.7, ok: true }] },
  });
  const timeline = buildTimeline(1000, 80, (t) => (t >= 1020 && t < 1052 ? outage : {}));
  const fault = { experiment: 'redis-failure', injectedAt: 1_020_000, rolledBackAt: 1_040_000, probesRecoveredAt: 1_043_000 };
  const failing = runRecordFrom('/runs/b-spike', {
    summary: failSummaryExport(),
    result: withPhases({ profile: 'spike', status: 'failed', targets: [{ name: 'error rate', actual: 0.5, ok: false }] }, analysePhases(timeline, fault)),
  });
  const table = benchmarkTable([passing, failing]).trimEnd().split('\n');
  assert.equal(table[0], '| Scenario | VUs | P99 latency | Error rate | Notes |');
  assert.equal(table.length, 4);
  assert.equal(table[2], '| normal (booking-load) | 5 | 21.8 ms | 0 % | PASS; 64 req/s |');
  assert.match(table[3] as string, /^\| spike \| 3 \| n\/a \| 50\.00 % \| FAIL; targets missed: error rate; k6 thresholds crossed: http_req_duration p\(99\)<100, http_req_failed rate<0\.05; redis-failure: users recovered in 12 s, containers 3 s \(PASS < 30 s\); 20 req\/s \|$/);
});

test('never recovered shows in the notes; pipes in names cannot break the table', () => {
  const timeline = buildTimeline(1000, 40, (t) => (t >= 1010 ? outage : {}));
  const run = runRecordFrom('/r', {
    summary: passSummary(),
    result: withPhases({ profile: 'a|b' }, analysePhases(timeline, { experiment: 'kill', injectedAt: 1_010_000, rolledBackAt: 1_020_000 })),
  });
  assert.match(notesFor(run), /kill: users never recovered within 20 s \(FAIL\)/);
  assert.match(benchmarkTable([run]), /\| a\\\|b \| 5 \|/);
  assert.equal(mdCell('x\ny'), 'x y');
});

test('phases as markdown: one row per phase and the recovery line', async () => {
  const { phasesMarkdown } = await import('../../../src/report/phases-table.ts');
  const { phasesBlock } = await import('../../../src/report/result-phases.ts');
  const timeline = buildTimeline(1000, 80, (t) => (t >= 1020 && t < 1052 ? outage : {}));
  const md = phasesMarkdown(phasesBlock(analysePhases(timeline, { experiment: 'redis-failure', injectedAt: 1_020_000, rolledBackAt: 1_040_000, probesRecoveredAt: 1_043_000 })));
  const lines = md.trim().split('\n');
  assert.equal(lines.length, 8);
  assert.equal(lines[3], '| fault | 20 | 2000 | 80.00 % | 5.0 ms | 8.0 ms | FAIL: error rate 80.00 % >= 5.00 % |');
  assert.equal(lines[7], '**Recovery (redis-failure): PASS**: users 12 s, containers 3 s; users suffered 9 s after the containers looked healthy (target < 30 s).');
});
