// `--runners 3 --placement docker` over two real, separate engines with real
// k6 v2.2.0: the Docker engine over tcp://127.0.0.1 and Podman over its own
// API socket (`podman system service` in a temp folder, the k6 image built
// into Podman's store from the same binary). Runners 0 and 2 go to Docker,
// runner 1 to Podman. The counting server listens on the gateway of a
// network this test creates on Docker (an address of this machine, reached
// from both engines' containers). One test reaches Docker over ssh:// through
// a real sshd on 127.0.0.1 instead (test/helpers/sshd.ts).
//
// The tcp endpoint is what scripts/ci/start-docker.sh gives dockerd
// (tcp://127.0.0.1:$LOADCTL_DOCKER_TCP_PORT, 2375). When dockerd was already
// running without it, this test relays a 127.0.0.1 port to the engine's
// socket byte for byte (the engine and its API are the real ones; only the
// listening socket is the relay's), and says so.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync, type ChildProcess } from 'node:child_process';
import { connect, createServer, type AddressInfo, type Server } from 'node:net';
import { rmSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { commandSkip, k6Skip, missing, realK6 } from '../kit/parts.ts';
import { startSshd } from '../helpers/sshd.ts';
import { ensurePodmanImage, podman, podmanSkipReason, startPodmanService } from '../helpers/podman.ts';
import { ensureBuilt } from '../k6-real/harness.ts';
import { docker, dockerSkipReason, freePort, image, unique } from '../chaos-e2e/harness.ts';
import { countingServer, openProject, readJson, sharedIterationsFiles, steadyProfile, steadyScenario, type CountingServer, type Project, type ResultDoc } from './harness.ts';
import { tempDir } from '../kit/temp.ts';

const version = 'v2.2.0' as const;
const runnerImage = `loadctl-k6:${version}`;
const buildScript = join(import.meta.dirname, '..', '..', 'scripts', 'build-k6-image.sh');
const skip = k6Skip(version) || dockerSkipReason('runners over two engines') || await podmanSkipReason('runners over two engines')
  || missing('a working podman', spawnSync('podman', ['info'], { stdio: 'ignore' }).status === 0 ? undefined : '`podman info` fails here; see its error');

/** tcp://127.0.0.1:PORT answering the real dockerd: its own listener, else a relay to its socket. */
async function dockerOverTcp(): Promise<{ url: string; relay?: Server }> {
  const port = Number(process.env.LOADCTL_DOCKER_TCP_PORT ?? 2375);
  if (spawnSync('docker', ['-H', `tcp://127.0.0.1:${port}`, 'version'], { stdio: 'ignore', timeout: 10_000 }).status === 0) return { url: `tcp://127.0.0.1:${port}` };
  const relay = createServer((client) => {
    const engine = connect('/var/run/docker.sock');
    client.pipe(engine).pipe(client);
    client.on('error', () => engine.destroy());
    engine.on('error', () => client.destroy());
  });
  await new Promise<void>((resolve) => relay.listen(0, '127.0.0.1', resolve));
  const url = `tcp://127.0.0.1:${(relay.address() as AddressInfo).port}`;
  console.log(`# dockerd does not listen on tcp://127.0.0.1:${port} (started before scripts/ci/start-docker.sh asked it to): relaying ${url} to its socket`);
  return { url, relay };
}

/** Names of this loadctl's runner containers and networks on an engine (its owner label is host:pid). */
function owned(cli: 'docker' | 'podman', pid: number | undefined): string[] {
  const label = `label=io.loadctl.runner.owner=${hostname()}:${pid}`;
  const ps = spawnSync(cli, ['ps', '-a', '--filter', label, '--format', '{{.Names}}'], { encoding: 'utf8' }).stdout.trim();
  const nets = spawnSync(cli, ['network', 'ls', '--filter', label, '--format', '{{.Name}}'], { encoding: 'utf8' }).stdout.trim();
  return [...ps.split('\n'), ...nets.split('\n')].filter(Boolean);
}

describe('--runners 3 --placement docker over two engines (Docker over tcp://, Podman), real k6 v2.2.0', { skip, timeout: 600_000 }, () => {
  let server: CountingServer;
  let project: Project;
  let network: string;
  let tcp: { url: string; relay?: Server };
  let service: ChildProcess | undefined;
  const dir = tempDir('loadctl-engines-');
  const socket = join(dir, 'podman.sock');
  const podmanUrl = `unix://${socket}`;

  before(async () => {
    ensureBuilt();
    if (spawnSync('docker', ['image', 'inspect', runnerImage], { stdio: 'ignore' }).status !== 0) {
      const built = spawnSync('bash', [buildScript, realK6(version), runnerImage], { encoding: 'utf8' });
      assert.equal(built.status, 0, built.stderr);
    }
    await ensurePodmanImage(image);
    if (!(await podman('image', 'exists', runnerImage).then(() => true, () => false))) {
      const built = spawnSync('bash', [buildScript, realK6(version), runnerImage, image], { encoding: 'utf8', env: { ...process.env, LOADCTL_IMAGE_BUILDER: 'podman' } });
      assert.equal(built.status, 0, built.stderr);
    }
    service = await startPodmanService(socket);
    tcp = await dockerOverTcp();
    network = unique('loadctl-test-engines');
    docker('network', 'create', '--label', 'io.loadctl.test=1', network);
    server = await countingServer(docker('network', 'inspect', network, '-f', '{{(index .IPAM.Config 0).Gateway}}'));
    project = openProject({
      ...sharedIterationsFiles({ vus: 6, iterations: 300 }),
      'scenarios/steady.ts': steadyScenario,
      'profiles/steady.yaml': steadyProfile({ vus: 6, duration: '4s' }),
      'profiles/long.yaml': steadyProfile({ vus: 3, duration: '30s' }),
    });
  });
  after(async () => {
    project?.close();
    await server?.close();
    if (network) spawnSync('docker', ['network', 'rm', network], { stdio: 'ignore' });
    await new Promise((resolve) => (tcp?.relay ? tcp.relay.close(resolve) : resolve(undefined)));
    service?.kill('SIGTERM');
    rmSync(dir, { recursive: true, force: true });
  });
  const args = (engines = `${tcp.url},${podmanUrl}`) => ['--runners', '3', '--placement', 'docker', '--runner-image', runnerImage, '--docker-host', engines,
    '--k6', realK6(version), '--base-url', server.url, '--no-preflight', '--no-typecheck'];

  /** Runs loadctl, noting which of its containers each engine held while the runners were up. */
  async function runSeen(argv: string[]): Promise<{ r: Awaited<ReturnType<Project['loadctl']>>; seen: { docker: string[]; podman: string[] } }> {
    const seen = { docker: [] as string[], podman: [] as string[] };
    let looked = false;
    const r = await project.loadctl(argv, (out) => {
      if (looked || !/released 3 runners/.test(out)) return;
      looked = true;
      const names = /runners started paused \(([^)]*)\)/.exec(out)?.[1] ?? '';
      // Podman's CLI reads the same store its API service serves.
      const mine = (cli: 'docker' | 'podman') => spawnSync(cli, ['ps', '--filter', 'label=io.loadctl.runner', '--format', '{{.Names}}'], { encoding: 'utf8' })
        .stdout.split('\n').filter((n) => n && names.includes(n)).sort();
      seen.docker = mine('docker');
      seen.podman = mine('podman');
    });
    return { r, seen };
  }

  test('each engine runs its share; merged requests are the sum of the runners\' own; nothing left on either engine', async () => {
    server.reset();
    const { r, seen } = await runSeen(['run', 'steady', ...args()]);
    assert.equal(r.code, 0, r.out);
    const doc = readJson<ResultDoc>(join(r.runDir!, 'result.json'));
    assert.deepEqual(doc.runners!.engines, [tcp.url, podmanUrl]);
    assert.deepEqual(doc.runners!.list.map((x) => x.engine), [tcp.url, podmanUrl, tcp.url]);
    // While running: runners 0 and 2 were containers on Docker, runner 1 on Podman.
    assert.deepEqual(seen.docker.map((n) => n.at(-1)), ['0', '2'], JSON.stringify(seen));
    assert.deepEqual(seen.podman.map((n) => n.at(-1)), ['1'], JSON.stringify(seen));
    const own = doc.runners!.list.map((x) => x.requests ?? 0);
    assert.ok(own.every((n) => n > 0), String(own));
    assert.equal(doc.totals.requests, own[0]! + own[1]! + own[2]!);
    assert.deepEqual(own, [server.counts()['0'], server.counts()['1'], server.counts()['2']]);
    // The live feed reached loadctl from both engines' networks: every runner's requests, each in its own series.
    const timeline = readJson<{ series: Record<string, Array<{ requests: number }>> }>(join(r.runDir!, 'timeline.json'));
    assert.deepEqual([0, 1, 2].map((i) => (timeline.series[`runner:${i}`] ?? []).reduce((n, x) => n + x.requests, 0)), own);
    assert.match(r.out, /merged over 3 runners \(docker on 2 engines/);
    assert.match(r.out, new RegExp(`runner 1 \\[1/3:2/3\\] on ${podmanUrl.replace(/[/.]/g, '\\$&')} finished`));
    assert.deepEqual(owned('docker', r.pid), []);
    assert.deepEqual(owned('podman', r.pid), []);
  });

  test('shared-iterations: 300 iterations over 3 runners on 2 engines are exactly 300', async () => {
    server.reset();
    const r = await project.loadctl(['run', 'shared', ...args()]);
    assert.equal(r.code, 0, r.out);
    const doc = readJson<ResultDoc>(join(r.runDir!, 'result.json'));
    assert.equal(doc.totals.iterations, 300);
    const c = server.counts();
    assert.equal((c['0'] ?? 0) + (c['1'] ?? 0) + (c['2'] ?? 0), 300);
    assert.ok((c['1'] ?? 0) > 0 && (c['0'] ?? 0) + (c['2'] ?? 0) > 0, JSON.stringify(c));
    assert.deepEqual(owned('podman', r.pid), []);
  });

  test('Ctrl-C: every runner on both engines stopped, judged on what arrived (exit 4), nothing left on either', async () => {
    let sent = false;
    const r = await project.loadctl(['run', 'long', ...args()], (out, kill) => {
      if (!sent && /released 3 runners/.test(out)) { sent = true; setTimeout(() => kill('SIGINT'), 2500); }
    });
    assert.equal(r.code, 4, r.out);
    const doc = readJson<ResultDoc>(join(r.runDir!, 'result.json'));
    assert.ok(doc.totals.requests > 0);
    assert.deepEqual(owned('docker', r.pid), []);
    assert.deepEqual(owned('podman', r.pid), []);
  });

  test('an engine that does not answer, or lacks the image: exit 3 naming it, before any runner starts; the other engine left clean', async () => {
    const closed = `tcp://127.0.0.1:${await freePort()}`;
    const down = await project.loadctl(['run', 'steady', ...args(`${podmanUrl},${closed}`)]);
    assert.equal(down.code, 3, down.out);
    assert.match(down.out, new RegExp(`the Docker engine at ${closed.replace(/[/.]/g, '\\$&')} did not answer`));
    assert.doesNotMatch(down.out, /runners started|k6 starting/);
    assert.deepEqual(owned('podman', down.pid), [], 'the network made on the first engine was removed');

    const lacking = unique('loadctl-k6-missing');
    const noImage = await project.loadctl(['run', 'steady', ...args().filter((a) => a !== runnerImage).map((a) => (a === '--runner-image' ? `--runner-image=${lacking}:1` : a))]);
    assert.equal(noImage.code, 3, noImage.out);
    assert.match(noImage.out, new RegExp(`image ${lacking}:1 is not on the Docker engine at ${tcp.url.replace(/[/.]/g, '\\$&')}`));
    assert.doesNotMatch(noImage.out, /runners started/);
    assert.deepEqual(owned('docker', noImage.pid), []);
    assert.deepEqual(owned('podman', noImage.pid), []);
  });

  test('--receiver-host that is not an address of this machine: exit 3 naming it, both engines left clean', async () => {
    // 192.0.2.1 is TEST-NET-1: never this machine's; binding to it sends nothing.
    const r = await project.loadctl(['run', 'steady', ...args(), '--receiver-host', '192.0.2.1']);
    assert.equal(r.code, 3, r.out);
    assert.match(r.out, /live-feed receiver cannot listen on 192\.0\.2\.1: EADDRNOTAVAIL/);
    assert.doesNotMatch(r.out, /runners started/);
    assert.deepEqual(owned('docker', r.pid), []);
    assert.deepEqual(owned('podman', r.pid), []);
  });

  test('ssh://: Docker reached through a real sshd on 127.0.0.1 (docker-modem, key in an agent), Podman beside it', { skip: commandSkip('/usr/sbin/sshd', ['-V']) }, async () => {
    const sshd = await startSshd();
    const before = process.env.SSH_AUTH_SOCK;
    process.env.SSH_AUTH_SOCK = sshd.agentSocket; // the loadctl child inherits it
    try {
      server.reset();
      const { r, seen } = await runSeen(['run', 'steady', ...args(`${sshd.url},${podmanUrl}`)]);
      assert.equal(r.code, 0, r.out);
      const doc = readJson<ResultDoc>(join(r.runDir!, 'result.json'));
      assert.deepEqual(doc.runners!.list.map((x) => x.engine), [sshd.url, podmanUrl, sshd.url]);
      assert.deepEqual(seen.docker.map((n) => n.at(-1)), ['0', '2'], JSON.stringify(seen));
      assert.deepEqual(seen.podman.map((n) => n.at(-1)), ['1'], JSON.stringify(seen));
      const own = doc.runners!.list.map((x) => x.requests ?? 0);
      assert.deepEqual(own, [server.counts()['0'], server.counts()['1'], server.counts()['2']]);
      assert.equal(doc.totals.requests, own[0]! + own[1]! + own[2]!);
      assert.deepEqual(owned('docker', r.pid), []);
      assert.deepEqual(owned('podman', r.pid), []);
    } finally {
      if (before === undefined) delete process.env.SSH_AUTH_SOCK; else process.env.SSH_AUTH_SOCK = before;
      await sshd.stop();
    }
  });
});
