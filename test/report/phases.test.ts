import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analysePhases, defaultRecoveryTargets, resolveRecoveryTargets, type PhaseStats } from '../../src/live/phases.ts';
import { buildTimeline, outage } from './timeline-builder.ts';

const byName = (phases: PhaseStats[], name: string) => {
  const p = phases.find((x) => x.phase === name);
  assert.ok(p, `phase ${name} present`);
  return p;
};

test('outage then clean: phases and recovery match the built outage to the second', () => {
  // Data 1000..1099. Fault injected at 1020.4 s, rolled back at 1050.25 s.
  // Requests fail in seconds 1021..1061 inclusive; the first healthy second is 1062.
  const timeline = buildTimeline(1000, 100, (t) => (t >= 1021 && t <= 1061 ? outage : {}));
  const fault = { experiment: 'redis-failure', injectedAt: 1_020_400, rolledBackAt: 1_050_250, probesRecoveredAt: 1_055_000 };
  const { phases, recovery } = analysePhases(timeline, fault);

  assert.deepEqual(phases.map((p) => [p.phase, p.from, p.to]), [
    ['baseline', 1000, 1020], ['fault', 1020, 1050], ['recovery', 1050, 1062], ['after', 1062, 1100],
  ]);
  const baseline = byName(phases, 'baseline');
  assert.equal(baseline.requests, 2000);
  assert.equal(baseline.failures, 0);
  assert.equal(baseline.verdict, 'pass');
  const faultPhase = byName(phases, 'fault');
  assert.equal(faultPhase.failures, 29 * 80); // 1021..1049
  assert.equal(faultPhase.verdict, 'fail');
  assert.match(faultPhase.reasons.join(), /error rate 77\.33 % >= 5\.00 %/);
  const rec = byName(phases, 'recovery');
  assert.equal(rec.seconds, 12);
  assert.equal(rec.failures, 12 * 80); // 1050..1061
  assert.equal(byName(phases, 'after').failures, 0);

  assert.equal(recovery.recovered, true);
  assert.equal(recovery.userRecoveredAt, 1_062_000);
  assert.equal(recovery.userRecoverySeconds, 11.75);
  assert.equal(recovery.containerRecoverySeconds, 4.75);
  assert.equal(recovery.gapSeconds, 7);
  assert.equal(recovery.verdict, 'pass');
});

test('flapping recovery: only N consecutive healthy seconds count, so the last run after the flaps wins', () => {
  // Rollback at 1030.0. Healthy 1030-1032, bad 1033, healthy 1034-1037, bad 1038, healthy from 1039.
  const bad = new Set([1033, 1038]);
  const timeline = buildTimeline(1000, 60, (t) => (t >= 1010 && t < 1030) || bad.has(t) ? outage : {});
  const { recovery, phases } = analysePhases(timeline, { experiment: 'x', injectedAt: 1_010_000, rolledBackAt: 1_030_000 });
  assert.equal(recovery.userRecoveredAt, 1_039_000);
  assert.equal(recovery.userRecoverySeconds, 9);
  assert.equal(recovery.containerRecoverySeconds, null);
  assert.equal(recovery.gapSeconds, null);
  assert.equal(byName(phases, 'recovery').failures, 160);

  // With N = 4 the run 1034..1037 is already enough.
  const four = analysePhases(timeline, { experiment: 'x', injectedAt: 1_010_000, rolledBackAt: 1_030_000 },
    { ...defaultRecoveryTargets, consecutiveSeconds: 4 });
  assert.equal(four.recovery.userRecoverySeconds, 4);
});

test('never recovers within the data: recovered false, the recovery phase runs to the end, verdict fail', () => {
  const timeline = buildTimeline(1000, 50, (t) => (t >= 1010 ? outage : {}));
  const { recovery, phases } = analysePhases(timeline, { experiment: 'x', injectedAt: 1_010_000, rolledBackAt: 1_020_500, probesRecoveredAt: 1_022_000 });
  assert.equal(recovery.recovered, false);
  assert.equal(recovery.userRecoverySeconds, null);
  assert.equal(recovery.gapSeconds, null);
  assert.equal(recovery.containerRecoverySeconds, 1.5);
  assert.equal(recovery.observedAfterRollbackSeconds, 29.5);
  assert.equal(recovery.verdict, 'fail');
  assert.match(recovery.reason, /never recovered/);
  assert.deepEqual([byName(phases, 'recovery').from, byName(phases, 'recovery').to], [1020, 1050]);
  assert.equal(byName(phases, 'after').seconds, 0);
  assert.equal(byName(phases, 'after').verdict, 'no-data');
});

test('a healthy run cut short by the end of the data does not count as recovered', () => {
  const timeline = buildTimeline(1000, 44, (t) => (t >= 1010 && t < 1040 ? outage : {}));
  const { recovery } = analysePhases(timeline, { experiment: 'x', injectedAt: 1_010_000, rolledBackAt: 1_020_000 });
  assert.equal(recovery.recovered, false); // only 1040..1043 healthy: 4 < 5
});

test('fault with no errors: users never noticed, recovery is 0 s and the gap is negative', () => {
  const timeline = buildTimeline(1000, 60);
  const { recovery, phases } = analysePhases(timeline, { experiment: 'x', injectedAt: 1_010_000, rolledBackAt: 1_030_700, probesRecoveredAt: 1_033_700 });
  assert.equal(recovery.recovered, true);
  assert.equal(recovery.userRecoverySeconds, 0);
  assert.equal(recovery.containerRecoverySeconds, 3);
  assert.equal(recovery.gapSeconds, -3);
  assert.equal(byName(phases, 'fault').verdict, 'pass');
  assert.equal(byName(phases, 'recovery').seconds, 0);
  assert.equal(byName(phases, 'after').from, 1030);
});

