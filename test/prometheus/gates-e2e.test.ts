// Prometheus gates end to end with real parts: Debian's Prometheus scraping
// the sandbox's /metrics every second, real k6 v2.2.0 booking seats, and for
// the chaos case Redis in a container stopped under the load. The gates are
// judged by range queries after the run and must show in every output.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { commandSkip, k6Skip } from '../kit/parts.ts';
import { dockerSkipReason, freePort, loadctl, project, redisStopExperiment } from '../live-run/harness.ts';
import { bookingProfile, jsonDoc, runFolder, gatesK6Env, useGatedSystem, dashboardQueries } from './harness.ts';
import { chromiumPath, openReport } from '../helpers/report-page.ts';
import { tempDir } from '../kit/temp.ts';

const skip = k6Skip('v2.2.0') || commandSkip('prometheus');
const noDocker = skip || dockerSkipReason();
const chromiumSkip = commandSkip(chromiumPath);
const sys = useGatedSystem('lc-promgates', { skip: Boolean(skip), docker: !noDocker });

const LOCK_GATE = 'sum(rate(booking_lock_failures_total[1m])) * 60 < 10';

const profile = (seconds: number, gates: string[]) => bookingProfile(seconds, 'a few VUs booking seats, judged in Prometheus', [
  'prometheus:',
  '  settle: 10s',
  `  gates:${gates.length === 0 ? ' []' : ''}`,
  ...gates.map((g) => `    - ${g}`),
]);

const k6Env = gatesK6Env;

test('a calm run passes the lock-failure gate and the runbook defaults; every output shows them', { skip, timeout: 120_000 }, async () => {
  const cwd = project({ profiles: { calm: profile(10, [`{ name: lock failures, expr: "${LOCK_GATE}", phases: [run] }`]) } });
  const summary = join(tempDir('loadctl-summary-'), 'summary.md');
  const run = loadctl(['run', 'calm', '--base-url', sys.sandbox.url, '--prometheus', sys.prom.url, '--prometheus-rw', `${sys.prom.url}/api/v1/write`, '--invariant', 'backlog-drains', '--json', '--junit', 'junit.xml'], {
    cwd, env: { ...k6Env(), GITHUB_STEP_SUMMARY: summary },
  });
  const code = await run.done;
  assert.equal(code, 0, run.out());
  const doc = jsonDoc(run.out());
  assert.equal(doc.prometheus.url, sys.prom.url);
  assert.equal(doc.prometheus.passed, true);
  // Prometheus scraped the run's last second before the gates were judged (the sandbox's gauges share their labels, which once made the wait fail every time).
  assert.equal(doc.prometheus.caughtUp, true);
  const byName = Object.fromEntries(doc.prometheus.gates.map((g: { name: string }) => [g.name, g]));
  const lock = byName['lock failures'];
  assert.equal(lock.status, 'pass', JSON.stringify(lock));
  assert.equal(lock.windows[0].window, 'run');
  assert.ok(lock.windows[0].samples >= 5, `judged on samples: ${JSON.stringify(lock.windows[0])}`);
  // The runbook's table: what the sandbox exports is judged, the consumer lag it lacks is said to be skipped.
  assert.equal(byName['HTTP P99 <= 2 s'].status, 'pass');
  assert.equal(byName['booking queue <= 1000'].status, 'pass');
  assert.equal(byName['consumer lag <= 10000'].status, 'skipped');
  assert.match(byName['consumer lag <= 10000'].reason, /no kafka_consumer_group_lag/);
  // The same rule for a shipped PromQL invariant: no consumer here, so it is listed as skipped, not failed.
  assert.deepEqual(doc.invariants.invariants.map((i: { status: string; reason: string }) => [i.status, i.reason]), [['skipped', 'not checked: Prometheus has no data for sum(kafka_consumer_group_lag)']]);

  const dir = runFolder(cwd);
  assert.deepEqual(JSON.parse(readFileSync(join(dir, 'result.json'), 'utf8')).prometheus, doc.prometheus);
  const charts = JSON.parse(readFileSync(join(dir, 'prometheus.json'), 'utf8')).charts;
  assert.ok(charts.some((c: { name: string; series: unknown[] }) => c.name === 'lock failures' && c.series.length === 1));
  const junit = readFileSync(join(cwd, 'junit.xml'), 'utf8');
  assert.match(junit, /classname="loadctl.prometheus" name="lock failures: sum\(rate\(booking_lock_failures_total\[1m\]\)\) \* 60 &lt; 10 \[run\]" time="0"\/>/);
  assert.match(readFileSync(summary, 'utf8'), /\| lock failures \| `sum\(rate\(booking_lock_failures_total\[1m\]\)\) \* 60 < 10` \| run \| PASS \|/);
  assert.match(run.out(), /gate PASS lock failures: held in run/);
  const html = readFileSync(join(dir, 'report.html'), 'utf8');
  assert.match(html, /Prometheus gates/);

  // --prometheus-rw: k6's own series and loadctl's markers are in that Prometheus after the run.
  assert.equal(doc.forward.failed, 0, JSON.stringify(doc.forward));
  assert.ok(doc.forward.forwarded >= 10, JSON.stringify(doc.forward));
  const reqs = await sys.prom.query('sum(max_over_time(k6_http_reqs_total[5m]))');
  assert.ok(Number(reqs[0]?.value[1]) >= doc.totals.requests * 0.9, `k6's request counter forwarded: ${JSON.stringify(reqs)} vs ${doc.totals.requests}`);
  const active = await sys.prom.query('max_over_time(loadctl_run_active{profile="calm"}[5m])');
  assert.equal(active[0]?.value[1], '1');
  const events = await sys.prom.query('count by (event) (count_over_time(loadctl_run_event{profile="calm"}[5m]))');
  assert.deepEqual(events.map((e) => e.metric.event).sort(), ['end', 'start']);
  // The shipped Grafana dashboard's k6 and key-metric panels have data from this run (the lag panel: no consumer here).
  const empty: string[] = [];
  for (const q of dashboardQueries.filter((d) => !d.expr.includes('kafka') && !d.expr.includes('loadctl_fault') && !d.where.startsWith('annotation'))) {
    if ((await sys.prom.query(q.expr)).length === 0) empty.push(`${q.where}: ${q.expr}`);
  }
  assert.deepEqual(empty, []);
});

