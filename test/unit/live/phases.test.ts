import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { analysePhases, defaultRecoveryTargets, notJudged, resolveRecoveryTargets, type PhaseStats } from '../../../src/live/phases.ts';
import { buildTimeline, outage } from '../../report/timeline-builder.ts';
import { failRuns, MAX_FAIL_RUNS } from '../../../src/live/ndjson-window.ts';
import type { SecondStats, Timeline } from '../../../src/live/types.ts';

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
  const { analyseChaosRun } = await import('../../../src/report/result-phases.ts');
  const timeline = buildTimeline(1000, 60, (t) => (t >= 1010 && t < 1026 ? outage : {}));
  const chaos = { experiment: 'redis-failure', timeline: { startedAt: 1_008_000, injectedAt: 1_010_200, rolledBackAt: 1_020_600, recoveredAt: 1_023_000, finishedAt: 1_030_000 } };
  const a = analyseChaosRun(timeline, chaos);
  assert.equal(a?.recovery.userRecoverySeconds, 5.4);
  assert.equal(a?.recovery.containerRecoverySeconds, 2.4);
  assert.equal(analyseChaosRun(timeline, { ...chaos, timeline: { ...chaos.timeline, injectedAt: null, rolledBackAt: null } }), null);
});

// Recovery to the request: the exact feed's fail runs (SecondStats.failRuns,
// firstOkAt) place users' recovery inside the second, where they exist.
describe('recoveryInstant: the first success after the outage, when the exact feed has it', () => {
  // Seconds 1000..1039; the fault is on from 1010.2 to 1020.6 s; seconds 1010..1023 fail.
  const withRuns = (edit: (t: number) => Partial<SecondStats>) => {
    const timeline = buildTimeline(1000, 40, (t) => (t >= 1010 && t <= 1023 ? outage : {}));
    timeline.total = timeline.total.map((s) => ({ ...s, firstOkAt: s.t * 1000 + 4, ...edit(s.t) }));
    return timeline;
  };
  const fault = { experiment: 'redis-failure', injectedAt: 1_010_200, rolledBackAt: 1_020_600 };
  const at = (timeline: Timeline) => {
    const r = analysePhases(timeline, fault).recovery;
    return [r.userRecoveredAt, r.userRecoveryResolution, r.userRecoverySeconds];
  };

  test('the second before ends failing: the healthy second\'s first success', () => {
    const t = withRuns((s) => (s === 1023 ? { failRuns: [[1_023_010, 1_023_998.5, null]] } : {}));
    assert.deepEqual(at(t), [1_024_004, 'request', 3.404]);
  });

  test('failures in the healthy second within 250 ms of each other are the outage\'s tail; a later stray one is not', () => {
    const t = withRuns((s) => (s === 1023 ? { failRuns: [[1_023_010, 1_023_900, 1_023_950]] }
      : s === 1024 ? { failRuns: [[1_024_100, 1_024_120, 1_024_130], [1_024_300, 1_024_300, 1_024_310], [1_024_700, 1_024_700, 1_024_705]] } : {}));
    // 1024.100 is 200 ms after 1023.900, 1024.300 is 180 ms after 1024.120; 1024.700 is 400 ms after: a stray.
    assert.deepEqual(at(t), [1_024_310, 'request', 3.71]);
  });

  test('failures before the healthy second\'s first success continue the outage, however far apart', () => {
    const t = withRuns((s) => (s === 1023 ? { failRuns: [[1_023_010, 1_023_600, null]] }
      : s === 1024 ? { failRuns: [[1_024_200, 1_024_210, 1_024_220]], firstOkAt: 1_024_220 } : {}));
    assert.deepEqual(at(t), [1_024_220, 'request', 3.62]);
  });

  test('the outage can end inside the second before the healthy run', () => {
    const t = withRuns((s) => (s === 1023 ? { failRuns: [[1_023_010, 1_023_040, 1_023_055]] } : {}));
    // Second 1023 still counts as failing (80 of 100), so the healthy run starts at 1024, but users were served from 1023.055.
    assert.deepEqual(at(t), [1_023_055, 'request', 2.455]);
  });

  test('without fail runs (the remote-write feed, or a slow but unfailing second) it is the healthy second\'s start', () => {
    assert.deepEqual(at(buildTimeline(1000, 40, (t) => (t >= 1010 && t <= 1023 ? outage : {}))), [1_024_000, 'second', 3.4]);
    assert.deepEqual(at(withRuns(() => ({}))), [1_024_000, 'second', 3.4]);
  });

  test('never recovered: no instant, no resolution', () => {
    const r = analysePhases(buildTimeline(1000, 30, (t) => (t >= 1010 ? outage : {})), fault).recovery;
    assert.deepEqual([r.userRecoveredAt, r.userRecoveryResolution], [null, null]);
  });
});