test('slow seconds are unhealthy too, and a recovery of 30 s or more fails the target', () => {
  const timeline = buildTimeline(1000, 120, (t) => (t >= 1020 && t < 1065 ? { p95: 2500, p99: 4000 } : {}));
  const { recovery, phases } = analysePhases(timeline, { experiment: 'x', injectedAt: 1_020_000, rolledBackAt: 1_030_000 });
  assert.equal(recovery.userRecoverySeconds, 35);
  assert.equal(recovery.verdict, 'fail');
  assert.match(recovery.reason, /35 s >= 30 s/);
  assert.match(byName(phases, 'fault').reasons.join(), /p99 4000 ms >= 2000 ms/);
});

test('a second without requests breaks a healthy run (hung requests prove nothing)', () => {
  const timeline = buildTimeline(1000, 60, (t) => (t >= 1010 && t < 1020 ? outage : t === 1022 ? { requests: 0 } : {}));
  const { recovery } = analysePhases(timeline, { experiment: 'x', injectedAt: 1_010_000, rolledBackAt: 1_020_000 });
  assert.equal(recovery.userRecoveredAt, 1_023_000);
});

test('phase percentiles are request-weighted means of the per-second figures, with the worst second as a bound', () => {
  // Baseline: 3 seconds of 100 req at p99 60 and 1 second of 300 req at p99 100.
  const timeline = buildTimeline(1000, 10, (t) => (t === 1003 ? { requests: 300, p95: 80, p99: 100 } : {}));
  const { phases } = analysePhases(timeline, { experiment: 'x', injectedAt: 1_004_000, rolledBackAt: 1_005_000 });
  const b = byName(phases, 'baseline');
  assert.equal(b.requests, 600);
  assert.equal(b.p99, (3 * 100 * 60 + 300 * 100) / 600);
  assert.equal(b.p95, (3 * 100 * 40 + 300 * 80) / 600);
  assert.equal(b.p99Max, 100);
});

test('empty timeline: every phase is no-data and recovery fails', () => {
  const { recovery, phases } = analysePhases({ total: [] }, { experiment: 'x', injectedAt: 1_000_000, rolledBackAt: 1_010_000 });
  assert.ok(phases.every((p) => p.verdict === 'no-data' && p.seconds === 0));
  assert.equal(recovery.recovered, false);
});

test('phases per series use the same bounds as the total', () => {
  const total = buildTimeline(1000, 40, (t) => (t >= 1010 && t < 1025 ? outage : {}));
  const book = buildTimeline(1000, 40, (t) => (t >= 1010 && t < 1025 ? { requests: 10, failures: 10 } : { requests: 10 }));
  const search = buildTimeline(1000, 40, (t) => (t === 1005 ? { requests: 0 } : { requests: 90 }));
  const a = analysePhases({ total: total.total, series: { 'name:search': search.total, 'name:book': book.total } },
    { experiment: 'x', injectedAt: 1_010_000, rolledBackAt: 1_020_000 });
  assert.deepEqual(Object.keys(a.bySeries), ['name:book', 'name:search']);
  assert.deepEqual(a.bySeries['name:book']?.map((p) => [p.phase, p.from, p.to, p.requests, p.failures]), [
    ['baseline', 1000, 1010, 100, 0], ['fault', 1010, 1020, 100, 100], ['recovery', 1020, 1025, 50, 50], ['after', 1025, 1040, 150, 0],
  ]);
  assert.equal(a.bySeries['name:search']?.[0]?.requests, 9 * 90);
  assert.deepEqual(analysePhases({ total: total.total }, { experiment: 'x', injectedAt: 1_010_000, rolledBackAt: 1_020_000 }).bySeries, {});
});

test('recovery targets: user settings over the defaults, every problem reported at once', () => {
  assert.deepEqual(resolveRecoveryTargets({ consecutiveSeconds: 3, maxP99Ms: undefined }), {
    targets: { ...defaultRecoveryTargets, consecutiveSeconds: 3 }, errors: [],
  });
  const bad = resolveRecoveryTargets({ consecutiveSeconds: 0.5, maxErrorRate: 5, maxRecoverySeconds: 0 });
  assert.equal(bad.errors.length, 3);
  assert.match(bad.errors.join('\n'), /fraction in \(0, 1\], e\.g\. 0\.05/);
  assert.match(bad.errors.join('\n'), /whole number of seconds/);
});

test('analyseChaosRun: the engine\'s window drives the maths; nothing injected means no phases', async () => {
  const { analyseChaosRun } = await import('../../src/report/result-phases.ts');
  const timeline = buildTimeline(1000, 60, (t) => (t >= 1010 && t < 1026 ? outage : {}));
  const chaos = { experiment: 'redis-failure', timeline: { startedAt: 1_008_000, injectedAt: 1_010_200, rolledBackAt: 1_020_600, recoveredAt: 1_023_000, finishedAt: 1_030_000 } };
  const a = analyseChaosRun(timeline, chaos);
  assert.equal(a?.recovery.userRecoverySeconds, 5.4);
  assert.equal(a?.recovery.containerRecoverySeconds, 2.4);
  assert.equal(analyseChaosRun(timeline, { ...chaos, timeline: { ...chaos.timeline, injectedAt: null, rolledBackAt: null } }), null);
});
