// `loadctl run --runners 2 --placement docker` on the real Docker engine with
// real k6 v2.2.0 in an image built here from the cached binary
// (scripts/build-k6-image.sh, FROM loadctl-test:1; no registry). The test
// makes its own labelled network and runs its counting server on that
// network's gateway (this machine), so every request stays on this machine;
// loadctl's receiver listens there too. Same checks as local runners.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { k6Skip, realK6 } from '../kit/parts.ts';
import { ensureBuilt } from '../k6-real/harness.ts';
import { docker, dockerSkipReason, image, unique } from '../chaos-e2e/harness.ts';
import { hostname } from 'node:os';
import { countingServer, dockerRunnersRig, openProject, readJson, sharedIterationsFiles, steadyProfile, steadyScenario, type CountingServer, type Project, type ResultDoc } from './harness.ts';

const version = 'v2.2.0' as const;
const runnerImage = `loadctl-k6:${version}`;
const skip = k6Skip(version) || dockerSkipReason('docker runners tests');

describe('--runners 2 --placement docker, real k6 v2.2.0 in containers', { skip }, () => {
  let server: CountingServer;
  let project: Project;
  let network: string;
  before(async () => {
    ensureBuilt();
    const rig = dockerRunnersRig('loadctl-test-runners', runnerImage, realK6(version));
    network = rig.network;
    const gateway = rig.gateway;
    server = await countingServer(gateway);
    project = openProject({
      ...sharedIterationsFiles({ vus: 4, iterations: 300 }),
      'scenarios/steady.ts': steadyScenario,
      'profiles/steady.yaml': steadyProfile({ vus: 4, duration: '4s' }),
      'profiles/slow.yaml': steadyProfile({ vus: 8, duration: '4s', env: '{ BASE_MS: "100", STEP_MS: "25" }' }),
      'profiles/long.yaml': steadyProfile({ vus: 2, duration: '30s' }),
    });
  });
  after(async () => {
    project?.close();
    await server?.close();
    if (network) spawnSync('docker', ['network', 'rm', network], { stdio: 'ignore' });
  });
  const args = () => ['--runners', '2', '--placement', 'docker', '--runner-image', runnerImage, '--runner-network', network, '--k6', realK6(version), '--base-url', server.url, '--no-preflight', '--no-typecheck'];
  const leftovers = () => docker('ps', '-a', '--filter', 'label=io.loadctl.runner', '--filter', `network=${network}`, '--format', '{{.Names}}');

  test('merged requests are the sum of the runners\' own; first requests within 100 ms; containers removed', async () => {
    server.reset();
    const r = await project.loadctl(['run', 'steady', ...args()]);
    assert.equal(r.code, 0, r.out);
    const doc = readJson<ResultDoc>(join(r.runDir!, 'result.json'));
    assert.equal(doc.runners!.placement, 'docker');
    // Each container's samples file copied back: the exact merge, not the histograms'.
    assert.equal(doc.runners!.merge.percentiles, 'samples');
    assert.equal(doc.runners!.merge.relativeError, 0.001);
    const own = doc.runners!.list.map((x) => x.requests ?? 0);
    assert.ok(own.every((n) => n > 0), String(own));
    assert.equal(doc.totals.requests, own[0]! + own[1]!);
    assert.deepEqual(own, [server.counts()['0'], server.counts()['1']]);
    const first = Object.values(server.first());
    assert.ok(Math.max(...first) - Math.min(...first) <= 100, JSON.stringify(server.first()));
    assert.equal(leftovers(), '', 'no runner container left');
  });

  test('shared-iterations: 300 iterations over 2 containers are exactly 300', async () => {
    server.reset();
    const r = await project.loadctl(['run', 'shared', ...args()]);
    assert.equal(r.code, 0, r.out);
    const doc = readJson<ResultDoc>(join(r.runDir!, 'result.json'));
    assert.equal(doc.totals.iterations, 300);
    assert.equal((server.counts()['0'] ?? 0) + (server.counts()['1'] ?? 0), 300);
  });

  test('merged p95 and p99 within one histogram bucket of one local k6 on the same load', async () => {
    const m = await project.loadctl(['run', 'slow', ...args()]);
    assert.equal(m.code, 0, m.out);
    const merged = readJson<ResultDoc>(join(m.runDir!, 'result.json'));
    const s = await project.loadctl(['run', 'slow', '--k6', realK6(version), '--base-url', server.url, '--no-preflight', '--no-typecheck']);
    assert.equal(s.code, 0, s.out);
    const single = readJson<ResultDoc>(join(s.runDir!, 'result.json'));
    // Separate runs: timer noise, not the merge, dominates; the old bucket width is the bound kept here.
    const width = 0.0905;
    for (const p of ['p95', 'p99']) {
      const a = merged.totals.httpReqDuration[p]!;
      const b = single.totals.httpReqDuration[p]!;
      assert.ok(Math.abs(a - b) <= b * width + 5, `${p}: merged ${a.toFixed(1)} vs one k6 ${b.toFixed(1)} (bucket ${(width * 100).toFixed(1)} %)`);
    }
  });

  test('a runner container killed mid-run: not green, named, the other stopped and every container removed', async () => {
    let killed = false;
    const r = await project.loadctl(['run', 'long', ...args()], (out) => {
      const m = /runners started paused \(container (\S+), container (\S+)\)/.exec(out);
      if (!killed && m && /released 2 runners/.test(out)) {
        killed = true;
        setTimeout(() => spawnSync('docker', ['kill', m[2]!], { stdio: 'ignore' }), 2500);
      }
    });
    assert.ok(killed, r.out);
    assert.equal(r.code, 1, r.out);
    const doc = readJson<ResultDoc>(join(r.runDir!, 'result.json'));
    assert.match(doc.reason, /runner 1 \(container loadctl-runner-\S+-1\) ended before the test did: k6 was killed by SIGKILL/);
    assert.equal(doc.runners!.list[1]!.end, 'died');
    assert.equal(doc.runners!.list[0]!.end, 'stopped');
    assert.equal(leftovers(), '');
  });

  test('Ctrl-C stops both containers, teardown still runs, judged on what arrived (exit 4), nothing left', async () => {
    let sent = false;
    const r = await project.loadctl(['run', 'long', ...args()], (out, kill) => {
      if (!sent && /released 2 runners/.test(out)) { sent = true; setTimeout(() => kill('SIGINT'), 2500); }
    });
    assert.equal(r.code, 4, r.out);
    const doc = readJson<ResultDoc>(join(r.runDir!, 'result.json'));
    assert.equal(doc.status, 'interrupted');
    assert.ok(doc.totals.requests > 0);
    assert.deepEqual(doc.runners!.teardown, { ok: true });
    assert.equal(leftovers(), '');
  });

  test('a run removes runner containers a killed loadctl left lingering on this machine, and only those', async () => {
    const dead = spawnSync('true').pid!;
    const mk = (name: string, ownerPid: number) => docker('run', '-d', '--name', name, '--label', 'io.loadctl.test=1', '--label', 'io.loadctl.runner=leftover-test',
      '--label', `io.loadctl.runner.owner=${hostname()}:${ownerPid}`, image, 'sleep', '300');
    const leftover = unique('loadctl-test-leftover');
    const alive = unique('loadctl-test-alive-owner');
    mk(leftover, dead);
    mk(alive, process.pid);
    try {
      const r = await project.loadctl(['run', 'steady', ...args()]);
      assert.equal(r.code, 0, r.out);
      const names = docker('ps', '-a', '--filter', 'label=io.loadctl.runner=leftover-test', '--format', '{{.Names}}').split('\n');
      assert.ok(!names.includes(leftover), 'the dead loadctl\'s runner was removed');
      assert.ok(names.includes(alive), 'a live loadctl\'s runner was left alone');
    } finally {
      spawnSync('docker', ['rm', '-f', leftover, alive], { stdio: 'ignore' });
    }
  });
});
