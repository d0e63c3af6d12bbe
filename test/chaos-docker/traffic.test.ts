// bandwidth (tc tbf), latency and packet-loss (tc netem) against real
// containers: through a helper sharing the target's namespace and through the
// target's own tc, restoring whatever root qdisc was there, removing itself
// after duration + grace (what protects against a kill -9 of loadctl). This
// kernel lacks sch_netem: netem faults must fail with one clear line there,
// and run for real where the kernel has it.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createDockerFaultFactory } from '../../src/chaos/factory.ts';
import { Lab, docker, dockerSkipReason, dockerStatus, inspect, rollback, testImage, throughEngine, waitFor } from './harness.ts';

const skip = await dockerSkipReason();

describe('traffic-control faults on a real engine', { skip }, () => {
  const lab = new Lab();
  const factory = createDockerFaultFactory({ helperImage: testImage, graceMs: 1000 });
  let net = '';
  let receiverIp = '';

  const qdisc = (name: string) => docker('run', '--rm', '--network', `container:${name}`, testImage, 'tc', 'qdisc', 'show', 'dev', 'eth0');
  const helpers = async () => lab.helpers([(await inspect(lab.name('sender'))).Id, (await inspect(lab.name('sender-admin'))).Id]);
  /** Milliseconds to send 128 KiB from `from` to the receiver, timed inside the sender. */
  async function transferMs(from: string): Promise<number> {
    const script = `s=$(date +%s%N); head -c 131072 /dev/zero | nc -N ${receiverIp} 9000; e=$(date +%s%N); echo $(( (e - s) / 1000000 ))`;
    return Number(await docker('exec', from, 'sh', '-c', script));
  }

  before(async () => {
    net = await lab.network('net');
    await lab.run('receiver', ['--network', net], ['sh', '-c', 'while :; do nc -l -d 9000 >/dev/null; done']);
    await lab.run('sender', ['--network', net]);
    await lab.run('sender-admin', ['--network', net, '--cap-add', 'NET_ADMIN']);
    await lab.run('bystander', ['--network', net, '--memory', '64m']);
    receiverIp = (await inspect(lab.name('receiver'))).NetworkSettings.Networks[net].IPAddress;
    await waitFor('the receiver', async () => (await dockerStatus('exec', lab.name('sender'), 'sh', '-c', `nc -z ${receiverIp} 9000`)).code === 0);
    await lab.watchBystander('bystander');
  });

  after(async () => {
    try {
      // The root qdisc lives in the kernel, not in the inspect output cleanup() compares.
      assert.match(await qdisc(lab.name('bystander')), /^qdisc noqueue 0: root/);
    } finally {
      await lab.cleanup();
    }
  });

  it('bandwidth via a helper, through the engine: tbf at exactly the rate asked slows a transfer; the undo stack restores the default qdisc and removes the helper', async () => {
    const [target] = await factory.resolve({ container: lab.name('sender') });
    assert.ok(target);
    const baseline = await transferMs(target.name);
    let slowed = 0;
    const { result, journal } = await throughEngine(factory, { container: target.name }, { kind: 'bandwidth', rate: '512kbit' }, {
      during: async () => {
        // Read back from the kernel: the qdisc tc installed, with the rate asked for.
        assert.match(await qdisc(target.name), /^qdisc tbf \S+ root refcnt \d+ rate 512Kbit burst /);
        assert.equal((await helpers()).length, 1, 'one helper holds the fault');
        slowed = await transferMs(target.name);
      },
    });
    assert.equal(result.status, 'passed', JSON.stringify(result.error));
    assert.deepEqual(result.steps[0]?.undo?.map((u) => u.kind), ['remove-container', 'tc-restore']);
    assert.match(result.steps[0]?.intent ?? '', /helper from loadctl-test:1.*root tbf rate 512kbit /);
    assert.deepEqual(result.events.filter((e) => e.type === 'undo').map((e) => (e as { spec: { kind: string } }).spec.kind), ['tc-restore', 'remove-container'], 'newest first');
    assert.deepEqual(journal.filter((t) => t !== 'extend'), ['intent', 'done']);
    assert.ok(slowed > 1200 && slowed > baseline * 5, `tbf did not slow the transfer: ${baseline}ms -> ${slowed}ms`);
    assert.match(await qdisc(target.name), /^qdisc noqueue 0: root/);
    assert.deepEqual(await helpers(), []);
    const restored = await transferMs(target.name);
    assert.ok(restored < 1000, `still slow after rollback: ${restored}ms`);
  });

  it('bandwidth with the target\'s own tc (NET_ADMIN): restores the tbf that was there before, exactly', async () => {
    const [target] = await factory.resolve({ container: lab.name('sender-admin') });
    assert.ok(target);
    const qdisc = (name: string) => docker('exec', name, 'tc', 'qdisc', 'show', 'dev', 'eth0');
    await docker('exec', target.name, 'tc', 'qdisc', 'replace', 'dev', 'eth0', 'root', 'handle', '8001:', 'tbf', 'rate', '50mbit', 'burst', '64kb', 'latency', '50ms');
    const original = await qdisc(target.name);
    const fault = factory.create({ kind: 'bandwidth', rate: '1mbit' }, [target], 30_000);
    const plan = await fault.plan();
    assert.match(plan.intent, /its own tc/);
    await fault.apply();
    assert.match(await qdisc(target.name), /rate 1Mbit/);
    await rollback(factory, plan);
    await rollback(factory, plan);
    assert.equal(await qdisc(target.name), original);
    assert.equal((await dockerStatus('exec', target.name, 'sh', '-c', 'ls /tmp/loadctl-tc-*.pid')).code, 2, 'the sleeper pid file was left');
    await docker('exec', target.name, 'tc', 'qdisc', 'del', 'dev', 'eth0', 'root');
  });

  it('a fault left behind (loadctl killed) removes itself after duration + grace', async () => {
    const [target] = await factory.resolve({ container: lab.name('sender') });
    assert.ok(target);
    const fault = factory.create({ kind: 'bandwidth', rate: '1mbit' }, [target], 1000);
    await fault.plan();
    await fault.apply();
    assert.match(await qdisc(target.name), /^qdisc tbf/);
    // No undo at all: the helper's own timer (1 s + 1 s grace) must put things back.
    await waitFor('self-restore', async () => /^qdisc noqueue 0: root/.test(await qdisc(target.name)) && (await helpers()).length === 0);
  });

  it('netem through the engine: the exact tc command reaches the container; read back where the kernel has sch_netem, else one clear line and nothing changed', async () => {
    // A target with its own tc (NET_ADMIN), wrapped so every tc call is logged
    // before the real one runs: the command loadctl sent, whatever the kernel did with it.
    const shim = await lab.run('sender-netem', ['--network', net, '--cap-add', 'NET_ADMIN']);
    const wrapper = ['#!/bin/sh', 'echo "$*" >> /tmp/tc.log', 'exec /usr/sbin/tc "$@"', ''].join('\n');
    await docker('exec', shim.name, 'sh', '-c', `cat > /usr/local/sbin/tc <<'EOF'\n${wrapper}EOF\nchmod 755 /usr/local/sbin/tc`);
    const ownQdisc = () => docker('exec', shim.name, '/usr/sbin/tc', 'qdisc', 'show', 'dev', 'eth0');
    const calls = async () => (await docker('exec', shim.name, 'sh', '-c', 'cat /tmp/tc.log; : > /tmp/tc.log')).split('\n').filter((l) => l.startsWith('qdisc replace'));
    const probe = await dockerStatus('run', '--rm', '--cap-add', 'NET_ADMIN', '--network', 'none', testImage, 'tc', 'qdisc', 'add', 'dev', 'lo', 'root', 'netem', 'delay', '1ms');
    const hasNetem = probe.code === 0;
    if (!hasNetem) console.log(`# this kernel has no sch_netem (${probe.stderr}); checking the command sent and the clean error`);
    const rtt = async () => Number(/time=([\d.]+) ms/.exec(await docker('exec', shim.name, 'ping', '-c', '1', '-W', '3', receiverIp))?.[1]);
    const cases = [
      { fault: { kind: 'latency' as const, delayMs: 300 }, args: 'netem delay 300ms', shown: /^qdisc netem \S+ root .*delay 300ms/,
        felt: async () => assert.ok((await rtt()) >= 290, 'no latency added') },
      { fault: { kind: 'packet-loss' as const, percent: 100 }, args: 'netem loss 100%', shown: /^qdisc netem \S+ root .*loss 100%/,
        felt: async () => assert.notEqual((await dockerStatus('exec', shim.name, 'ping', '-c', '1', '-W', '1', receiverIp)).code, 0, 'packets still pass') },
    ];
    for (const c of cases) {
      const { result, journal } = await throughEngine(factory, { container: shim.name }, c.fault, {
        during: async () => { assert.match(await ownQdisc(), c.shown); await c.felt(); },
      });
      assert.ok(result.steps[0]?.intent?.includes(`its own tc) with \`tc qdisc replace ... root ${c.args}\``), result.steps[0]?.intent);
      assert.deepEqual(await calls(), [`qdisc replace dev eth0 root ${c.args}`], 'exactly this command was sent');
      assert.deepEqual(journal.filter((t) => t !== 'extend').at(-1), 'done');
      if (hasNetem) {
        assert.equal(result.status, 'passed', JSON.stringify(result.error));
      } else {
        assert.equal(result.status, 'error');
        assert.match(result.error?.message ?? '', /kernel has no sch_netem/);
        assert.doesNotMatch(result.error?.message ?? '', /\n/, 'one line');
        assert.deepEqual(result.rollbackFailures, []);
      }
      assert.match(await ownQdisc(), /^qdisc noqueue 0: root/, 'put back');
    }
    if (hasNetem) assert.ok((await rtt()) < 100, 'latency left behind');
    assert.equal((await dockerStatus('exec', shim.name, 'ping', '-c', '1', '-W', '2', receiverIp)).code, 0);
  });

  it('a helper image that is not on the engine and cannot be pulled is one clear line before anything changes', async () => {
    const targets = await factory.resolve({ container: lab.name('sender') });
    const fault = factory.create({ kind: 'bandwidth', rate: '1mbit', helperImage: 'loadctl-no-such-image:0' }, targets, 1000);
    await assert.rejects(fault.plan(), /cannot run tc itself, and the tc helper image is not available: cannot pull image loadctl-no-such-image:0/);
  });
});
