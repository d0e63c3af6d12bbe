// stop (both modes) and pause against real Redis containers; a bystander in
// the same compose project must come out byte-for-byte unchanged.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createDockerFaultFactory } from '../../src/chaos/factory.ts';
import { EnvironmentError, UsageError } from '../../src/errors.ts';
import { Lab, docker, dockerSkipReason, hostPort, inspect, redisPing, rollback, throughEngine, waitFor } from './harness.ts';

const skip = await dockerSkipReason();

describe('stop and pause faults on a real engine', { skip }, () => {
  const lab = new Lab();
  const factory = createDockerFaultFactory();
  const project = ['--label', `com.docker.compose.project=${lab.prefix}`];

  before(async () => {
    await lab.redis('redis', [...project, '--label', 'com.docker.compose.service=redis']);
    await lab.redis('bystander', [...project, '--label', 'com.docker.compose.service=cache', '--memory', '64m']);
    await waitFor('redis', async () => (await redisPing(await hostPort(lab.name('redis'), '6379/tcp'))) === 'pong');
    await lab.watchBystander('bystander');
  });

  after(() => lab.cleanup());

  it('stop through the engine: Redis refuses connections while held, answers again after the undo stack ran; a second undo is harmless', async () => {
    const [target] = await factory.resolve({ project: lab.prefix, service: 'redis' });
    assert.ok(target);
    assert.equal(target.name, lab.name('redis'));
    const port = await hostPort(target.name, '6379/tcp');
    const { result, journal } = await throughEngine(factory, { project: lab.prefix, service: 'redis' }, { kind: 'stop', mode: 'stop' }, {
      durationMs: 1000,
      during: async () => {
        assert.equal((await inspect(target.name)).State.Status, 'exited');
        assert.equal(await redisPing(port), 'refused');
      },
    });
    assert.equal(result.status, 'passed', JSON.stringify(result.error));
    assert.deepEqual(result.steps[0]?.undo, [{ kind: 'start', container: target }]);
    assert.deepEqual(journal.filter((t) => t !== 'extend'), ['intent', 'done']);
    assert.deepEqual(result.steps[0]?.observations, { mode: 'stop', restarts: 0 });
    assert.equal((await inspect(target.name)).State.Running, true, 'the engine started it again');
    // The undo replayed (loadctl chaos recover after a crash does this): idempotent.
    await rollback(factory, { intent: '', undo: result.steps[0]!.undo! });
    assert.equal((await inspect(target.name)).State.Running, true);
    await waitFor('redis back', async () => (await redisPing(await hostPort(target.name, '6379/tcp'))) === 'pong');
  });

  it('kill-in-place: PID 1 exits, the restart policy brings Redis back, the undo finds it running', async () => {
    const [target] = await factory.resolve({ container: lab.name('redis') });
    assert.ok(target);
    const startedBefore = (await inspect(target.name)).State.StartedAt;
    const fault = factory.create({ kind: 'stop', mode: 'kill-in-place', signal: 'SIGTERM' }, [target], 1000);
    const plan = await fault.plan();
    assert.match(plan.intent, /SIGTERM to PID 1 .*unless-stopped/);
    await fault.apply();
    await rollback(factory, plan);
    const info = await inspect(target.name);
    assert.equal(info.State.Running, true);
    assert.notEqual(info.State.StartedAt, startedBefore, 'Redis was not restarted');
    await waitFor('redis back', async () => (await redisPing(await hostPort(target.name, '6379/tcp'))) === 'pong');
    const observed = await fault.observe?.();
    assert.equal(observed?.mode, 'kill-in-place');
    assert.equal(observed?.restarts, 1, 'the restart policy, not loadctl, restarted it');
  });

  it('kill-in-place without a restart policy: Redis stays down until the undo starts it', async () => {
    const ref = await lab.redis('redis-norestart', [], 'no');
    const [target] = await factory.resolve({ container: ref.name });
    assert.ok(target);
    const fault = factory.create({ kind: 'stop', mode: 'kill-in-place' }, [target], 1000);
    const plan = await fault.plan();
    assert.match(plan.intent, /SIGTERM to PID 1 .*restart policy no/);
    await fault.apply();
    await waitFor('redis to exit', async () => (await inspect(target.name)).State.Status === 'exited');
    await rollback(factory, plan);
    await rollback(factory, plan);
    assert.equal((await inspect(target.name)).State.Running, true);
    await waitFor('redis back', async () => (await redisPing(await hostPort(target.name, '6379/tcp'))) === 'pong');
    assert.deepEqual(await fault.observe?.(), { mode: 'kill-in-place', signal: 'SIGTERM', restarts: 0 });
  });

  it('kill-in-place with SIGKILL is refused before anything is touched (PID 1 never receives it from inside)', async () => {
    const [target] = await factory.resolve({ container: lab.name('redis') });
    assert.ok(target);
    const before = (await inspect(target.name)).State.StartedAt;
    assert.throws(() => factory.create({ kind: 'stop', mode: 'kill-in-place', signal: 'KILL' }, [target], 1000), (error: unknown) =>
      error instanceof UsageError && /cannot use SIGKILL/.test(error.message));
    // What the refusal protects against, on the real kernel: SIGKILL from inside leaves PID 1 alive.
    await docker('exec', target.name, 'kill', '-KILL', '1');
    await new Promise((resolve) => setTimeout(resolve, 300));
    const info = await inspect(target.name);
    assert.equal(info.State.Running, true);
    assert.equal(info.State.StartedAt, before);
  });

  it('kill-in-place on a PID 1 that ignores the signal: one clear line, nothing left changed', async () => {
    const ref = await lab.run('deaf', []);
    const quick = createDockerFaultFactory({ exitWaitMs: 800 });
    const [target] = await quick.resolve({ container: ref.name });
    assert.ok(target);
    const fault = quick.create({ kind: 'stop', mode: 'kill-in-place' }, [target], 1000);
    const plan = await fault.plan();
    await assert.rejects(fault.apply(), (error: unknown) => error instanceof EnvironmentError && /did not exit within 1s of SIGTERM/.test(error.message));
    await rollback(quick, plan);
    assert.equal((await inspect(target.name)).State.Running, true);
  });

  it('pause through the engine: the container does not answer while held, answers after the undo stack unpaused it (replayed: harmless)', async () => {
    const [target] = await factory.resolve({ container: lab.name('redis') });
    assert.ok(target);
    const port = await hostPort(target.name, '6379/tcp');
    const { result, journal } = await throughEngine(factory, { container: target.name }, { kind: 'pause' }, {
      durationMs: 1000,
      during: async () => {
        assert.equal((await inspect(target.name)).State.Paused, true);
        assert.equal(await redisPing(port, 600), 'silent');
      },
    });
    assert.equal(result.status, 'passed', JSON.stringify(result.error));
    assert.deepEqual(result.steps[0]?.undo, [{ kind: 'unpause', container: target }]);
    assert.deepEqual(journal.filter((t) => t !== 'extend'), ['intent', 'done']);
    assert.equal((await inspect(target.name)).State.Paused, false, 'the engine unpaused it');
    assert.equal(await redisPing(port), 'pong');
    await rollback(factory, { intent: '', undo: result.steps[0]!.undo! });
    assert.equal((await inspect(target.name)).State.Paused, false);
  });

  it('refuses to pause a container that is already paused (steady state broken), touching nothing', async () => {
    const [target] = await factory.resolve({ container: lab.name('redis') });
    assert.ok(target);
    const first = factory.create({ kind: 'pause' }, [target], 1000);
    const plan = await first.plan();
    await first.apply();
    try {
      await assert.rejects(factory.create({ kind: 'pause' }, [target], 1000).plan(), /it is paused, not running/);
    } finally {
      await rollback(factory, plan);
    }
  });
});
