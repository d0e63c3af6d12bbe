// Live Prometheus gates end to end with real parts: Debian's Prometheus
// scraping the sandbox every second, real k6 v2.2.0 booking seats, Redis in a
// container stopped under the load by a real chaos experiment. A live
// lock-failure gate stops the run early (exit 1, the gate named in every
// output, the fault rolled back), and leaves a calm run alone. A Prometheus
// that goes away mid-run is a warning, never an abort.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { commandSkip, k6Skip } from '../kit/parts.ts';
import { docker, dockerSkipReason, loadctl, project, redisAnswers, redisStopExperiment } from '../live-run/harness.ts';
import { chromiumPath, openReport } from '../helpers/report-page.ts';
import { bookingProfile, jsonDoc, runFolder, gatesK6Env, useGatedSystem } from './harness.ts';
import { tempDir } from '../kit/temp.ts';

const skip = k6Skip('v2.2.0') || commandSkip('prometheus');
const noDocker = skip || dockerSkipReason();
const chromiumSkip = commandSkip(chromiumPath);
const sys = useGatedSystem('lc-livegates', { skip: Boolean(skip), docker: !noDocker });

// Failed holds because the lock service is away: the conflicts of a calm run are not this.
const UNAVAILABLE = 'sum(rate(booking_lock_failures_total{reason=\\"unavailable\\"}[5s])) * 60 < 10';
const liveProfile = (seconds: number, phases: string) => bookingProfile(seconds, 'booking seats with a live lock-failure gate', [
  'prometheus:',
  '  settle: 10s',
  '  defaultGates: false',
  '  live: { every: 1s, failures: 3 }',
  '  gates:',
  `    - { name: lock service down, expr: "${UNAVAILABLE}", phases: [${phases}], abortOnFail: true }`,
]);
const k6Env = gatesK6Env;

test('a calm run: the live gate is judged every second and never stops it', { skip, timeout: 120_000 }, async () => {
  const cwd = project({ profiles: { calm: liveProfile(10, 'run') } });
  const run = loadctl(['run', 'calm', '--base-url', sys.sandbox.url, '--prometheus', sys.prom.url, '--json'], { cwd, env: k6Env() });
  assert.equal(await run.done, 0, run.out());
  const doc = jsonDoc(run.out());
  assert.equal(doc.status, 'passed');
  const live = doc.prometheus.live;
  assert.equal(live.abort, null);
  assert.ok(live.evaluations.pass >= 5, JSON.stringify(live));
  assert.equal(live.evaluations.fail, 0, JSON.stringify(live));
  assert.match(run.out(), /1 also judged live \(every 1 s; 3 failing in a row stop the run\)/);
  assert.match(run.out(), /live gates held \(lock service down\): \d+ evaluations every 1 s, 0 failing, never 3 in a row/);
  assert.ok(doc.k6.durationMs >= 9000, 'k6 ran its whole 10 s');
});

