// Rollback you can trust, end to end on real containers: Ctrl-C (twice) in
// the middle of a fault, and kill -9 of loadctl, restored by the detached
// watchdog or by `loadctl chaos recover`, with a second experiment refused
// until then.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pendingIntents, readJournal } from '../../src/chaos/journal.ts';
import {
  docker, dockerSkipReason, loadctl, loadctlDone, project, redisPing, removeContainers,
  stopExperiment, waitFor, redisPool,
} from './harness.ts';

const skip = dockerSkipReason();
const pool = redisPool('lc-e2e-crash');
const redis = pool.redis;
after(() => pool.cleanup());

const status = (name: string) => docker('inspect', '--format', '{{.State.Status}}', name);
const pending = (cwd: string) => pendingIntents(readJournal(join(cwd, '.loadctl', 'chaos-journal')));
const watchdogRunning = (runId: string) =>
  spawnSync('ps', ['-eo', 'args'], { encoding: 'utf8' }).stdout.split('\n').some((l) => l.includes('chaos watchdog') && l.includes(runId));

test('Ctrl-C twice in the middle of a fault: rolled back, exit 4, nothing pending', { skip, timeout: 60_000 }, async () => {
  const r = await redis();
  const cwd = project({ 'redis-stop': stopExperiment({ name: 'redis-stop', container: r.name, port: r.port, duration: '60s' }) });
  const run = loadctl(['chaos', 'redis-stop', '--yes'], { cwd });
  await run.waitForOutput(/injected:/);
  assert.equal(status(r.name), 'exited');
  const signalledAt = Date.now();
  run.child.kill('SIGINT');
  await new Promise((resolve) => setTimeout(resolve, 30));
  run.child.kill('SIGINT');
  assert.equal(await run.done, 4, run.stderr());
  const exitMs = Date.now() - signalledAt;
  assert.ok(exitMs < 15_000, `took ${exitMs} ms to roll back and exit`);
  assert.equal(status(r.name), 'running');
  assert.ok(redisPing(r.name));
  assert.deepEqual(pending(cwd), []);
  assert.match(run.stderr(), /SIGINT: stopping; rolling back every fault first/);
  assert.match(run.stdout(), /undone: start /);
  assert.match(run.stdout(), /INTERRUPTED: redis-stop was interrupted; everything was rolled back/);
  console.log(`# measured: Ctrl-C to exit with the container restored: ${exitMs} ms`);
});

test('kill -9 mid-fault: a second experiment is refused, and the watchdog restores within duration + grace', { skip, timeout: 60_000 }, async () => {
  const r = await redis();
  const cwd = project({
    'redis-stop': stopExperiment({ name: 'redis-stop', container: r.name, port: r.port, duration: '3s', grace: '1s' }),
    'redis-again': stopExperiment({ name: 'redis-again', container: r.name, port: r.port, duration: '1s' }),
  });
  const run = loadctl(['chaos', 'redis-stop', '--yes'], { cwd });
  await run.waitForOutput(/injected:/);
  const [entry] = pending(cwd);
  assert.ok(entry, 'the intent is journalled');
  run.child.kill('SIGKILL');
  const killedAt = Date.now();
  assert.equal(await run.done, 'SIGKILL');

  const second = await loadctlDone(['chaos', 'redis-again', '--yes'], { cwd });
  assert.equal(second.code, 3, second.stderr);
  assert.match(second.stderr, /a previous chaos experiment was not rolled back: redis-stop: stop /);
  assert.match(second.stderr, /fix: loadctl chaos recover/);
  assert.equal(status(r.name), 'exited', 'still down: nobody restored it yet');

  await waitFor('the watchdog to start Redis again', () => status(r.name) === 'running', 60_000, 100);
  const restoredAt = Date.now();
  assert.ok(restoredAt <= entry.deadline + 3000, `restored ${restoredAt - entry.deadline} ms after the deadline`);
  assert.ok(restoredAt >= entry.deadline - 200, 'the watchdog waited for the planned end');
  await waitFor('Redis to answer', () => redisPing(r.name), 60_000);
  assert.deepEqual(pending(cwd), []);
  assert.match(readFileSync(join(cwd, '.loadctl', 'chaos-watchdog.log'), 'utf8'), /restored: stop /);
  await waitFor('the watchdog to exit', () => !watchdogRunning(entry.runId), 60_000);
  console.log(`# measured: kill -9 to restored by the watchdog: ${restoredAt - killedAt} ms (deadline was ${entry.deadline - killedAt} ms away)`);
});

