// SIGINT in the middle of each fault leaves everything restored, through the
// real CLI against real containers. Each case names the fault, shows it is in
// place mid-hold, interrupts, and checks the container is back as it was.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { pendingIntents, readJournal } from '../../src/chaos/journal.ts';
import { docker, dockerSkipReason, loadctl, project, redisPing, removeContainers, restorable, startRedis, unique, waitFor } from './harness.ts';

const skip = dockerSkipReason();
const created: string[] = [];
after(() => { if (created.length > 0) removeContainers(...created); });

interface Case {
  name: string;
  fault: string;
  /** Extra `docker run` flags for the target. */
  runFlags?: string[];
  /** True while the fault is in place. */
  inPlace(container: string): boolean;
}

const inspect = (name: string, format: string) => docker('inspect', '--format', format, name);

const cases: Case[] = [
  { name: 'stop', fault: '{ kind: stop, mode: stop }', inPlace: (c) => inspect(c, '{{.State.Status}}') === 'exited' },
  { name: 'pause', fault: '{ kind: pause }', inPlace: (c) => inspect(c, '{{.State.Paused}}') === 'true' },
];

for (const c of cases) {
  test(`SIGINT in the middle of ${c.name}: restored exactly, nothing pending`, { skip, timeout: 60_000 }, async () => {
    const r = await startRedis(unique(`lc-e2e-int-${c.name}`));
    created.push(r.name);
    const before = restorable(r.name);
    const yaml = [
      'name: fault', 'description: one fault, interrupted',
      `targets: { t: { container: ${r.name} } }`,
      'steadyState: { probes: [ { type: exec, target: t, command: [redis-cli, ping] } ] }',
      `steps: [ { target: t, fault: ${c.fault}, duration: 60s } ]`,
      'recovery: { target: 10s, interval: 100ms, maxWait: 20s }', '',
    ].join('\n');
    const cwd = project({ fault: yaml });
    const run = loadctl(['chaos', 'fault', '--yes'], { cwd });
    await run.waitForOutput(/injected:/);
    assert.ok(c.inPlace(r.name), `${c.name} is in place mid-hold`);
    run.child.kill('SIGINT');
    assert.equal(await run.done, 4, run.stderr());
    assert.ok(!c.inPlace(r.name), `${c.name} was rolled back`);
    await waitFor('Redis to answer', () => redisPing(r.name), 10_000);
    assert.equal(restorable(r.name), before);
    assert.deepEqual(pendingIntents(readJournal(join(cwd, '.loadctl', 'chaos-journal'))), []);
  });
}