test('a forward that fails is one warning; the run and its verdict go on', { skip, timeout: 90_000 }, async () => {
  const cwd = project({ profiles: { calm: profile(4, []) } });
  const port = await freePort();
  const run = loadctl(['run', 'calm', '--base-url', sys.sandbox.url, '--prometheus-rw', `http://127.0.0.1:${port}/api/v1/write`, '--json'], { cwd, env: k6Env() });
  assert.equal(await run.done, 0, run.out());
  const doc = jsonDoc(run.out());
  assert.equal(doc.status, 'passed');
  assert.equal(doc.forward.forwarded, 0);
  assert.ok(doc.forward.failed >= 3, JSON.stringify(doc.forward));
  assert.match(run.out(), /--prometheus-rw http:\/\/127\.0\.0\.1:\d+\/api\/v1\/write: 0 bodies forwarded, \d+ failed, 0 dropped \(last: ECONNREFUSED\); the verdict does not depend on it/);
});

test('a gate on a metric Prometheus does not have fails with that reason', { skip, timeout: 90_000 }, async () => {
  const cwd = project({ profiles: { missing: profile(4, ['"max(no_such_metric_total) < 1"']) } });
  const run = loadctl(['run', 'missing', '--base-url', sys.sandbox.url, '--json'], { cwd, env: { ...k6Env(), LOADCTL_PROMETHEUS: sys.prom.url } });
  const code = await run.done;
  assert.equal(code, 1, run.out());
  const doc = jsonDoc(run.out());
  assert.equal(doc.status, 'failed');
  const gate = doc.prometheus.gates.find((g: { source: string }) => g.source === 'profile');
  assert.equal(gate.status, 'missing-metric');
  assert.deepEqual(gate.missingMetrics, ['no_such_metric_total']);
  assert.match(doc.reason, /Prometheus gate "max\(no_such_metric_total\) < 1" has no metric: Prometheus has no no_such_metric_total/);
});

