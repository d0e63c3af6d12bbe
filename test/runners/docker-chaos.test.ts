// `loadctl run --runners 2 --placement docker --chaos` on the real Docker
// engine: real k6 v2.2.0 in two runner containers (image built here from the
// cached binary, no registry) on a labelled network this test makes, the
// sandbox listening on that network's gateway (this machine), its Redis in
// another container of this test, stopped under the merged load. Checks the
// same as the local runners (fault in and out, the phases the merged feed's,
// each runner's share adding up) and that the runner containers are gone.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { PhaseStats } from '../../src/live/phases.ts';
import { realK6 } from '../kit/parts.ts';
import { ensureBuilt } from '../k6-real/harness.ts';
import {
  constantProfile, docker, dockerSkipReason, k6Env, k6Skip, loadctl, project, redisRigs, redisStopExperiment,
} from '../live-run/harness.ts';
import { dockerRunnersRig } from './harness.ts';

const version = 'v2.2.0' as const;
const runnerImage = `loadctl-k6:${version}`;
const skip = dockerSkipReason() || k6Skip(version);
const rigs = redisRigs('lc-dockchaos');
let network = '';
let gateway = '';

before(() => {
  if (skip) return;
  ensureBuilt();
  ({ network, gateway } = dockerRunnersRig('lc-dockchaos-net', runnerImage, realK6(version)));
});
after(async () => {
  await rigs.cleanup();
  if (network) spawnSync('docker', ['network', 'rm', network], { stdio: 'ignore' });
});

describe('--runners 2 --placement docker --chaos, real k6 v2.2.0 in containers', { skip }, () => {
  test('redis stopped under the containers\' merged load: rolled back, phases the sum of the runners\', runner containers removed', { timeout: 150_000 }, async () => {
    const { redis, sandbox } = await rigs.rig('main', 12, gateway);
    const cwd = project({ profiles: { steady: constantProfile(30, 8) }, chaos: { 'redis-stop': redisStopExperiment(redis.name, redis.port, '5s') } });
    const run = loadctl([
      'run', 'steady', '--runners', '2', '--placement', 'docker', '--runner-image', runnerImage, '--runner-network', network,
      '--base-url', sandbox.url, '--chaos', 'redis-stop', '--yes', '--no-typecheck',
    ], { cwd, env: k6Env(version) });
    const code = await run.done;
    assert.equal(code, 0, run.out());
    const dir = join(cwd, /results in (\S+)/.exec(run.out())?.[1] ?? 'none');
    const doc = JSON.parse(readFileSync(join(dir, 'result.json'), 'utf8')) as {
      phases: PhaseStats[]; phasesBySeries: Record<string, PhaseStats[]>; recovery: { verdict: string };
      chaos: { status: string; rollbackComplete: boolean }; runners: { placement: string; count: number };
    };
    assert.equal(docker('inspect', '--format', '{{.Id}} {{.State.Status}}', redis.name), `${redis.id} running`);
    assert.equal(doc.chaos.status, 'passed');
    assert.equal(doc.chaos.rollbackComplete, true);
    assert.deepEqual([doc.runners.placement, doc.runners.count], ['docker', 2]);
    const fault = doc.phases[1]!;
    const shares = ['runner:0', 'runner:1'].map((k) => doc.phasesBySeries[k]?.[1]);
    assert.ok(shares.every((p) => p && p.failures > 0), `each runner container felt the fault: ${JSON.stringify(shares)}`);
    assert.equal(fault.failures, shares.reduce((n, p) => n + p!.failures, 0), 'merged failures = sum over runners');
    assert.equal(fault.requests, shares.reduce((n, p) => n + p!.requests, 0), 'merged requests = sum over runners');
    assert.ok(fault.errorRate > 0.4, JSON.stringify(fault));
    assert.equal(doc.recovery.verdict, 'pass');
    assert.match(run.out(), /phases \(the 2 runners' merged feed\)/);
    assert.match(run.out(), /merged over 2 runners \(docker, released within \d+ ms\)/);
    const left = docker('ps', '-a', '--filter', 'label=io.loadctl.runner', '--filter', `network=${network}`, '--format', '{{.Names}}');
    assert.equal(left, '', 'runner containers removed');
    console.log(`# measured (docker runners): fault ${fault.seconds} s, ${fault.failures} failed of ${fault.requests} (${shares.map((p) => p!.failures).join(' + ')})`);
  });
});