test('kill -9 mid-fault: `loadctl chaos recover` restores at once, then experiments may run again', { skip, timeout: 60_000 }, async () => {
  const r = await redis();
  const cwd = project({ 'redis-stop': stopExperiment({ name: 'redis-stop', container: r.name, port: r.port, duration: '120s' }) });
  const run = loadctl(['chaos', 'redis-stop', '--yes'], { cwd });
  await run.waitForOutput(/injected:/);
  const [entry] = pending(cwd);
  run.child.kill('SIGKILL');
  await run.done;
  assert.equal(status(r.name), 'exited');
  assert.ok(entry && watchdogRunning(entry.runId), 'a watchdog outlives loadctl');

  const recovered = await loadctlDone(['chaos', 'recover'], { cwd });
  assert.equal(recovered.code, 0, recovered.stderr);
  assert.match(recovered.stdout, /restored: redis-stop: stop /);
  assert.equal(status(r.name), 'running');
  assert.deepEqual(pending(cwd), []);
  await waitFor('the now idle watchdog to exit', () => !watchdogRunning(entry?.runId ?? ''), 60_000);

  const again = await loadctlDone(['chaos', 'recover'], { cwd });
  assert.equal(again.code, 0);
  assert.match(again.stdout, /nothing to recover/);
  const next = await loadctlDone(['chaos', 'redis-stop', '--yes', '--duration', '300ms'], { cwd });
  assert.equal(next.code, 0, next.stderr);
  assert.equal(status(r.name), 'running');
});

test('a container removed mid-experiment: one clear line, exit 3, and nothing left pending', { skip, timeout: 60_000 }, async () => {
  const r = await redis();
  const cwd = project({ 'redis-stop': stopExperiment({ name: 'redis-stop', container: r.name, port: r.port, duration: '2s' }) });
  const run = loadctl(['chaos', 'redis-stop', '--yes'], { cwd });
  await run.waitForOutput(/injected:/);
  removeContainers(r.name);
  assert.equal(await run.done, 3, run.stderr());
  assert.match(run.stdout(), new RegExp(`ERROR: redis-stop: container ${r.name} \\(${r.id.slice(0, 12)}\\) is gone \\(removed while the experiment ran\\); could not start`));
  assert.match(run.stdout(), /nothing to restore \(container removed\): start /);
  assert.doesNotMatch(run.stdout() + run.stderr(), /\n\s+at /, 'no stack trace');
  assert.deepEqual(pending(cwd), []);
});

test('kill -9 mid-bandwidth: the watchdog restores the qdisc through a helper and leaves no helper behind', { skip, timeout: 60_000 }, async () => {
  const r = await redis();
  const qdisc = () => docker('exec', r.name, 'tc', 'qdisc', 'show', 'dev', 'eth0');
  const before = qdisc();
  const yaml = [
    'name: slow', 'description: tbf on a test Redis',
    `targets: { t: { container: ${r.name} } }`,
    'steadyState: { probes: [ { type: exec, target: t, command: [redis-cli, ping] } ] }',
    'steps: [ { target: t, fault: { kind: bandwidth, rate: 256kbit }, duration: 2s } ]',
    'watchdogGrace: 1s', '',
  ].join('\n');
  const cwd = project({ slow: yaml });
  const run = loadctl(['chaos', 'slow', '--yes'], { cwd });
  await run.waitForOutput(/injected:/);
  assert.match(qdisc(), /tbf/);
  const [entry] = pending(cwd);
  run.child.kill('SIGKILL');
  await run.done;
  await waitFor('the watchdog to restore the qdisc', () => !qdisc().includes('tbf'), 60_000, 200);
  const late = Date.now() - (entry?.deadline ?? 0);
  assert.ok(late < 5000, `restored ${late} ms after the deadline`);
  assert.equal(qdisc(), before);
  await waitFor('the journal to be clean', () => pending(cwd).length === 0, 60_000);
  const helpers = docker('ps', '-a', '--format', '{{.Names}}').split('\n').filter((n) => n.startsWith(`loadctl-tc-${r.id.slice(0, 12)}`));
  assert.deepEqual(helpers, []);
});

test('SIGTERM mid-pause (a CI job cancelled): unpaused, exit 4', { skip, timeout: 60_000 }, async () => {
  const r = await redis();
  const yaml = [
    'name: freeze', 'description: pause a test Redis',
    `targets: { t: { container: ${r.name} } }`,
    'steadyState: { probes: [ { type: exec, target: t, command: [redis-cli, ping] } ] }',
    'steps: [ { target: t, fault: { kind: pause }, duration: 60s } ]', '',
  ].join('\n');
  const cwd = project({ freeze: yaml });
  const run = loadctl(['chaos', 'freeze', '--yes', '--json'], { cwd });
  await run.waitForOutput(/injected:/);
  assert.equal(docker('inspect', '--format', '{{.State.Paused}}', r.name), 'true');
  run.child.kill('SIGTERM');
  assert.equal(await run.done, 4, run.stderr());
  assert.equal(docker('inspect', '--format', '{{.State.Paused}}', r.name), 'false');
  const doc = JSON.parse(run.stdout());
  assert.equal(doc.status, 'interrupted');
  assert.equal(doc.rollback.complete, true);
  assert.match(run.stderr(), /SIGTERM: stopping; rolling back/);
  assert.deepEqual(pending(cwd), []);
});
