// End to end with real parts: the sandbox with its seat locks in Redis, Redis
// in a real container, `loadctl run --chaos` stopping that container while
// real k6 (both ends of the supported range for the full run and Ctrl-C)
// books seats over real HTTP. The test watches Redis and the
// sandbox itself, so the recovery loadctl measures from the requests can be
// checked against when the outage really ended plus the sandbox's reconnect.
import { describe, test, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { seenInChromium } from '../helpers/report-page.ts';
import type { Timeline } from '../../src/live/types.ts';
import type { K6Version } from '../kit/parts.ts';
import {
  constantProfile, docker, dockerSkipReason, k6Env, k6Skip, k6Versions, loadctl, project, redisAnswers, redisRigs, redisStopExperiment, startRedis, unique, watch,
} from './harness.ts';

const skip = dockerSkipReason() || k6Skip('v2.2.0');
const rigs = redisRigs('lc-together');
const rig = (name: string) => rigs.rig(name);
after(() => rigs.cleanup());

const experiment = redisStopExperiment;

/** The run's own report.html in headless Chromium: offline, no errors, three charts, the experiment's events; a screenshot for the artifacts. */
async function lookInChromium(file: string): Promise<void> {
  const seen = await seenInChromium(file, 'chaos-under-load-report.png');
  if (!seen) return;
  assert.match(seen.text, /User-visible recovery/);
  assert.match(seen.text, /injected: stop lc-together-main-[0-9a-f]+ /);
  assert.ok(statSync(seen.screenshot).size > 10_000);
}

const onlyFolder = (cwd: string) => {
  const runs = join(cwd, '.loadctl', 'runs');
  const [folder] = readdirSync(runs);
  return join(runs, folder ?? '');
};

for (const version of k6Versions) {
  describe(`real k6 ${version}`, { skip: dockerSkipReason() || k6Skip(version) }, () => {
    test('redis stopped under load: recovery measured on the requests matches the real outage plus the reconnect', { timeout: 120_000 }, () => stoppedUnderLoad(version));
    test('Ctrl-C in the middle of the fault: rolled back, exit 4, the run folder still complete', { timeout: 90_000 }, () => ctrlCInFault(version));
  });
}

async function stoppedUnderLoad(version: K6Version): Promise<void> {
  const { redis, sandbox } = await rig('main');
  const cwd = project({ profiles: { steady: constantProfile(28, 8) }, chaos: { 'redis-stop': experiment(redis.name, redis.port, '3s') } });
  // Independent witnesses: Redis itself, and the sandbox's view of it (/health pings Redis through its client).
  const redisUp = watch(() => redisAnswers(redis.port));
  const sandboxUp = watch(async () => (await fetch(`${sandbox.url}/health`, { signal: AbortSignal.timeout(400) }).catch(() => undefined))?.status === 200);
  const run = loadctl(['run', 'steady', '--base-url', sandbox.url, '--chaos', 'redis-stop', '--duration', '3s', '--yes', '--record', '--json', '--no-typecheck'], {
    cwd, env: k6Env(version),
  });
  const code = await run.done;
  const [redisFlips, sandboxFlips] = await Promise.all([redisUp.stop(), sandboxUp.stop()]);
  assert.equal(code, 0, run.out());

  const doc = JSON.parse(run.out().slice(run.out().indexOf('{\n  "schema"')));
  const dir = onlyFolder(cwd);
  assert.deepEqual(JSON.parse(readFileSync(join(dir, 'result.json'), 'utf8')), doc);
  assert.equal(doc.status, 'passed');
  assert.deepEqual(doc.phases.map((p: { phase: string }) => p.phase), ['baseline', 'fault', 'recovery', 'after']);
  const [baseline, fault] = doc.phases;
  // `injectedAt` is stamped as `docker stop` begins; the phases split on whole seconds,
  // so a failure or two may still share the baseline's last second, never enough to fail it.
  assert.ok(baseline.requests > 100 && baseline.verdict === 'pass', `baseline served: ${JSON.stringify(baseline)}`);
  assert.ok(fault.errorRate > 0.5, `users felt the fault: ${JSON.stringify(fault)}`);
  assert.ok(doc.phasesBySeries['name:hold_seats'], 'per-endpoint phases');
  assert.equal(doc.recovery.verdict, 'pass');
  assert.equal(doc.live.source, 'ndjson');
  assert.ok(doc.live.pushes > 10, 'k6 pushed remote-write every second');
  assert.equal(doc.chaos.status, 'passed');

  // When the outage really ended, by the test's own clocks.
  const redisDown = redisFlips.find((f) => !f.value);
  const redisBack = redisFlips.find((f) => f.value && redisDown !== undefined && f.at > redisDown.at);
  const sandboxDown = sandboxFlips.find((f) => !f.value);
  const sandboxBack = sandboxFlips.find((f) => f.value && sandboxDown !== undefined && f.at > sandboxDown.at);
  assert.ok(redisBack && sandboxBack, `outage seen by the watchers: redis ${JSON.stringify(redisFlips)} sandbox ${JSON.stringify(sandboxFlips)}`);
  const reconnectMs = Math.max(0, sandboxBack.at - redisBack.at);
  const expectedBackAt = redisBack.at + reconnectMs;
  const measuredAt = doc.recovery.userRecoveredAt as number;
  console.log(`# measured: redis back ${redisBack.at - doc.recovery.rolledBackAt} ms after rollback, sandbox reconnect ${reconnectMs} ms, `
    + `users recovered (NDJSON) ${doc.recovery.userRecoverySeconds} s after rollback, containers ${doc.recovery.containerRecoverySeconds} s, `
    + `off by ${Math.round(measuredAt - expectedBackAt)} ms`);
  // --record: recovery is measured to the request, so it must land on the
  // outage's end: at most 50 ms before the watcher saw the sandbox answer
  // again (the watcher polls every 25 ms, so it sees the end a little late),
  // at most 0.9 s after it (the requests in flight as the sandbox came back).
  assert.equal(doc.recovery.userRecoveryResolution, 'request');
  const off = measuredAt - expectedBackAt;
  assert.ok(off >= -50 && off <= 900, `users recovered at ${measuredAt}, outage end + reconnect at ${expectedBackAt}: off by ${off} ms, not within -50..+900 ms`);

  // The live (remote-write) timeline, kept beside the exact one, saw the same outage at its one-push resolution.
  const live = JSON.parse(readFileSync(join(dir, 'timeline-live.json'), 'utf8')) as Timeline;
  const exact = JSON.parse(readFileSync(join(dir, 'timeline.json'), 'utf8')) as Timeline;
  // Counted, not timed: both feeds must hold every request and every failed
  // one, to the request. Where a second's failures land is timed: a push is
  // stamped with its newest sample, and on two busy cores a push (and its
  // samples) can slip into the next second, so the edges of the failing window
  // may differ by up to two pushes; the windows must overlap.
  const sum = (t: Timeline) => t.total.reduce((n, s) => n + s.requests, 0);
  const failed = (t: Timeline) => t.total.reduce((n, s) => n + s.failures, 0);
  assert.equal(sum(live), sum(exact), 'both feeds counted every request');
  assert.equal(failed(live), failed(exact), 'both feeds counted every failed request');
  assert.ok(failed(exact) > 10, `the outage failed requests: ${failed(exact)}`);
  const failing = (t: Timeline) => t.total.filter((s) => s.requests > 0 && s.errorRate > 0.5).map((s) => s.t);
  const [liveBad, exactBad] = [failing(live), failing(exact)];
  console.log(`# measured: failing seconds, remote-write ${liveBad.join(',')}; NDJSON ${exactBad.join(',')}`);
  assert.ok(liveBad.length > 0 && exactBad.length > 0, 'both feeds saw failing seconds');
  assert.ok(liveBad[0]! <= exactBad.at(-1)! && exactBad[0]! <= liveBad.at(-1)!, 'the failing windows overlap');
  assert.ok(Math.abs(liveBad[0]! - exactBad[0]!) <= 2 && Math.abs(liveBad.at(-1)! - exactBad.at(-1)!) <= 2, 'edges within two pushes');

  const html = readFileSync(join(dir, 'report.html'), 'utf8');
  assert.ok(/"fault":\{"from":[\d.]+,"to":[\d.]+\}/.test(html), 'report.html carries the fault window');
  assert.ok(html.includes('User-visible recovery'), 'report.html shows the recovery');
  await lookInChromium(join(dir, 'report.html'));
  for (const f of ['timeline.json', 'chaos.json', 'chaos-journal.jsonl', 'experiment.json', 'k6-record.ndjson.gz']) assert.ok(existsSync(join(dir, f)), f);
  assert.equal(docker('inspect', '--format', '{{.Id}} {{.State.Status}}', redis.name), `${redis.id} running`);
  assert.match(run.out(), /live \+\d+s \d+ req\/s {2}err [\d.]+ % {2}p99/);
  assert.match(run.out(), /chaos: load steady at \d+ req\/s/);
}

async function ctrlCInFault(version: K6Version): Promise<void> {
  const { redis, sandbox } = await rig('sigint');
  const cwd = project({ profiles: { steady: constantProfile(40) }, chaos: { 'redis-stop': experiment(redis.name, redis.port, '30s') } });
  const run = loadctl(['run', 'steady', '--base-url', sandbox.url, '--chaos', 'redis-stop', '--at', '2s', '--yes', '--no-typecheck'], { cwd, env: k6Env(version) });
  await run.waitForOutput(/injected:/);
  assert.equal(docker('inspect', '--format', '{{.State.Status}}', redis.name), 'exited');
  run.kill('SIGINT');
  assert.equal(await run.done, 4, run.out());
  assert.equal(docker('inspect', '--format', '{{.Id}} {{.State.Status}}', redis.name), `${redis.id} running`);
  const dir = onlyFolder(cwd);
  const doc = JSON.parse(readFileSync(join(dir, 'result.json'), 'utf8'));
  assert.equal(doc.exitCode, 4);
  assert.equal(doc.k6.exitCode, 105, 'k6 stopped gracefully on the forwarded SIGINT');
  assert.equal(doc.summary.source, 'handleSummary', 'and still wrote its summary');
  assert.ok(doc.totals.requests > 0);
  assert.equal(doc.chaos.status, 'interrupted');
  assert.equal(doc.chaos.rollbackComplete, true);
  assert.ok(existsSync(join(dir, 'report.html')));
  const journal = readFileSync(join(dir, 'chaos-journal.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { type: string });
  assert.deepEqual(journal.filter((j) => j.type !== 'extend').map((j) => j.type), ['intent', 'done']);
}

test('an experiment naming a missing container: exit 2 before any load starts', { skip, timeout: 60_000 }, async () => {
  const cwd = project({ profiles: { steady: constantProfile(10) }, chaos: { 'redis-stop': experiment('lc-together-nosuch', 1, '1s') } });
  const run = loadctl(['run', 'steady', '--base-url', 'http://127.0.0.1:1', '--chaos', 'redis-stop', '--yes'], { cwd, env: k6Env() });
  assert.equal(await run.done, 2, run.out());
  assert.match(run.out(), /no container named "lc-together-nosuch"/);
  assert.equal(existsSync(join(cwd, '.loadctl', 'runs')), false, 'no run folder, k6 never started');
});

test('loadctl chaos <experiment> --load <profile> --dry-run: the k6 command and the plan, nothing touched', { skip, timeout: 60_000 }, async () => {
  const redis = await startRedis(unique('lc-together-dry'));
  rigs.track(redis.name);
  const before = docker('inspect', '--format', '{{.State.Status}} {{.State.StartedAt}}', redis.name);
  const cwd = project({ profiles: { steady: constantProfile(30) }, chaos: { 'redis-stop': experiment(redis.name, redis.port, '5s') } });
  const run = loadctl(['chaos', 'redis-stop', '--load', 'steady', '--dry-run'], { cwd, env: { BASE_URL: 'http://127.0.0.1:1' } });
  assert.equal(await run.done, 0, run.out());
  assert.match(run.out(), /k6 run --no-color/);
  assert.match(run.out(), new RegExp(`1\\. stop ${redis.name} .* \\[hold 5s\\]\\n {5}undo: start ${redis.name}`));
  assert.match(run.out(), /dry run: no container was changed/);
  assert.equal(docker('inspect', '--format', '{{.State.Status}} {{.State.StartedAt}}', redis.name), before);
  assert.equal(existsSync(join(cwd, '.loadctl', 'chaos-journal')), false, 'nothing journaled');
});

test('users never served within the targets: exit 1 and the reason, though every container came back', { skip, timeout: 90_000 }, async () => {
  const { redis, sandbox } = await rig('fail');
  const cwd = project({ profiles: { steady: constantProfile(10) }, chaos: { 'redis-stop': experiment(redis.name, redis.port, '1s') } });
  // A p99 under 1 ms is never met, so no second after the rollback counts as healthy.
  const run = loadctl(['run', 'steady', '--base-url', sandbox.url, '--chaos', 'redis-stop', '--duration', '1s', '--at', '3s', '--yes', '--recovery', 'p99=1ms,seconds=2', '--no-typecheck'], {
    cwd, env: k6Env(),
  });
  assert.equal(await run.done, 1, run.out());
  const doc = JSON.parse(readFileSync(join(onlyFolder(cwd), 'result.json'), 'utf8'));
  assert.equal(doc.status, 'failed');
  assert.equal(doc.chaos.status, 'passed', 'the probes saw the containers recover');
  assert.equal(doc.recovery.recovered, false);
  assert.deepEqual(doc.recovery.targets, { maxErrorRate: 0.05, maxP99Ms: 1, consecutiveSeconds: 2, maxRecoverySeconds: 30 });
  assert.match(doc.reason, /never recovered: no 2 consecutive healthy seconds/);
  assert.match(run.out(), /FAILED: .*never recovered/);
  assert.equal(docker('inspect', '--format', '{{.Id}} {{.State.Status}}', redis.name), `${redis.id} running`);
});
