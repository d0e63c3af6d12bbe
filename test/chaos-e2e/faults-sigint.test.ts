// SIGINT in the middle of each fault leaves everything restored, through the
// real CLI against real containers. Each case names the fault, shows it is in
// place mid-hold, interrupts, and checks the container is back as it was
// (state, limits, networks and aliases).
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { pendingIntents, readJournal } from '../../src/chaos/journal.ts';
import { docker, dockerSkipReason, loadctl, project, redisPing, removeContainers, restorable, startRedis, unique, waitFor } from './harness.ts';

const skip = dockerSkipReason();
const created: string[] = [];
const networks: string[] = [];
after(() => {
  if (created.length > 0) removeContainers(...created);
  for (const n of networks) docker('network', 'rm', n);
});

interface Case {
  name: string;
  /** Runs before the target exists: returns its extra `docker run` flags and the fault's YAML. */
  setup(): { flags: string[]; fault: string };
  /** True while the fault is in place. */
  inPlace(container: string): boolean;
}

const inspect = (name: string, format: string) => docker('inspect', '--format', format, name);

const cases: Case[] = [
  { name: 'stop', setup: () => ({ flags: [], fault: '{ kind: stop, mode: stop }' }), inPlace: (c) => inspect(c, '{{.State.Status}}') === 'exited' },
  { name: 'pause', setup: () => ({ flags: [], fault: '{ kind: pause }' }), inPlace: (c) => inspect(c, '{{.State.Paused}}') === 'true' },
  {
    name: 'network-disconnect',
    setup: () => {
      const net = unique('lc-e2e-net');
      docker('network', 'create', '--label', 'io.loadctl.test=1', net);
      networks.push(net);
      return { flags: ['--network', net, '--network-alias', 'cache', '--network-alias', 'redis-primary'], fault: `{ kind: network-disconnect, network: ${net} }` };
    },
    inPlace: (c) => !inspect(c, '{{json .NetworkSettings.Networks}}').includes('lc-e2e-net'),
  },
  {
    name: 'memory-limit',
    setup: () => ({ flags: ['--memory', '256m', '--memory-swap', '512m'], fault: '{ kind: memory-limit, memory: 64m }' }),
    inPlace: (c) => inspect(c, '{{.HostConfig.Memory}}') === String(64 * 1024 * 1024),
  },
  {
    name: 'bandwidth',
    setup: () => ({ flags: [], fault: '{ kind: bandwidth, rate: 256kbit }' }),
    inPlace: (c) => docker('exec', c, 'tc', 'qdisc', 'show', 'dev', 'eth0').includes('tbf'),
  },
];

/** tc helper containers loadctl started for this target (named loadctl-tc-<id>-...). */
const helpersOf = (id: string) => docker('ps', '-a', '--format', '{{.Names}}').split('\n').filter((n) => n.startsWith(`loadctl-tc-${id.slice(0, 12)}`));

for (const c of cases) {
  test(`SIGINT in the middle of ${c.name}: restored exactly, nothing pending`, { skip, timeout: 60_000 }, async () => {
    const { flags, fault } = c.setup();
    const r = await startRedis(unique(`lc-e2e-int-${c.name}`), { flags });
    created.push(r.name);
    const before = restorable(r.name);
    const yaml = [
      'name: fault', 'description: one fault, interrupted',
      `targets: { t: { container: ${r.name} } }`,
      'steadyState: { probes: [ { type: exec, target: t, command: [redis-cli, ping] } ] }',
      `steps: [ { target: t, fault: ${fault}, duration: 60s } ]`,
      'recovery: { target: 10s, interval: 100ms, maxWait: 20s }', '',
    ].join('\n');
    const cwd = project({ fault: yaml });
    const run = loadctl(['chaos', 'fault', '--yes'], { cwd });
    await run.waitForOutput(/injected:|loadctl: /);
    assert.ok(c.inPlace(r.name), `${c.name} is in place mid-hold\n${run.stdout()}${run.stderr()}`);
    run.child.kill('SIGINT');
    assert.equal(await run.done, 4, run.stderr());
    assert.ok(!c.inPlace(r.name), `${c.name} was rolled back`);
    await waitFor('Redis to answer', () => redisPing(r.name), 60_000);
    assert.equal(restorable(r.name), before);
    assert.deepEqual(helpersOf(r.id), [], 'no helper container left behind');
    assert.deepEqual(pendingIntents(readJournal(join(cwd, '.loadctl', 'chaos-journal'))), []);
  });
}
