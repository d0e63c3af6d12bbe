// The live feed on every `loadctl run`, end to end without Docker: real k6
// (v0.49.0 and v2.2.0, which take different switches for native histograms)
// books seats on a real sandbox and pushes remote-write to loadctl's receiver
// (and NDJSON with --record); the run folder gets timeline.json and
// report.html, and the feed's counts reconcile with k6's own summary.
import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Timeline } from '../../src/live/types.ts';
import { constantProfile, k6Env, k6Skip, k6Versions, loadctl, project, startSandbox } from './harness.ts';

let sandbox: { url: string; stop(): Promise<void> };
before(async () => { sandbox = await startSandbox({ users: 4 }); });
after(async () => { await sandbox?.stop(); });

const folder = (cwd: string, out = join('.loadctl', 'runs')) => {
  const runs = join(cwd, out);
  return join(runs, readdirSync(runs)[0] ?? '');
};
const requestsIn = (t: Timeline) => t.total.reduce((n, s) => n + s.requests, 0);
const lastJson = (out: string) => JSON.parse(out.slice(out.indexOf('{\n  "schema"')));
/** k6's own request count, from the summary k6 wrote (not from loadctl's result.json). */
const k6Requests = (dir: string): number => {
  const summary = JSON.parse(readFileSync(join(dir, 'summary.json'), 'utf8')) as { metrics: { http_reqs: { values: { count: number } } } };
  return summary.metrics.http_reqs.values.count;
};

for (const version of k6Versions) {
  describe(`real k6 ${version}`, { skip: k6Skip(version) }, () => {
    test('default run: remote-write into loadctl, a live line, timeline.json and report.html; --record adds the exact record', { timeout: 90_000 }, async () => {
      const cwd = project({ profiles: { steady: constantProfile(6) } });
      const run = loadctl(['run', 'steady', '--base-url', sandbox.url, '--record', '--json', '--no-typecheck'], { cwd, env: k6Env(version) });
      assert.equal(await run.done, 0, run.out());
      const doc = lastJson(run.out());
      assert.equal(doc.exitCode, 0);
      const dir = folder(cwd);
      assert.equal(doc.live.source, 'ndjson');
      assert.ok(doc.live.pushes >= 4, `pushes: ${doc.live.pushes}`);
      assert.equal(doc.phases, undefined, 'no experiment, no phases');
      const command = readFileSync(join(dir, 'k6-command.txt'), 'utf8');
      assert.match(command, /K6_PROMETHEUS_RW_SERVER_URL=http:\/\/127\.0\.0\.1:\d+\/api\/v1\/write/);
      assert.match(command, version === 'v2.2.0' ? /K6_CONFIG=\S+\/k6-config\/native-histograms\.json/ : /K6_PROMETHEUS_RW_TREND_AS_NATIVE_HISTOGRAM=true/);
      assert.doesNotMatch(command, /K6_FEATURES/);
      assert.match(command, / --out experimental-prometheus-rw --out json=\S+\.ndjson\.gz /);
      const exact = JSON.parse(readFileSync(join(dir, 'timeline.json'), 'utf8')) as Timeline;
      const live = JSON.parse(readFileSync(join(dir, 'timeline-live.json'), 'utf8')) as Timeline;
      // Every request k6 counted is in both feeds, to the request.
      const counted = k6Requests(dir);
      assert.ok(counted > 100, `k6 made ${counted} requests`);
      assert.equal(doc.totals.requests, counted);
      assert.equal(requestsIn(exact), counted);
      assert.equal(requestsIn(live), counted);
      assert.ok(live.series['name:hold_seats'] && live.series['name:login'], 'per-endpoint series');
      assert.ok(existsSync(join(dir, 'report.html')));
      assert.ok(existsSync(join(dir, 'k6-record.ndjson.gz')));
      assert.equal(readdirSync(join(cwd, '.loadctl', 'runs')).length, 1, 'no record left outside the run folder');
      assert.match(run.out(), /live \+\d+s \d+ req\/s {2}err 0\.00 % {2}p99 \d+ ms/);
    });

    test('a k6 that sends no request: the run still ends 0, with no word against the feed; --no-live leaves the flags out and ends 0 too', { timeout: 60_000 }, async () => {
      const cwd = project({ profiles: { idle: constantProfile(2, 1, 'idle') } });
      const quiet = loadctl(['run', 'idle', '--base-url', sandbox.url, '--json', '--no-typecheck'], { cwd, env: k6Env(version) });
      assert.equal(await quiet.done, 0, quiet.out());
      const doc = lastJson(quiet.out());
      assert.equal(doc.exitCode, 0);
      assert.equal(doc.totals.requests, null, 'k6 reports no http_reqs metric at all');
      // Nothing to time is not a broken feed: no warning blaming remote-write.
      assert.doesNotMatch(quiet.out(), /remote-write/);
      assert.equal(doc.live.source, null);
      assert.equal(doc.live.seconds, 0);
      const dir = folder(cwd);
      assert.equal(existsSync(join(dir, 'timeline.json')), false);
      assert.ok(existsSync(join(dir, 'report.html')), 'the report is written without a timeline');

      const off = loadctl(['run', 'idle', '--base-url', sandbox.url, '--no-live', '--out-dir', 'off', '--no-typecheck'], { cwd, env: k6Env(version) });
      assert.equal(await off.done, 0, off.out());
      const offDir = folder(cwd, 'off');
      assert.doesNotMatch(readFileSync(join(offDir, 'k6-command.txt'), 'utf8'), /prometheus/i);
      assert.doesNotMatch(off.out(), /live feed/);
      assert.equal(JSON.parse(readFileSync(join(offDir, 'result.json'), 'utf8')).exitCode, 0);
    });
  });
}

test('--chaos without any feed is refused before anything starts', { timeout: 30_000 }, async () => {
  // Refused before k6 is looked for: a k6 path that does not exist proves it is never run.
  const env = { K6_BIN: '/nonexistent/k6' };
  const cwd = project({ profiles: { steady: constantProfile(5) } });
  const run = loadctl(['run', 'steady', '--chaos', 'redis-failure', '--no-live', '--yes'], { cwd, env });
  assert.equal(await run.done, 2);
  assert.match(run.out(), /--chaos needs per-second data to measure recovery/);
  const bad = loadctl(['run', 'steady', '--chaos', 'redis-failure', '--at', 'soon'], { cwd, env });
  assert.equal(await bad.done, 2);
  assert.match(bad.out(), /--at "soon" is neither "steady" nor a duration/);
  const stray = loadctl(['run', 'steady', '--at', '5s'], { cwd, env });
  assert.equal(await stray.done, 2);
  assert.match(stray.out(), /--at only applies with --chaos <experiment>/);
});