test('failRuns: runs of failures from sorted outcome codes, the first and last 16 kept when a second flaps', () => {
  const us = (ms: number) => ms * 1000;
  const code = (ms: number, failed: boolean) => us(ms) * 2 + (failed ? 1 : 0);
  const small = failRuns(Float64Array.from([code(5_000_010, true), code(5_000_020, true), code(5_000_030, false), code(5_000_040, true)]).sort());
  assert.deepEqual(small, { failRuns: [[5_000_010, 5_000_020, 5_000_030], [5_000_040, 5_000_040, null]], firstOkAt: 5_000_030 });
  assert.deepEqual(failRuns(Float64Array.from([code(5_000_001.5, false)])), { failRuns: [], firstOkAt: 5_000_001.5 });
  // 40 runs of one failure each, a success after each.
  const flapping = Float64Array.from({ length: 80 }, (_, i) => code(5_000_000 + i * 10, i % 2 === 0)).sort();
  const { failRuns: runs } = failRuns(flapping);
  assert.equal(runs.length, MAX_FAIL_RUNS);
  assert.deepEqual(runs[0], [5_000_000, 5_000_000, 5_000_010]);
  assert.deepEqual(runs[15], [5_000_300, 5_000_300, 5_000_310]);
  assert.deepEqual(runs[16], [5_000_480, 5_000_480, 5_000_490]);
  assert.deepEqual(runs.at(-1), [5_000_780, 5_000_780, 5_000_790]);
});

test('notJudged: a recovery the load ended too early to see is not judged; one that was seen stands', () => {
  const fault = { experiment: 'redis-failure', injectedAt: 1_010_200, rolledBackAt: 1_020_600 };
  const never = analysePhases(buildTimeline(1000, 21, (t) => (t >= 1010 ? outage : {})), fault).recovery;
  // 0.4 s of load after the rollback: too short to see recovery, so analysePhases says so itself.
  assert.equal(never.verdict, 'not-judged');
  const marked = notJudged(never, 'the live gate stopped the load when the fault was rolled back');
  assert.deepEqual([marked.verdict, marked.reason, marked.userRecoverySeconds], ['not-judged', 'not judged: the live gate stopped the load when the fault was rolled back', null]);
  const seen = analysePhases(buildTimeline(1000, 40, (t) => (t >= 1010 && t < 1022 ? outage : {})), fault).recovery;
  assert.equal(notJudged(seen, 'x'), seen);
});

test('a load that ends before the healthy run could be seen after the rollback: not judged, not "never recovered in the 0 s"', () => {
  // Data 1000..1049, the fault rolled back at 1049.5 s: half a second of load after it, 5 healthy seconds needed.
  const timeline = buildTimeline(1000, 50, (t) => (t >= 1021 ? outage : {}));
  const { recovery } = analysePhases(timeline, { experiment: 'redis-failure', injectedAt: 1_020_400, rolledBackAt: 1_049_500 });
  assert.equal(recovery.verdict, 'not-judged');
  assert.match(recovery.reason, /^not judged: the load ended 0\.5 s after the rollback, before the \d+ consecutive healthy seconds recovery needs/);
  assert.doesNotMatch(recovery.reason, /never recovered/);
});
