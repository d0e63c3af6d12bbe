// The deciding parts of --runners, with literals: slices, threshold
// expressions judged on merged figures, the merge of summaries and of
// native histograms (real k6 v2.2.0 pushes, replayed as N runners), and the
// combined exit code.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { sliceTest, parseRunnerCount } from '../../../src/runners/segments.ts';
import { judgeThresholds, parseThreshold } from '../../../src/runners/thresholds.ts';
import { mergeResults } from '../../../src/runners/merge.ts';
import { combinedExitCode } from '../../../src/runners/verdict.ts';
import { FinalHistograms } from '../../../src/live/final-histograms.ts';
import { decodeBody } from '../../../src/live/remote-write/decode.ts';
import type { TimeSeries } from '../../../src/live/remote-write/protobuf.ts';
import { parseSummary } from '../../../src/results/summary.ts';
import type { RunResults } from '../../../src/results/types.ts';

test('slices: N contiguous segments covering 0..1, one shared sequence, reduced fractions', () => {
  assert.deepEqual(sliceTest(3).map((s) => s.segment), ['0:1/3', '1/3:2/3', '2/3:1']);
  assert.deepEqual(sliceTest(4).map((s) => s.segment), ['0:1/4', '1/4:1/2', '1/2:3/4', '3/4:1']);
  assert.equal(sliceTest(4)[2]!.sequence, '0,1/4,1/2,3/4,1');
  assert.deepEqual(sliceTest(1).map((s) => s.segment), ['0:1']);
  assert.deepEqual(parseRunnerCount('x'), { error: '--runners "x" is not a whole number' });
  assert.ok(typeof parseRunnerCount('0') === 'object');
});

test('threshold expressions: parsed as k6 writes them, judged on merged figures', () => {
  assert.deepEqual(parseThreshold('p(99.9) <= 250'), { aggregation: 'p(99.9)', op: '<=', value: 250 });
  assert.equal(parseThreshold('rate<0.05')?.aggregation, 'rate');
  assert.equal(parseThreshold('p99<1'), undefined, 'not k6 syntax');
  const metrics = {
    http_reqs: { key: 'http_reqs', metric: 'http_reqs', tags: {}, type: 'counter' as const, contains: undefined, stats: { count: 300 }, raw: { count: 300, rate: 30 }, samples: 300, empty: false },
    http_req_failed: { key: 'http_req_failed', metric: 'http_req_failed', tags: {}, type: 'rate' as const, contains: undefined, stats: { rate: 0.1 }, raw: { passes: 30, fails: 270, rate: 0.1 }, samples: 300, empty: false },
  };
  const judged = judgeThresholds([
    { metric: 'http_reqs', expression: 'count>=300' },
    { metric: 'http_req_failed', expression: 'rate<0.05' },
    { metric: 'booking_duration', expression: 'p(99)<2000' },
  ], metrics);
  assert.deepEqual(judged.map((t) => t.ok), [true, false, false]);
  assert.equal(judged[2]!.missing, true);
});

function pushes(version: string): TimeSeries[][] {
  const dir = join(import.meta.dirname, '..', '..', 'fixtures', 'remote-write', version, 'native');
  return readdirSync(dir).filter((f) => f.endsWith('.body.bin')).sort().map((f) => decodeBody(readFileSync(join(dir, f)), { 'content-encoding': 'snappy' }));
}

/** The same recorded run as if runner `id` had sent it: a runner label on every series. */
function asRunner(push: TimeSeries[], id: number): TimeSeries[] {
  return push.map((s) => ({ ...s, labels: [...s.labels, { name: 'runner', value: String(id) }] }));
}

test('histograms: N copies of one run merge into the same percentiles with N times the count', () => {
  const one = new FinalHistograms();
  const three = new FinalHistograms();
  for (const p of pushes('v2.2.0')) {
    one.ingest(p);
    for (const id of [0, 1, 2]) three.ingest(asRunner(p, id));
  }
  const a = one.merged('http_req_duration')!;
  const b = three.merged('http_req_duration')!;
  assert.ok(a.count > 0);
  assert.equal(b.count, 3 * a.count);
  assert.equal(b.series, 3 * a.series);
  for (const p of [50, 95, 99]) assert.equal(b.percentile(p), a.percentile(p));
  assert.ok(Math.abs(b.avg! - a.avg!) < 1e-9);
  assert.ok(Math.abs(a.relativeError - (2 ** (1 / 8) - 1)) < 1e-12, 'schema 3: one bucket');
  assert.equal(a.source, 'native histograms');
});

function summary(requests: number, fails: number, p99: number): RunResults {
  const parsed = parseSummary(JSON.stringify({
    state: { testRunDurationMs: 1000 },
    metrics: {
      http_reqs: { type: 'counter', contains: 'default', values: { count: requests, rate: requests } },
      http_req_failed: { type: 'rate', contains: 'default', values: { passes: fails, fails: requests - fails, rate: fails / requests } },
      http_req_duration: { type: 'trend', contains: 'time', values: { avg: 10, min: 1, max: p99 + 5, 'p(99)': p99, count: requests } },
      vus: { type: 'gauge', contains: 'default', values: { value: 2, min: 0, max: 2 } },
    },
    root_group: { checks: [{ name: 'ok', path: '::ok', passes: requests - fails, fails }], groups: [] },
  }));
  assert.ok(parsed.ok);
  return parsed.results;
}

