// db-deadlocks, network-disconnect and memory-limit against real containers,
// each applied, observed, rolled back (twice) and observed healthy again; a
// bystander on the same network and project must come out unchanged.
import assert from 'node:assert/strict';
import { randomInt } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { createDockerFaultFactory } from '../../src/chaos/factory.ts';
import { UsageError } from '../../src/errors.ts';
import { Lab, docker, dockerSkipReason, dockerStatus, fingerprint, hostPort, inspect, redisPing, rollback, throughEngine, waitFor } from './harness.ts';

const skip = await dockerSkipReason();
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const mb = 1024 * 1024;

describe('db-deadlocks, network-disconnect and memory-limit on a real engine', { skip }, () => {
  const lab = new Lab();
  const factory = createDockerFaultFactory();
  const subnet = `10.213.${randomInt(1, 250)}`;
  let net = '';

  before(async () => {
    net = lab.name('net');
    await docker('network', 'create', '--label', `io.loadctl.test.run=${lab.prefix}`, '--subnet', `${subnet}.0/24`, net);
    lab.adoptNetwork(net);
    const project = ['--label', `com.docker.compose.project=${lab.prefix}`];
    await lab.run('alpha', [...project, '--network', net, '--network-alias', 'alpha', '--ip', `${subnet}.10`]);
    await lab.run('beta', [...project, '--network', net, '--network-alias', 'beta']);
    await lab.run('bystander', [...project, '--network', net, '--network-alias', 'innocent', '--memory', '128m']);
    await lab.redis('redis', ['--memory', '256m', '--memory-reservation', '200m']);
    await lab.redis('redis-noswap', ['--memory', '256m', '--memory-swap', '-1']);
    await lab.run('unlimited', []);
    await lab.postgres('pg');
    await lab.watchBystander('bystander');
  });

  after(() => lab.cleanup());

  const pingable = async (from: string, to: string) => (await dockerStatus('exec', from, 'ping', '-c', '1', '-W', '1', to)).code === 0;

  it('network-disconnect: the partitioned container cannot reach its peer; reconnected with alias and static IP intact', async () => {
    const [target] = await factory.resolve({ container: lab.name('alpha') });
    assert.ok(target);
    const endpointBefore = (await inspect(target.name)).NetworkSettings.Networks[net];
    assert.equal(await pingable(lab.name('beta'), 'alpha'), true);
    const fault = factory.create({ kind: 'network-disconnect', network: net }, [target], 1000);
    const plan = await fault.plan();
    const [undo] = plan.undo;
    assert.ok(undo?.kind === 'connect');
    assert.ok(undo.aliases.includes('alpha'));
    assert.equal(undo.ipv4, `${subnet}.10`);
    const betaIp = (await inspect(lab.name('beta'))).NetworkSettings.Networks[net].IPAddress as string;
    await fault.apply();
    assert.equal((await inspect(target.name)).NetworkSettings.Networks[net], undefined);
    // By address while partitioned: a name Docker's DNS no longer knows would be forwarded upstream.
    assert.equal(await pingable(target.name, betaIp), false, 'alpha still reaches beta');
    assert.equal(await pingable(lab.name('beta'), `${subnet}.10`), false, 'beta still reaches alpha');
    await rollback(factory, plan);
    await rollback(factory, plan);
    const endpointAfter = (await inspect(target.name)).NetworkSettings.Networks[net];
    assert.deepEqual(new Set(endpointAfter.Aliases), new Set(endpointBefore.Aliases));
    assert.equal(endpointAfter.IPAddress, `${subnet}.10`);
    assert.equal(await pingable(lab.name('beta'), 'alpha'), true);
    assert.equal(await pingable(target.name, 'beta'), true);
  });

  it('network-disconnect: a network the container is not on is a usage error naming the ones it is on', async () => {
    const targets = await factory.resolve({ container: lab.name('alpha') });
    await assert.rejects(factory.create({ kind: 'network-disconnect', network: 'nope' }, targets, 1000).plan(), (error: unknown) =>
      error instanceof UsageError && error.message.includes(`it is on: ${net}`));
  });

  it('memory-limit with a stressor, through the engine: the limit reads back lower, the kernel OOM-kills, the exact limits come back', async () => {
    const [target] = await factory.resolve({ container: lab.name('redis') });
    assert.ok(target);
    const hostBefore = (await inspect(target.name)).HostConfig;
    // cgroup v2 memory.events or v1 memory.oom_control: both carry "oom_kill N".
    const oomKills = async () => Number(/oom_kill (\d+)/.exec((await dockerStatus('exec', target.name, 'sh', '-c',
      'cat /sys/fs/cgroup/memory.events 2>/dev/null || cat /sys/fs/cgroup/memory/memory.oom_control')).stdout)?.[1] ?? NaN);
    const killsBefore = await oomKills();
    const { result, journal } = await throughEngine(factory, { container: target.name }, { kind: 'memory-limit', memory: '64m', stress: { bytes: '160m' } }, {
      durationMs: 3000,
      during: async () => {
        assert.equal((await inspect(target.name)).HostConfig.Memory, 64 * mb);
        assert.equal(await docker('exec', target.name, 'cat', '/sys/fs/cgroup/memory/memory.limit_in_bytes').catch(() => docker('exec', target.name, 'cat', '/sys/fs/cgroup/memory.max')), String(64 * mb));
        await waitFor('an OOM kill', async () => (await oomKills()) > killsBefore);
      },
    });
    assert.equal(result.status, 'passed', JSON.stringify(result.error));
    assert.deepEqual(result.steps[0]?.undo?.[0], { kind: 'update-resources', container: target, memory: 256 * mb, memorySwap: 512 * mb, memoryReservation: 200 * mb });
    assert.deepEqual(journal.filter((t) => t !== 'extend'), ['intent', 'done']);
    const hostAfter = (await inspect(target.name)).HostConfig;
    assert.deepEqual([hostAfter.Memory, hostAfter.MemorySwap, hostAfter.MemoryReservation], [hostBefore.Memory, hostBefore.MemorySwap, hostBefore.MemoryReservation]);
    assert.equal((await dockerStatus('exec', target.name, 'sh', '-c', 'pgrep stress-ng')).code, 1, 'the stressor still runs');
    assert.equal(await redisPing(await hostPort(target.name, '6379/tcp')), 'pong');
    assert.ok(Number(result.steps[0]?.observations?.oomKills) >= 1, JSON.stringify(result.steps[0]?.observations));
    await rollback(factory, { intent: '', undo: result.steps[0]!.undo! });
    assert.equal((await inspect(target.name)).HostConfig.Memory, hostBefore.Memory, 'replayed undo: harmless');
  });

  it('memory-limit: unlimited swap (-1) is restored too, and a container with no limit is refused untouched', async () => {
    const [target] = await factory.resolve({ container: lab.name('redis-noswap') });
    assert.ok(target);
    const fault = factory.create({ kind: 'memory-limit', memory: '32m' }, [target], 1000);
    const plan = await fault.plan();
    await fault.apply();
    assert.deepEqual([(await inspect(target.name)).HostConfig.Memory, (await inspect(target.name)).HostConfig.MemorySwap], [32 * mb, 32 * mb]);
    await rollback(factory, plan);
    const host = (await inspect(target.name)).HostConfig;
    assert.deepEqual([host.Memory, host.MemorySwap], [256 * mb, -1]);

    const unlimited = await factory.resolve({ container: lab.name('unlimited') });
    const before = await fingerprint(lab.name('unlimited'));
    await assert.rejects(factory.create({ kind: 'memory-limit', memory: '32m' }, unlimited, 1000).plan(), /has no memory limit/);
    assert.equal(await fingerprint(lab.name('unlimited')), before);
  });

  it('db-deadlocks: PostgreSQL counts deadlocks; the undo stops the workers, their sessions and the table (twice)', async () => {
    const [target] = await factory.resolve({ container: lab.name('pg') });
    assert.ok(target);
    const fault = factory.create({ kind: 'db-deadlocks', database: 'postgres', user: 'postgres' }, [target], 2500);
    const plan = await fault.plan();
    await fault.apply();
    const sessions = () => docker('exec', target.name, 'psql', '-X', '-A', '-t', '-U', 'postgres', '-c', "SELECT count(*) FROM pg_stat_activity WHERE application_name LIKE 'loadctl-deadlock-%'");
    await waitFor('worker sessions', async () => Number(await sessions()) > 0);
    await sleep(1500);
    await rollback(factory, plan);
    await rollback(factory, plan);
    const observed = await fault.observe?.();
    assert.ok(Number(observed?.deadlocks) >= 1, `PostgreSQL counted ${observed?.deadlocks} deadlocks`);
    await waitFor('sessions to end', async () => Number(await sessions()) === 0);
    const tables = await docker('exec', target.name, 'psql', '-X', '-A', '-t', '-U', 'postgres', '-c', "SELECT count(*) FROM pg_tables WHERE tablename LIKE 'loadctl_chaos_deadlock_%'");
    assert.equal(tables, '0');
    assert.equal((await dockerStatus('exec', target.name, 'pgrep', '-f', 'loadctl_chaos_deadlock')).code, 1, 'a worker still runs');
  });

  it('db-deadlocks: a database that does not exist is one clear line, nothing left behind', async () => {
    const targets = await factory.resolve({ container: lab.name('pg') });
    const fault = factory.create({ kind: 'db-deadlocks', database: 'nosuchdb', user: 'postgres' }, targets, 1000);
    await assert.rejects(fault.plan(), /psql in .* failed: .*nosuchdb/);
  });
});
