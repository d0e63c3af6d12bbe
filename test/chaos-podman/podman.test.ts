// The same fault factory against a Podman socket (`podman system service`):
// loadctl speaks plain Engine API calls, so DOCKER_HOST=unix://<podman socket>
// must work like Docker's. Skips with a reason when podman is not installed,
// fails instead when LOADCTL_REQUIRE_PODMAN=1 (CI installs it).
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { createDockerFaultFactory } from '../../src/chaos/factory.ts';
import { redisPing, rollback, waitFor } from '../chaos-docker/harness.ts';
import { ensurePodmanImage, podman, podmanSkipReason, startPodmanService } from '../helpers/podman.ts';
import { tempDir } from '../kit/temp.ts';

const image = process.env.LOADCTL_TEST_IMAGE ?? 'loadctl-test:1';

const skip = await podmanSkipReason('the Podman tests');

describe('faults through a Podman socket', { skip, timeout: 180_000 }, () => {
  const prefix = `lc-podman-${randomBytes(3).toString('hex')}`;
  const dir = tempDir('loadctl-podman-');
  const socket = join(dir, 'podman.sock');
  const factory = createDockerFaultFactory({ env: { DOCKER_HOST: `unix://${socket}` } });
  const created: string[] = [];
  let service: ChildProcess | undefined;
  let bystanderBefore = '';

  // This sandbox refuses podman's default open-files and process limits; lower ones work.
  async function redis(name: string, labels: string[] = []): Promise<number> {
    const full = `${prefix}-${name}`;
    created.push(full); // before run: a container that was created but failed to start is removed too
    await podman('run', '-d', '--name', full, '--ulimit', 'nofile=4096:4096', '--ulimit', 'nproc=4096:4096', '-p', '127.0.0.1::6379', ...labels,
      image, 'redis-server', '--protected-mode', 'no', '--save', '', '--appendonly', 'no');
    const port = Number(/:(\d+)\s*$/.exec(await podman('port', full, '6379/tcp'))?.[1]);
    await waitFor(`${full} to answer`, async () => (await redisPing(port)) === 'pong');
    return port;
  }
  const inspect = async (name: string) => JSON.parse(await podman('inspect', `${prefix}-${name}`)) as Array<{ State: { Status: string; Running: boolean } }>;

  before(async () => {
    await ensurePodmanImage(image);
    service = await startPodmanService(socket);
    bystanderBefore = JSON.stringify(await (async () => { await redis('bystander'); return inspect('bystander'); })());
  });

  after(async () => {
    try {
      if (bystanderBefore) assert.equal(JSON.stringify(await inspect('bystander')), bystanderBefore, 'the bystander changed');
    } finally {
      if (created.length > 0) await podman('rm', '-f', '-t', '0', ...created).catch(() => '');
      service?.kill('SIGTERM');
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('stop: resolved by compose labels, Redis refuses, the undo starts it again (twice)', async () => {
    const port = await redis('redis', ['--label', `com.docker.compose.project=${prefix}`, '--label', 'com.docker.compose.service=redis']);
    const [target] = await factory.resolve({ project: prefix, service: 'redis' });
    assert.equal(target?.name, `${prefix}-redis`);
    const fault = factory.create({ kind: 'stop', mode: 'stop' }, [target!], 1000);
    const plan = await fault.plan();
    assert.deepEqual(plan.undo, [{ kind: 'start', container: target }]);
    await fault.apply();
    assert.notEqual((await inspect('redis'))[0]?.State.Running, true);
    assert.equal(await redisPing(port), 'refused');
    await rollback(factory, plan);
    await rollback(factory, plan);
    assert.equal((await inspect('redis'))[0]?.State.Running, true);
    await waitFor('redis back', async () => (await redisPing(port)) === 'pong');
  });

  it('pause: Redis goes silent, the undo unpauses it', async () => {
    const port = await redis('paused');
    const [target] = await factory.resolve({ container: `${prefix}-paused` });
    const fault = factory.create({ kind: 'pause' }, [target!], 1000);
    const plan = await fault.plan();
    await fault.apply();
    assert.equal((await inspect('paused'))[0]?.State.Status, 'paused');
    assert.equal(await redisPing(port), 'silent');
    await rollback(factory, plan);
    await rollback(factory, plan);
    await waitFor('redis unpaused', async () => (await redisPing(port)) === 'pong');
  });

  it('a name that is not there lists the near match', async () => {
    await assert.rejects(factory.resolve({ container: `${prefix}-bystandr` }), new RegExp(`did you mean: ${prefix}-bystander`));
  });
});
