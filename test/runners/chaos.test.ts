// `loadctl run --runners N --chaos` with real parts: real k6 v2.2.0 as 2-3
// local runners, the sandbox with its seat locks in Redis, Redis in a real
// container (named uniquely, labelled, removed here) that the experiment
// stops under the merged load. The test watches Redis on its own, reads the
// merged timeline and the per-runner series loadctl kept, and checks that the
// phases and the recovery come from that one merged feed; a runner killed
// during the fault, and Ctrl-C or a hang-up during it, all roll the fault back;
// after a kill -9 of loadctl the watchdog does, by the journal, and the k6
// reaper ends the runners.
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { PhaseStats } from '../../src/live/phases.ts';
import type { Timeline } from '../../src/live/types.ts';
import {
  constantProfile, docker, dockerSkipReason, k6Env, k6Skip, loadctl, project, redisAnswers, redisRigs, redisStopExperiment, waitFor, watch,
} from '../live-run/harness.ts';
import { pendingIntents, readJournal } from '../../src/chaos/journal.ts';
import { seenInChromium } from '../helpers/report-page.ts';
import { runnerPids } from './harness.ts';

const skip = dockerSkipReason() || k6Skip('v2.2.0');
const rigs = redisRigs('lc-runchaos');
after(() => rigs.cleanup());

const runDirOf = (cwd: string, out: string) => join(cwd, /results in (\S+)/.exec(out)?.[1] ?? 'no-run-folder');

interface Doc {
  status: string; exitCode: number; reason: string;
  phases: PhaseStats[]; phasesBySeries: Record<string, PhaseStats[]>;
  recovery: { verdict: string; userRecoverySeconds: number | null; containerRecoverySeconds: number | null; injectedAt: number; rolledBackAt: number };
  chaos: { ran: boolean; status: string; injectedAt: number; rolledBackAt: number; rollbackComplete: boolean };
  runners: { count: number; failure: string | null; list: Array<{ id: number; end: string; signal: string | null; requests: number | null; releasedAt: number | null }> };
  totals: { requests: number };
}

/** 2 runners under a 60 s load, Redis stopped for 40 s from 3 s in: returns once the fault is in. */
async function inTheFault(name: string) {
  const { redis, sandbox } = await rigs.rig(name, 12);
  const cwd = project({ profiles: { steady: constantProfile(60, 6) }, chaos: { 'redis-stop': redisStopExperiment(redis.name, redis.port, '40s') } });
  const run = loadctl(['run', 'steady', '--runners', '2', '--base-url', sandbox.url, '--chaos', 'redis-stop', '--at', '3s', '--yes', '--no-typecheck'], { cwd, env: k6Env() });
  await run.waitForOutput(/injected:/, 60_000);
  assert.equal(docker('inspect', '--format', '{{.State.Status}}', redis.name), 'exited', 'the fault is in');
  const pids = runnerPids(run.out());
  assert.equal(pids.length, 2, run.out());
  return { redis, cwd, run, pids };
}

/** report.html in headless Chromium: offline, no errors, the three charts, the runners card and a row per runner. */
async function lookInChromium(file: string): Promise<void> {
  const seen = await seenInChromium(file, 'runners-chaos-report.png');
  if (!seen) return;
  assert.match(seen.text, /k6 runners\s*3/);
  assert.match(seen.text, /User-visible recovery/);
  assert.match(seen.text, /runner:0[\s\S]*runner:1[\s\S]*runner:2/);
}

const sumOf = (list: readonly PhaseStats[][], phase: string, key: 'requests' | 'failures') =>
  list.reduce((n, phases) => n + (phases.find((p) => p.phase === phase)?.[key] ?? 0), 0);

