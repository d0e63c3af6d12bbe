// The live feed on every `loadctl run`, end to end without Docker: the k6
// stand-in books seats on a real sandbox and pushes remote-write to loadctl's
// receiver (and NDJSON with --record); the run folder gets timeline.json and
// report.html, and the feed's counts reconcile with k6's own summary.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Timeline } from '../../src/live/types.ts';
import { constantProfile, loadctl, project, standin, startSandbox, standinEnv } from './harness.ts';

let sandbox: { url: string; stop(): Promise<void> };
before(async () => { sandbox = await startSandbox({ users: 4 }); });
after(async () => { await sandbox?.stop(); });

const folder = (cwd: string) => {
  const runs = join(cwd, '.loadctl', 'runs');
  return join(runs, readdirSync(runs)[0] ?? '');
};
const requestsIn = (t: Timeline) => t.total.reduce((n, s) => n + s.requests, 0);
const lastJson = (out: string) => JSON.parse(out.slice(out.indexOf('{\n  "schema"')));

test('default run: remote-write into loadctl, a live line, timeline.json and report.html; --record adds the exact record', { timeout: 90_000 }, async () => {
  const cwd = project({ profiles: { steady: constantProfile(10) } });
  const run = loadctl(['run', 'steady', '--base-url', sandbox.url, '--record', '--json'], { cwd, env: standinEnv(7) });
  assert.equal(await run.done, 0, run.out());
  const doc = lastJson(run.out());
  const dir = folder(cwd);
  assert.equal(doc.live.source, 'ndjson');
  assert.ok(doc.live.pushes >= 5, `pushes: ${doc.live.pushes}`);
  assert.equal(doc.phases, undefined, 'no experiment, no phases');
  const command = readFileSync(join(dir, 'k6-command.txt'), 'utf8');
  assert.match(command, /K6_PROMETHEUS_RW_SERVER_URL=http:\/\/127\.0\.0\.1:\d+\/api\/v1\/write/);
  // The stand-in says it is k6 v2.2.0, which takes feature flags.
  assert.match(command, /K6_FEATURES=native-histograms/);
  assert.match(command, / --out experimental-prometheus-rw --out json=\S+\.ndjson\.gz /);
  const exact = JSON.parse(readFileSync(join(dir, 'timeline.json'), 'utf8')) as Timeline;
  const live = JSON.parse(readFileSync(join(dir, 'timeline-live.json'), 'utf8')) as Timeline;
  // Every request k6 counted is in both feeds, to the request.
  assert.ok(doc.totals.requests > 100);
  assert.equal(requestsIn(exact), doc.totals.requests);
  assert.equal(requestsIn(live), doc.totals.requests);
  assert.ok(live.series['name:hold_seats'] && live.series['name:login'], 'per-endpoint series');
  assert.ok(existsSync(join(dir, 'report.html')));
  assert.ok(existsSync(join(dir, 'k6-record.ndjson.gz')));
  assert.equal(readdirSync(join(cwd, '.loadctl', 'runs')).length, 1, 'no record left outside the run folder');
  assert.match(run.out(), /live \+\d+s \d+ req\/s {2}err 0\.00 % {2}p99 \d+ ms/);
});

test('a k6 that pushes nothing: the run still ends normally and says so; --no-live leaves the flags out', { timeout: 60_000 }, async () => {
  const cwd = project({ profiles: { steady: constantProfile(1) } });
  // The recorded (replaying) stand-in sends no HTTP at all.
  const quiet = loadctl(['run', 'steady', '--base-url', sandbox.url, '--json'], { cwd, env: { K6_BIN: standin, K6_STANDIN_CASE: 'pass' } });
  const code = await quiet.done;
  const doc = lastJson(quiet.out());
  assert.equal(code, doc.exitCode, quiet.out());
  assert.match(quiet.out(), /warning: live feed: k6 pushed no request data to loadctl's remote-write receiver/);
  assert.deepEqual(doc.live, { source: null, pushes: 0, seconds: 0 });
  const dir = folder(cwd);
  assert.equal(existsSync(join(dir, 'timeline.json')), false);
  assert.ok(existsSync(join(dir, 'report.html')), 'the report is written without a timeline');

  const off = loadctl(['run', 'steady', '--base-url', sandbox.url, '--no-live', '--out-dir', 'off'], { cwd, env: { K6_BIN: standin, K6_STANDIN_CASE: 'pass' } });
  await off.done;
  const offDir = join(cwd, 'off', readdirSync(join(cwd, 'off'))[0] ?? '');
  assert.doesNotMatch(readFileSync(join(offDir, 'k6-command.txt'), 'utf8'), /prometheus/i);
  assert.doesNotMatch(off.out(), /live feed/);
});

test('--chaos without any feed is refused before anything starts', { timeout: 30_000 }, async () => {
  const cwd = project({ profiles: { steady: constantProfile(5) } });
  const run = loadctl(['run', 'steady', '--chaos', 'redis-failure', '--no-live', '--yes'], { cwd, env: { K6_BIN: standin } });
  assert.equal(await run.done, 2);
  assert.match(run.out(), /--chaos needs per-second data to measure recovery/);
  const bad = loadctl(['run', 'steady', '--chaos', 'redis-failure', '--at', 'soon'], { cwd, env: { K6_BIN: standin } });
  assert.equal(await bad.done, 2);
  assert.match(bad.out(), /--at "soon" is neither "steady" nor a duration/);
  const stray = loadctl(['run', 'steady', '--at', '5s'], { cwd, env: { K6_BIN: standin } });
  assert.equal(await stray.done, 2);
  assert.match(stray.out(), /--at only applies with --chaos <experiment>/);
});