test('Redis stopped under load: the live gate stops the run in the fault, exit 1, named everywhere, the fault rolled back', { skip: noDocker, timeout: 150_000 }, async () => {
  const r = sys.redis as { name: string; port: number };
  const cwd = project({
    // 35 s of load, a 30 s fault: the default trigger's deadline used to be 0 s here, injecting ~1 s in.
    profiles: { chaos: liveProfile(35, 'fault') },
    chaos: { 'redis-stop': redisStopExperiment(r.name, r.port, '30s') },
  });
  const summary = join(tempDir('loadctl-summary-'), 'summary.md');
  const started = Date.now();
  const run = loadctl(['run', 'chaos', '--base-url', sys.sandbox.url, '--prometheus', sys.prom.url, '--chaos', 'redis-stop', '--yes', '--json', '--junit', 'junit.xml'], {
    cwd, env: { ...k6Env(), GITHUB_STEP_SUMMARY: summary },
  });
  const code = await run.done;
  const took = Date.now() - started;
  assert.equal(code, 1, run.out());
  const doc = jsonDoc(run.out());
  assert.equal(doc.status, 'failed');
  assert.match(doc.reason, /^Prometheus gate "lock service down" stopped the run at t\+\d+s: 3 evaluations in a row broke < 10 in fault \(last \d+/);
  assert.match(doc.reason, /redis-stop stopped early by Prometheus gate "lock service down"; every fault was rolled back/);
  // Early: the fault was to last 30 s of a 35 s load.
  assert.ok(doc.k6.durationMs < 30_000, `k6 ran ${doc.k6.durationMs} ms of 35 s`);
  // The fault went in after a baseline of at least 5 served seconds, not a second into the load.
  const baseline = doc.phases.find((p: { phase: string }) => p.phase === 'baseline');
  assert.ok(baseline.seconds >= 5 && baseline.requests > 0, JSON.stringify(baseline));
  const live = doc.prometheus.live;
  assert.equal(live.abort.gate, 'lock service down');
  assert.equal(live.abort.window, 'fault');
  assert.deepEqual(live.abort.streak.map((e: { window: string; kind: string }) => `${e.window} ${e.kind}`), ['fault fail', 'fault fail', 'fault fail']);
  // Judged only in the fault: its look-back (5 s) first had to lie inside it, so nothing before the injection.
  const injectedAt = doc.chaos.injectedAt / 1000;
  assert.ok(live.abort.streak[0].at >= injectedAt + 5, `first failing evaluation ${live.abort.streak[0].at} vs injection ${injectedAt}`);
  // The fault was rolled back by the stop, long before its 30 s were up, and Redis answers again.
  assert.equal(doc.chaos.status, 'interrupted');
  assert.equal(doc.chaos.rollbackComplete, true);
  assert.ok(doc.chaos.rolledBackAt - doc.chaos.injectedAt < 25_000, JSON.stringify(doc.chaos));
  assert.equal(await redisAnswers(r.port, 1000), true, 'Redis is back');
  assert.equal(docker('inspect', '-f', '{{.State.Running}}', r.name).trim(), 'true');
  assert.ok(took < 90_000, `loadctl took ${took} ms`);

  // Every output names it: console, JUnit, step summary, report.html.
  assert.match(run.out(), /Prometheus gate "lock service down" stopped the run at t\+\d+s: .*: rolling back any fault and stopping k6/);
  assert.match(run.out(), /live gate STOPPED THE RUN: Prometheus gate "lock service down"/);
  assert.match(run.out(), /recovery: not judged: the live gate stopped the load when the fault was rolled back/);
  // ...and every written output says the same of users' recovery, never "never recovered / FAIL".
  assert.equal(doc.recovery.verdict, 'not-judged');
  assert.equal(doc.recovery.reason, 'not judged: the live gate stopped the load when the fault was rolled back');
  assert.doesNotMatch(run.out(), /again to force/, 'the gate\'s own SIGINT is not presented as a Ctrl-C');
  const junit = readFileSync(join(cwd, 'junit.xml'), 'utf8');
  assert.match(junit, /<testcase classname="loadctl.prometheus" name="live: lock service down stopped the run"[^>]*>\s*<failure message="Prometheus gate &quot;lock service down&quot; stopped the run/);
  assert.match(junit, /<testcase classname="loadctl.recovery" name="redis-stop: users recovered within 30 s"[^>]*>\s*<skipped message="not judged: the live gate stopped/);
  assert.match(junit, / skipped="1" /);
  const stepSummary = readFileSync(summary, 'utf8');
  assert.match(stepSummary, /\*\*live gate STOPPED THE RUN: Prometheus gate "lock service down" stopped the run/);
  assert.match(stepSummary, /\*\*Recovery \(redis-stop\): NOT JUDGED\*\*: users not judged/);
  const html = readFileSync(join(runFolder(cwd), 'report.html'), 'utf8');
  assert.match(html, /live gate STOPPED THE RUN: Prometheus gate &quot;lock service down&quot; stopped the run/);
  assert.equal(JSON.parse(readFileSync(join(runFolder(cwd), 'result.json'), 'utf8')).prometheus.live.abort.gate, 'lock service down');
  if (chromiumSkip) return;
  // As people see it: the page's visible text in real Chromium, no page error.
  const seen = await openReport(join(runFolder(cwd), 'report.html'), 'live-gate-stopped-report.png');
  assert.deepEqual(seen.problems, []);
  assert.match(seen.text, /live gate STOPPED THE RUN: Prometheus gate "lock service down" stopped the run at t\+\d+s/);
  assert.match(seen.text, /lock service down \(live\)/);
  assert.match(seen.text, /User-visible recovery\s*not judged/);
  assert.doesNotMatch(seen.text, /User-visible recovery\s*never/);
});

test('without chaos, over two k6 runners: a gate failing from the start stops every runner, exit 1', { skip, timeout: 120_000 }, async () => {
  const cwd = project({
    profiles: {
      split: bookingProfile(40, 'two runners and a gate that cannot hold', [
        'prometheus:', '  defaultGates: false', '  settle: 5s', '  live: { every: 1s, failures: 3 }',
        '  gates:', '    - { name: impossible queue, expr: "max(booking_queue_length) > 1000000000", phases: [run], abortOnFail: true }',
      ]),
    },
  });
  const run = loadctl(['run', 'split', '--base-url', sys.sandbox.url, '--prometheus', sys.prom.url, '--runners', '2', '--json'], { cwd, env: k6Env() });
  assert.equal(await run.done, 1, run.out());
  const doc = jsonDoc(run.out());
  assert.match(doc.reason, /^Prometheus gate "impossible queue" stopped the run at t\+\d+s: 3 evaluations in a row broke > 1000000000 in run \(last \d+\); k6 was stopped early/);
  assert.ok(doc.k6.durationMs < 30_000, `k6 ran ${doc.k6.durationMs} ms of 40 s`);
  assert.equal(doc.prometheus.live.abort.window, 'run');
  assert.doesNotMatch(run.out(), /interrupted by the user/);
});