describe('--runners with --chaos, real k6 v2.2.0 and Redis in a container', { skip }, () => {
  test('3 runners, redis stopped under the merged load: phases and recovery from the merged feed, every output names both', { timeout: 150_000 }, async () => {
    const { redis, sandbox } = await rigs.rig('main', 12);
    const cwd = project({ profiles: { steady: constantProfile(30, 9) }, chaos: { 'redis-stop': redisStopExperiment(redis.name, redis.port, '5s') } });
    const redisUp = watch(() => redisAnswers(redis.port));
    const run = loadctl([
      'run', 'steady', '--runners', '3', '--base-url', sandbox.url, '--chaos', 'redis-stop', '--yes', '--json', '--junit', 'junit.xml', '--no-typecheck',
    ], { cwd, env: k6Env('v2.2.0', { GITHUB_STEP_SUMMARY: join(cwd, 'summary.md') }) });
    const code = await run.done;
    const redisFlips = await redisUp.stop();
    const out = run.out();
    assert.equal(code, 0, out);
    const dir = runDirOf(cwd, out);
    const doc = JSON.parse(readFileSync(join(dir, 'result.json'), 'utf8')) as Doc;

    // The fault went in and came out: Redis really went down and is the same container, running.
    assert.ok(redisFlips.some((f) => !f.value) && redisFlips.at(-1)!.value, `Redis went down and came back: ${JSON.stringify(redisFlips)}`);
    assert.equal(docker('inspect', '--format', '{{.Id}} {{.State.Status}}', redis.name), `${redis.id} running`);
    assert.equal(doc.chaos.status, 'passed');
    assert.equal(doc.chaos.rollbackComplete, true);
    const journal = readFileSync(join(dir, 'chaos-journal.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { type: string });
    assert.deepEqual(journal.filter((j) => j.type !== 'extend').map((j) => j.type), ['intent', 'done']);

    // Triggered from the merged feed, after the release.
    // (On two busy cores the merged rate may never settle within the band: then the deadline injects, also after the release.)
    const trigger = out.search(/chaos: (load steady at \d+ req\/s|load not steady after \d+s; injecting anyway)/);
    assert.ok(trigger > 0 && out.indexOf('released 3 runners together') < trigger, out);

    // The phases are the merged feed's: each phase is the sum of the runners' own series.
    const timeline = JSON.parse(readFileSync(join(dir, 'timeline.json'), 'utf8')) as Timeline;
    const perRunner = ['runner:0', 'runner:1', 'runner:2'].map((k) => doc.phasesBySeries[k]!);
    assert.ok(perRunner.every(Boolean), `per-runner phases: ${Object.keys(doc.phasesBySeries).join(', ')}`);
    assert.deepEqual(doc.phases.map((p) => p.phase), ['baseline', 'fault', 'recovery', 'after']);
    const fault = doc.phases[1]!;
    for (const phase of ['baseline', 'fault', 'recovery', 'after']) {
      const merged = doc.phases.find((p) => p.phase === phase)!;
      assert.equal(merged.failures, sumOf(perRunner, phase, 'failures'), `${phase}: merged failures = sum over runners`);
      assert.equal(merged.requests, sumOf(perRunner, phase, 'requests'), `${phase}: merged requests = sum over runners`);
    }
    const inFault = timeline.total.filter((s) => s.t >= fault.from && s.t < fault.to);
    assert.equal(fault.failures, inFault.reduce((n, s) => n + s.failures, 0), 'the fault phase is the merged timeline\'s seconds');
    // The phase's edge seconds are only partly hit (the stop takes a moment to bite); its middle fails nearly all.
    assert.ok(fault.failures > 50 && fault.errorRate > 0.4, `users felt the fault: ${JSON.stringify(fault)}`);
    assert.ok(perRunner.every((p) => p[1]!.failures > 0), 'every runner felt it');
    assert.ok(doc.phases[0]!.requests > 100 && doc.phases[0]!.verdict === 'pass', `baseline: ${JSON.stringify(doc.phases[0])}`);

    // Recovery measured, users and containers.
    assert.equal(doc.recovery.verdict, 'pass');
    assert.ok(doc.recovery.userRecoverySeconds !== null && doc.recovery.containerRecoverySeconds !== null, JSON.stringify(doc.recovery));
    console.log(`# measured: fault ${fault.seconds} s, ${fault.failures} failed of ${fault.requests} (runners ${perRunner.map((p) => p[1]!.failures).join(' + ')}), `
      + `users recovered ${doc.recovery.userRecoverySeconds} s after rollback, containers ${doc.recovery.containerRecoverySeconds} s`);

    // Every output: runner count and the chaos phases.
    assert.equal(doc.runners.count, 3);
    assert.ok(doc.runners.list.every((r) => r.end === 'finished' && (r.requests ?? 0) > 0));
    const json = JSON.parse(out.slice(out.indexOf('{\n  "schema"'), out.lastIndexOf('}') + 1)) as Doc;
    assert.equal(json.runners.count, 3);
    assert.equal(json.phases.length, 4);
    assert.match(out, /merged over 3 runners \(local, released within \d+ ms\)/);
    assert.match(out, /recovery: users [\d.]+ s \(containers [\d.]+ s/);
    assert.match(out, /phases \(the 3 runners' merged feed\):\n {2}baseline .*\n {2}fault +\d+ s +\d+ requests {2}errors [\d.]+ %/, 'the phases in the terminal');
    assert.match(out, new RegExp(`failed during the fault: runner 0 \\d+ of \\d+, runner 1 \\d+ of \\d+, runner 2 \\d+ of \\d+ \\(merged ${fault.failures} of ${fault.requests}\\)`));
    const junit = readFileSync(join(cwd, 'junit.xml'), 'utf8');
    assert.match(junit, /testsuite name="loadctl run steady over 3 runners"/);
    assert.match(junit, /classname="loadctl.recovery" name="redis-stop: users recovered within 30 s"/);
    const summary = readFileSync(join(cwd, 'summary.md'), 'utf8');
    assert.match(summary, /loadctl run `steady` over 3 runners: PASSED/);
    assert.match(summary, /\| fault \| \d+ \| \d+ \|/);
    assert.match(summary, new RegExp(`\\| runner 2 \\| ${perRunner[2]![1]!.requests} \\| ${perRunner[2]![1]!.failures} \\|`), 'each runner\'s share of the fault');
    const html = readFileSync(join(dir, 'report.html'), 'utf8');
    assert.match(html, /k6 runners<\/div><div class="value">3</);
    assert.match(html, /By endpoint, scenario and runner.*<code>runner:2<\/code>/s);
    const report = loadctl(['report', dir, '--phases'], { cwd });
    assert.equal(await report.done, 0, report.out());
    assert.match(report.out(), /redis-stop: users recovered in [\d.]+ s.*3 runners, merged/, 'loadctl report\'s Notes name both');
    assert.match(report.out(), /\| runner 0 \| \d+ \| \d+ \|/);
    await lookInChromium(join(dir, 'report.html'));
    assert.ok(html.includes('User-visible recovery') && /"fault":\{"from":[\d.]+,"to":[\d.]+\}/.test(html), 'report.html shows the phases');
  });

  test('a runner killed during the fault: not green, that runner named, the fault rolled back at once, the others stopped', { timeout: 120_000 }, async () => {
    const { redis, cwd, run, pids } = await inTheFault('kill');
    process.kill(pids[1]!, 'SIGKILL');
    const code = await run.done;
    assert.equal(code, 1, run.out());
    assert.equal(docker('inspect', '--format', '{{.Id}} {{.State.Status}}', redis.name), `${redis.id} running`);
    const doc = JSON.parse(readFileSync(join(runDirOf(cwd, run.out()), 'result.json'), 'utf8')) as Doc;
    assert.equal(doc.status, 'failed');
    assert.match(doc.reason, /^runner 1 \(process \d+\) ended before the test did: k6 was killed by SIGKILL; users' recovery was not measured: the load was stopped with the fault in$/);
    assert.equal(doc.runners.list[1]!.end, 'died');
    assert.equal(doc.runners.list[0]!.end, 'stopped');
    assert.notEqual(doc.runners.list[0]!.signal, 'SIGKILL', 'stopped through its API');
    assert.equal(doc.chaos.rollbackComplete, true);
    // --at 3s counts from the release, not from the paused spawn or setup().
    const released = Math.max(...doc.runners.list.map((r) => r.releasedAt ?? Infinity));
    assert.ok(doc.chaos.injectedAt - released >= 3000 && doc.chaos.injectedAt - released < 8000, `injected ${doc.chaos.injectedAt - released} ms after the release`);
    // Rolled back when the runner died, not after the 40 s hold.
    assert.ok(doc.chaos.rolledBackAt - doc.chaos.injectedAt < 25_000, `held ${doc.chaos.rolledBackAt - doc.chaos.injectedAt} ms`);
    assert.match(run.out(), /chaos: the load is being stopped; any fault still held is rolled back now/);
    for (const pid of pids) assert.throws(() => process.kill(pid, 0), 'no runner left running');
  });

  for (const signal of ['SIGINT', 'SIGHUP'] as const) {
    test(`${signal} during the fault: exit 4, rolled back, every runner stopped through its API`, { timeout: 120_000 }, async () => {
      const { redis, cwd, run, pids } = await inTheFault(signal.toLowerCase());
      run.kill(signal);
      assert.equal(await run.done, 4, run.out());
      assert.equal(docker('inspect', '--format', '{{.Id}} {{.State.Status}}', redis.name), `${redis.id} running`);
      const dir = runDirOf(cwd, run.out());
      const doc = JSON.parse(readFileSync(join(dir, 'result.json'), 'utf8')) as Doc;
      assert.equal(doc.exitCode, 4);
      assert.equal(doc.chaos.status, 'interrupted');
      assert.equal(doc.chaos.rollbackComplete, true);
      assert.equal(doc.runners.count, 2);
      // Stopped well before the 60 s profile's end, not left to finish it.
      assert.deepEqual(doc.runners.list.map((r) => r.end), ['stopped', 'stopped']);
      assert.ok(doc.totals.requests > 0, 'what arrived was judged');
      assert.ok(existsSync(join(dir, 'report.html')));
      for (const pid of pids) assert.throws(() => process.kill(pid, 0), 'no runner left running');
    });
  }

  test('kill -9 of loadctl during the fault: the watchdog restores the container by the journal\'s deadline', { timeout: 120_000 }, async () => {
    const { redis, sandbox } = await rigs.rig('crash', 12);
    const experiment = `${redisStopExperiment(redis.name, redis.port, '4s')}watchdogGrace: 1s\n`;
    const cwd = project({ profiles: { steady: constantProfile(60, 6) }, chaos: { 'redis-stop': experiment } });
    const run = loadctl(['run', 'steady', '--runners', '2', '--base-url', sandbox.url, '--chaos', 'redis-stop', '--at', '3s', '--yes', '--no-typecheck'], { cwd, env: k6Env() });
    await run.waitForOutput(/injected:/, 60_000);
    const pids = runnerPids(run.out());
    const [entry] = pendingIntents(readJournal(join(cwd, '.loadctl', 'chaos-journal')));
    assert.ok(entry, 'the intent is journalled before the fault');
    run.kill('SIGKILL');
    assert.equal(await run.done, 'SIGKILL');
    // Local runners are detached (a terminal's Ctrl-C reaches loadctl only): the k6 reaper ends them when
    // loadctl's pipe to it closes (a runner writing progress would also die of its broken stdout; one
    // lingering silently would not: test/unit/k6/reaper.test.ts proves the reaper on its own).
    const killedAt = Date.now();
    await waitFor('the reaper to end every runner', () => pids.every((pid) => { try { process.kill(pid, 0); return false; } catch { return true; } }), 60_000, 20);
    console.log(`# measured: runners gone ${Date.now() - killedAt} ms after the kill -9 of loadctl`);
    await waitFor('the watchdog to start Redis again', () => docker('inspect', '--format', '{{.State.Status}}', redis.name) === 'running', 60_000, 100);
    const restoredAt = Date.now();
    assert.ok(restoredAt <= entry.deadline + 3000, `restored ${restoredAt - entry.deadline} ms after the deadline`);
    assert.equal(docker('inspect', '--format', '{{.Id}}', redis.name), redis.id);
    assert.deepEqual(pendingIntents(readJournal(join(cwd, '.loadctl', 'chaos-journal'))), []);
  });

  test('an experiment naming a missing container: exit 2, no runner started, no run folder', { timeout: 60_000 }, async () => {
    const cwd = project({ profiles: { steady: constantProfile(10) }, chaos: { 'redis-stop': redisStopExperiment('lc-runchaos-nosuch', 1, '1s') } });
    const run = loadctl(['run', 'steady', '--runners', '2', '--base-url', 'http://127.0.0.1:1', '--chaos', 'redis-stop', '--yes'], { cwd, env: k6Env() });
    assert.equal(await run.done, 2, run.out());
    assert.match(run.out(), /no container named "lc-runchaos-nosuch"/);
    assert.doesNotMatch(run.out(), /runners started/);
    assert.equal(existsSync(join(cwd, '.loadctl', 'runs')), false, 'no run folder, no runner');
  });

  test('--dry-run: the runners\' flags and the experiment\'s plan, nothing started, the container untouched', { timeout: 60_000 }, async () => {
    const { redis, sandbox } = await rigs.rig('dry');
    const before = docker('inspect', '--format', '{{.State.Status}} {{.State.StartedAt}}', redis.name);
    const cwd = project({ profiles: { steady: constantProfile(30, 6) }, chaos: { 'redis-stop': redisStopExperiment(redis.name, redis.port, '5s') } });
    const run = loadctl(['run', 'steady', '--runners', '2', '--base-url', sandbox.url, '--chaos', 'redis-stop', '--dry-run', '--no-typecheck'], { cwd, env: k6Env() });
    assert.equal(await run.done, 0, run.out());
    assert.match(run.out(), new RegExp(`1\\. stop ${redis.name} .* \\[hold 5s\\]\\n {5}undo: start ${redis.name}`));
    assert.match(run.out(), /dry run: no container was changed/);
    assert.match(run.out(), /with --runners 2, 2 such k6 .*\n {2}runner 0: .*--execution-segment 0:1\/2/);
    assert.equal(docker('inspect', '--format', '{{.State.Status}} {{.State.StartedAt}}', redis.name), before);
    assert.equal(existsSync(join(cwd, '.loadctl', 'chaos-journal')), false, 'nothing journaled');
  });
});