test('a Prometheus that does not answer is exit 3 before any load', { skip, timeout: 60_000 }, async () => {
  const cwd = project({ profiles: { calm: profile(4, []) } });
  const port = await freePort();
  const run = loadctl(['run', 'calm', '--base-url', sys.sandbox.url, '--prometheus', `http://127.0.0.1:${port}`], { cwd, env: k6Env() });
  const code = await run.done;
  assert.equal(code, 3, run.out());
  assert.match(run.out(), new RegExp(`Prometheus at http://127.0.0.1:${port} is not reachable \\(ECONNREFUSED\\); no load was started`));
  assert.ok(!existsSync(join(cwd, '.loadctl', 'runs')), 'no run folder: k6 never started');
  assert.doesNotMatch(run.out(), /at .*\.ts:\d+/, 'no stack trace');
});

test('a gate that does not parse is exit 2 before any load, naming the gate', { skip, timeout: 60_000 }, async () => {
  const cwd = project({ profiles: { bad: profile(4, ['"sum(rate(booking_lock_failures_total[1m]) < 10"']) } });
  const run = loadctl(['run', 'bad', '--base-url', sys.sandbox.url, '--prometheus', sys.prom.url], { cwd, env: k6Env() });
  assert.equal(await run.done, 2, run.out());
  assert.match(run.out(), /gate "sum\(rate\(booking_lock_failures_total\[1m\]\) < 10" .*parse error/);
  assert.ok(!existsSync(join(cwd, '.loadctl', 'runs')));
});


test('Redis stopped under load: the lock-failure gate fails in the fault phase, holds in the baseline', { skip: noDocker, timeout: 150_000 }, async () => {
  const r = sys.redis as { name: string; port: number };
  const cwd = project({
    profiles: { chaos: profile(22, [`{ name: lock failures, expr: "${LOCK_GATE}", phases: [baseline, fault] }`]) },
    chaos: { 'redis-stop': redisStopExperiment(r.name, r.port, '4s') },
  });
  const run = loadctl(['run', 'chaos', '--base-url', sys.sandbox.url, '--prometheus', sys.prom.url, '--prometheus-rw', `${sys.prom.url}/api/v1/write`, '--chaos', 'redis-stop', '--at', '6s', '--yes', '--json'], {
    cwd, env: k6Env(),
  });
  const code = await run.done;
  assert.equal(code, 1, run.out());
  const doc = jsonDoc(run.out());
  const lock = doc.prometheus.gates.find((g: { name: string }) => g.name === 'lock failures');
  assert.equal(lock.status, 'fail', JSON.stringify(lock));
  const [baseline, fault] = lock.windows;
  assert.equal(baseline.window, 'baseline');
  assert.equal(baseline.verdict, 'pass', JSON.stringify(baseline));
  assert.equal(fault.window, 'fault');
  assert.equal(fault.verdict, 'fail', JSON.stringify(fault));
  assert.ok(fault.worst.value >= 10 && fault.breaches.length > 0 && fault.breaches.length <= 5);
  assert.match(doc.reason, /Prometheus gate "lock failures" failed: < 10 broken: fault: /);
  assert.equal(doc.chaos.status, 'passed', 'the experiment itself rolled back and recovered');
  // The fault window as Grafana would draw it: loadctl_fault_active was 1 for about the fault's hold.
  const faultSeconds = await sys.prom.query('sum_over_time(loadctl_fault_active{experiment="redis-stop"}[5m])');
  const seconds = Number(faultSeconds[0]?.value[1]);
  assert.ok(seconds >= 3 && seconds <= 7, `fault marker seconds: ${seconds}`);

  // report.html: the gate charted on the timeline's axis, under the same fault shading.
  const html = readFileSync(join(runFolder(cwd), 'report.html'), 'utf8');
  assert.match(html, /"fault":\{"from":[\d.]+,"to":[\d.]+\}/);
  if (chromiumSkip) return;
  const seen = await openReport(join(runFolder(cwd), 'report.html'), 'prometheus-gates-report.png');
  assert.deepEqual(seen.problems, []);
  assert.ok(seen.gates.includes('lock failures (< 10)'), seen.gates.join());
  assert.equal(seen.charts, 3 + seen.gates.length, 'every gate drew its chart');
});