test('merge: counters, rates and checks summed exactly; trend percentiles from the histograms, not averaged', () => {
  const histograms = { merged: () => ({ count: 300, avg: 12, min: null, max: null, percentile: (p: number) => p * 2, source: 'native histograms' as const, relativeError: 0.09, series: 3 }) };
  const { results, notes } = mergeResults({ runners: [summary(100, 1, 50), summary(120, 2, 70), summary(80, 0, 900)], histograms });
  assert.equal(results.http.requests, 300);
  assert.equal(results.metrics.http_req_failed!.raw.passes, 3);
  assert.equal(results.http.errorRate, 3 / 300);
  assert.equal(results.checks.fails, 3);
  assert.equal(results.checks.list[0]!.passes, 297);
  assert.equal(results.http.duration!.p99, 198, 'from the merged histogram');
  assert.equal(results.http.duration!.max, 905, 'the largest max');
  assert.equal(results.metrics.vus!.raw.value, 6, 'the fleet\'s VUs');
  assert.equal(notes.histogramTrends[0]!.relativeError, 0.09);
  const none = mergeResults({ runners: [summary(10, 0, 5)], histograms: { merged: () => undefined } });
  assert.equal(none.results.http.duration?.p99, undefined, 'no histogram: no percentile rather than a guess');
  assert.deepEqual(none.notes.trendsWithoutHistograms, ['http_req_duration']);
});

test('combined exit: a slice\'s own 99 is not the verdict; a script error wins; a kill is not a pass', () => {
  assert.equal(combinedExitCode([0, 99, 0]), 0);
  assert.equal(combinedExitCode([0, 107, 105]), 107);
  assert.equal(combinedExitCode([0, null]), null);
});

test('plan: runners from memory per VU, VUs per runner against ulimit -n', async () => {
  const { planRunners, parseMemory } = await import('../../../src/runners/plan.ts');
  const { peakVus } = await import('../../../src/k6/options.ts');
  const k6Options = { scenarios: { booking: { executor: 'ramping-vus', startVUs: 0, stages: [{ duration: '10m', target: 50000 }, { duration: '2m', target: 0 }] } } };
  assert.equal(peakVus(k6Options), 50000);
  assert.equal(peakVus({ scenarios: { a: { executor: 'constant-arrival-rate', preAllocatedVUs: 100, maxVUs: 400 } } }), 400);
  const plan = planRunners({ profile: 'peak', k6Options, mbPerVu: 0.66, mbPerVuSource: 'measured', runnerMemoryMb: 8192, openFileLimit: 20000 });
  assert.equal(plan.runners, 6, '33,000 MB over 6,554 usable MB per runner');
  assert.equal(plan.vusPerRunner, 8334);
  assert.equal(plan.fdOk, true);
  const tight = planRunners({ profile: 'peak', k6Options, mbPerVu: 0.66, mbPerVuSource: 'measured', runnerMemoryMb: 8192, openFileLimit: 1024 });
  assert.equal(tight.fdOk, false);
  assert.match(tight.lines.join('\n'), /ulimit -n 1,024 is below the ~16,868 a runner needs.*ulimit -n 100000/);
  assert.match(tight.lines.join('\n'), /several machines \(Docker engines\): loadctl run \S+ --runners 6 --placement docker --docker-host ssh:\/\/USER@HOST1,ssh:\/\/USER@HOST2,\.\.\. --receiver-host <this host>/);
  // k6's fixed memory per process counts once per runner: 2 x 800 MB of VUs fit 819 usable MB, not with 45 MB more each.
  const fixed = planRunners({ profile: 'p', k6Options: { vus: 1600, duration: '1m' }, mbPerVu: 1, mbPerVuSource: 'given', runnerMemoryMb: 1024, openFileLimit: null });
  assert.equal(fixed.runners, 3);
  assert.equal(fixed.mbPerRunner, 45 + 534);
  // The issue's 30 VUs of a small script: k6's own 45 MB dominate (was "one machine with 14 MB").
  const small = planRunners({ profile: 'p', k6Options: { vus: 30, duration: '1m' }, mbPerVu: 0.33, mbPerVuSource: 'calibrated', fixedMb: 41, fixedMbSource: 'calibrated', runnerMemoryMb: 8192, openFileLimit: null });
  assert.match(small.lines.join('\n'), /memory: 0\.33 MB per VU \(calibrated\)\n  \+ 41 MB per k6 process \(calibrated\) -> 51 MB of k6 in total/);
  assert.match(small.lines.join('\n'), /one machine with 64 MB/);
  assert.match(plan.lines.join('\n'), /0\.66 MB per VU \(measured\)\n  \+ 45 MB per k6 process \(default: a k6 v2\.2\.0 process with one VU; v0\.49\.0 needs ~84 MB\)/);
  assert.equal(parseMemory('8GB'), 8192);
  assert.equal(parseMemory('512mb'), 512);
  assert.equal(parseMemory('lots'), undefined);
});

test('--dry-run names each runner\'s flags: its slice, paused, setup and teardown left to loadctl, tagged', async () => {
  const { dryRunRunnerLines } = await import('../../../src/runners/placement.ts');
  const lines = dryRunRunnerLines(2, 'local');
  assert.equal(lines.length, 3);
  assert.equal(lines[2], '  runner 1: --execution-segment 1/2:1 --execution-segment-sequence 0,1/2,1 --paused --no-setup --no-teardown --linger --address <api> --tag runner=1');
});
