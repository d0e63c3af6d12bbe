// End to end against a real Docker engine: bin/loadctl.js stops a real Redis
// container from loadctl-test:1, the test sees it refuse connections, and the
// experiment measures how long it took to answer again.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  bin, docker, dockerSkipReason, freePort, loadctl, loadctlDone, project, redisPing,
  repo, snapshot, startRedis, stopExperiment, tcpOpen, unique, waitFor, redisPool,
} from './harness.ts';

const skip = dockerSkipReason();
const pool = redisPool('lc-e2e-redis');
const redis = pool.redis;
after(() => pool.cleanup());

test('redis-failure end to end: stopped, refusing, started, recovery time measured', { skip, timeout: 60_000 }, async () => {
  const r = await redis();
  const cwd = project({ 'redis-stop': stopExperiment({ name: 'redis-stop', container: r.name, port: r.port, duration: '2s' }) });
  const run = loadctl(['chaos', 'redis-stop', '--yes', '--json', '--junit', 'out/junit.xml'], { cwd, env: { GITHUB_STEP_SUMMARY: join(cwd, 'summary.md') } });
  await run.waitForOutput(/injected:/);
  const refusedDuringFault = !(await tcpOpen(r.port));
  const stateDuringFault = docker('inspect', '--format', '{{.State.Status}}', r.name);
  const code = await run.done;
  assert.equal(code, 0, run.stderr());
  assert.ok(refusedDuringFault, 'Redis still accepted connections while stopped');
  assert.equal(stateDuringFault, 'exited');

  const doc = JSON.parse(run.stdout());
  assert.equal(doc.schema, 'loadctl/chaos-result');
  assert.equal(doc.version, 1);
  assert.equal(doc.status, 'passed');
  assert.equal(doc.steps[0].fault.mode, 'stop');
  const { injectedAt, rolledBackAt, recoveredAt } = doc.timeline;
  assert.ok(rolledBackAt - injectedAt >= 2000, 'the fault held for its duration');
  assert.ok(recoveredAt >= rolledBackAt);
  assert.equal(doc.recovery.measuredMs, recoveredAt - rolledBackAt);
  assert.ok(doc.recovery.measuredMs < 10_000);
  console.log(`# measured: held ${rolledBackAt - injectedAt} ms, recovery ${doc.recovery.measuredMs} ms after rollback, ${doc.recovery.rounds} probe rounds`);

  assert.equal(docker('inspect', '--format', '{{.Id}} {{.State.Status}}', r.name), `${r.id} running`);
  assert.ok(redisPing(r.name));
  assert.match(run.stderr(), /steady state green/);
  assert.match(run.stderr(), /PASS: redis-stop recovered in/);

  const [folder] = readdirSync(join(cwd, '.loadctl', 'runs'));
  assert.match(folder ?? '', /-chaos-redis-stop$/);
  const dir = join(cwd, '.loadctl', 'runs', folder ?? '');
  assert.deepEqual(readdirSync(dir).sort(), ['chaos-journal.jsonl', 'chaos-timeline.json', 'chaos.json', 'experiment.json', 'result.json']);
  const journal = readFileSync(join(dir, 'chaos-journal.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
  assert.deepEqual(journal.map((j) => j.type), ['intent', 'extend', 'done']);
  assert.deepEqual(journal[0].undo, [{ kind: 'start', container: { id: r.id, name: r.name } }]);
  const junit = readFileSync(join(cwd, 'out', 'junit.xml'), 'utf8');
  assert.match(junit, /failures="0"/);
  assert.match(junit, /name="recovery &lt; 10s"/);
  assert.match(readFileSync(join(cwd, 'summary.md'), 'utf8'), /### loadctl chaos redis-stop[\s\S]*\| verdict \| \*\*PASS\*\* \|/);
});

test('the shipped redis-failure against the sandbox with Redis locks: health goes DOWN, then UP again', { skip, timeout: 90_000 }, async () => {
  const r = await redis();
  const port = await freePort();
  const sandbox = loadctl(['sandbox', '--port', String(port), '--redis', `redis://127.0.0.1:${r.port}`], { cwd: repo });
  try {
    const health = async () => (await fetch(`http://127.0.0.1:${port}/health`).catch(() => undefined))?.status;
    await waitFor('the sandbox to be healthy', async () => (await health()) === 200, 60_000);
    const cwd = project({ 'redis-failure': readFileSync(join(repo, 'chaos', 'redis-failure.yaml'), 'utf8') });
    const run = loadctl(['chaos', 'redis-failure', '--target', `redis=${r.name}`, '--duration', '2s', '--yes', '--json'], {
      cwd, env: { BASE_URL: `http://127.0.0.1:${port}` },
    });
    await run.waitForOutput(/injected:/);
    await waitFor('the gateway to report Redis down', async () => (await health()) === 503, 60_000);
    assert.equal(await run.done, 0, run.stderr());
    const doc = JSON.parse(run.stdout());
    assert.equal(doc.status, 'passed');
    assert.deepEqual(doc.steadyState.map((p: { ok: boolean }) => p.ok), [true, true]);
    console.log(`# measured (sandbox + Redis): recovery ${doc.recovery.measuredMs} ms after rollback`);
    assert.equal(await health(), 200);
  } finally {
    sandbox.child.kill('SIGINT');
    await sandbox.done;
  }
});

test('--dry-run prints containers, steps and undos, and touches nothing', { skip, timeout: 30_000 }, async () => {
  const r = await redis();
  const before = snapshot(r.name);
  const cwd = project({ 'redis-stop': stopExperiment({ name: 'redis-stop', container: r.name, port: r.port, duration: '5s' }) });
  const out = await loadctlDone(['chaos', 'redis-stop', '--dry-run'], { cwd });
  assert.equal(out.code, 0, out.stderr);
  assert.match(out.stdout, new RegExp(`redis \\(container ${r.name}\\): ${r.name} \\(${r.id.slice(0, 12)}\\)`));
  assert.match(out.stdout, /1\. stop .* \[hold 5s\]\n {5}undo: start /);
  assert.match(out.stdout, /docker endpoint: unix:\/\//);
  assert.equal(snapshot(r.name), before);
  assert.equal(existsSync(join(cwd, '.loadctl')), false, 'no journal, lock or run folder');
});

test('a missing target is one line listing near matches; no TTY and no --yes refuses', { skip, timeout: 30_000 }, async () => {
  const r = await redis();
  const before = snapshot(r.name);
  const cwd = project({ 'redis-stop': stopExperiment({ name: 'redis-stop', container: `${r.name}x`, port: r.port, duration: '5s' }) });
  const missing = await loadctlDone(['chaos', 'redis-stop', '--yes'], { cwd });
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, new RegExp(`^loadctl: no container named "${r.name}x": .*${r.name}`));
  assert.doesNotMatch(missing.stderr, /\n\s+at /, 'no stack trace');

  const refused = await loadctlDone(['chaos', 'redis-stop', '--target', `redis=${r.name}`], { cwd });
  assert.equal(refused.code, 2);
  assert.match(refused.stderr, /refusing to change containers without confirmation: stdin is not a terminal\n {2}fix: add --yes/);
  assert.equal(snapshot(r.name), before);
});

test('--mode kill-in-place leaves the restart policy in charge, and the report says so', { skip, timeout: 60_000 }, async () => {
  const r = await redis({ restart: 'always' });
  const cwd = project({ 'redis-stop': stopExperiment({ name: 'redis-stop', container: r.name, port: r.port, duration: '1s' }) });
  const run = await loadctlDone(['chaos', 'redis-stop', '--mode', 'kill-in-place', '--yes', '--json'], { cwd });
  assert.equal(run.code, 0, run.stderr);
  const doc = JSON.parse(run.stdout);
  assert.equal(doc.steps[0].fault.mode, 'kill-in-place');
  assert.equal(doc.steps[0].observations.mode, 'kill-in-place');
  assert.ok(doc.steps[0].observations.restarts >= 1, 'Docker restarted it by policy');
  assert.match(run.stderr, /mode\s+│ kill-in-place/);
  assert.equal(docker('inspect', '--format', '{{.Id}} {{.State.Status}}', r.name), `${r.id} running`);
  console.log(`# measured (kill-in-place, restart: always): recovery ${doc.recovery.measuredMs} ms after rollback`);
});

test('on a terminal, the confirmation names the endpoint and the containers; "n" changes nothing', { skip, timeout: 30_000 }, async () => {
  const r = await redis();
  const before = snapshot(r.name);
  const cwd = project({ 'redis-stop': stopExperiment({ name: 'redis-stop', container: r.name, port: r.port, duration: '1s' }) });
  // `script` gives loadctl a real pseudo-terminal; our pipe is what the user types.
  const answer = (text: string) => spawnSync('script', ['-qec', `${process.execPath} ${bin} chaos redis-stop`, '/dev/null'], {
    cwd, input: text, encoding: 'utf8', timeout: 20_000, env: { ...process.env, NO_COLOR: '1' },
  });
  const no = answer('n\n');
  assert.equal(no.status, 4, no.stdout);
  assert.match(no.stdout, new RegExp(`Break ${r.name} on unix://\\S+\\? \\[y/N\\]`));
  assert.match(no.stdout, /not confirmed: nothing was changed/);
  assert.equal(snapshot(r.name), before);
  assert.equal(existsSync(join(cwd, '.loadctl')), false);

  const yes = answer('y\n');
  assert.equal(yes.status, 0, yes.stdout);
  assert.match(yes.stdout, /PASS: redis-stop recovered in/);
});

test('--project selects every replica of a compose service by its labels; each is paused, then unpaused', { skip, timeout: 60_000 }, async () => {
  const compose = unique('lcproj');
  const labels = ['--label', `com.docker.compose.project=${compose}`, '--label', 'com.docker.compose.service=consumer'];
  const a = await startRedis(unique('lc-e2e-consumer-1'), { flags: labels });
  const b = await startRedis(unique('lc-e2e-consumer-2'), { flags: labels });
  pool.adopt(a.name, b.name);
  const other = await redis();
  const otherBefore = snapshot(other.name);
  const yaml = [
    'name: lag', 'description: pause every consumer replica',
    `targets: { consumer: { container: ${other.name}, service: consumer } }`,
    'steadyState: { probes: [ { type: exec, target: consumer, command: [redis-cli, ping] } ] }',
    'steps: [ { target: consumer, fault: { kind: pause }, duration: 1s } ]',
    'recovery: { interval: 100ms }', '',
  ].join('\n');
  const cwd = project({ lag: yaml });
  const run = loadctl(['chaos', 'lag', '--project', compose, '--yes', '--json'], { cwd });
  await run.waitForOutput(/injected:/);
  const paused = [a, b].map((c) => docker('inspect', '--format', '{{.State.Paused}}', c.name));
  assert.equal(await run.done, 0, run.stderr());
  assert.deepEqual(paused, ['true', 'true']);
  const doc = JSON.parse(run.stdout());
  assert.deepEqual(doc.targets[0].containers.map((c: { name: string }) => c.name).sort(), [a.name, b.name].sort());
  assert.deepEqual(doc.targets[0].selector, { project: compose, service: 'consumer' });
  for (const c of [a, b]) assert.equal(docker('inspect', '--format', '{{.State.Paused}} {{.State.Status}}', c.name), 'false running');
  assert.equal(snapshot(other.name), otherBefore, 'the container the YAML names by default was not touched');
});
