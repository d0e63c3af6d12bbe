// Several Docker engines for one run, the deciding parts with literals: the
// --docker-host values, which runner goes to which engine, which endpoints
// are on this machine, the --receiver-host rule, the feed URL each engine's
// runners get, the container limits, and the receiver on several addresses
// at one port (real sockets on 127.0.0.1 and 127.0.0.2).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { assignEngines, checkReceiverHost, isLocalEndpoint, parseDockerHosts, resolveEngines } from '../../../src/runners/engines.ts';
import { runnersFromFlags } from '../../../src/runners/flags.ts';
import { pointFeedAt, runnerUlimits } from '../../../src/runners/docker-engine.ts';
import { dryRunRunnerLines } from '../../../src/runners/placement.ts';
import { startReceiver } from '../../../src/live/receiver.ts';
import { UsageError } from '../../../src/errors.ts';

const env = { PATH: '/usr/bin' };

test('--docker-host: repeatable and comma lists, in order, =W weights; bad entries refused with the flag named', () => {
  assert.deepEqual(parseDockerHosts(['unix:///var/run/docker.sock', 'tcp://127.0.0.1:2375=3, ssh://me@box']), [
    { host: 'unix:///var/run/docker.sock', weight: 1 }, { host: 'tcp://127.0.0.1:2375', weight: 3 }, { host: 'ssh://me@box', weight: 1 },
  ]);
  assert.throws(() => parseDockerHosts(['tcp://a:2375,']), /--docker-host "tcp:\/\/a:2375," has an empty entry/);
  assert.throws(() => parseDockerHosts(['tcp://a:2375=0']), /weight 0 is outside 1\.\.100/);
  assert.throws(() => parseDockerHosts(['tcp://a:2375', 'tcp://a:2375=2']), /--docker-host tcp:\/\/a:2375 is given twice/);
  assert.throws(() => resolveEngines([{ host: 'ftp://x', weight: 1 }], env), (e: Error) => e instanceof UsageError && /^--docker-host "ftp:\/\/x": unknown scheme ftp/.test(e.message));
  assert.throws(() => resolveEngines([{ host: 'tcp://bad host:1', weight: 1 }], env), /--docker-host/);
});

test('runners dealt out: equal weights round-robin, weights in proportion and interleaved', () => {
  assert.deepEqual(assignEngines(5, [1, 1]), [0, 1, 0, 1, 0]);
  assert.deepEqual(assignEngines(3, [1, 1, 1]), [0, 1, 2]);
  assert.deepEqual(assignEngines(6, [2, 1]), [0, 1, 0, 0, 1, 0]);
  const many = assignEngines(60, [3, 1, 2]);
  assert.deepEqual([0, 1, 2].map((e) => many.filter((x) => x === e).length), [30, 10, 20]);
  assert.deepEqual(assignEngines(1, [1, 5]), [1]);
});

test('this machine or another: sockets and loopback are local; other hosts need --receiver-host, refused in one line', () => {
  const [sock, lo, name, remote, ssh] = resolveEngines(['unix:///run/podman/podman.sock', 'tcp://127.0.0.1:2375', 'tcp://localhost:2375', 'tcp://10.0.0.5:2375', 'ssh://me@build-2'].map((host) => ({ host, weight: 1 })), env);
  assert.deepEqual([sock, lo, name, remote, ssh].map((e) => isLocalEndpoint(e!)), [true, true, true, false, false]);
  assert.doesNotThrow(() => checkReceiverHost([sock!, lo!], undefined));
  assert.throws(() => checkReceiverHost([lo!, ssh!], undefined), (e: Error) => e instanceof UsageError
    && /^the Docker engine at ssh:\/\/me@build-2 is on another machine/.test(e.message) && /--receiver-host/.test((e as UsageError).hint ?? ''));
  assert.doesNotThrow(() => checkReceiverHost([lo!, remote!], '10.0.0.9'));
  assert.throws(() => checkReceiverHost([remote!], 'not a host'), /--receiver-host "not a host" is not a host name/);
});

test('flags: --docker-host and --receiver-host only with --placement docker; a remote engine refused before anything connects', () => {
  assert.throws(() => runnersFromFlags({ runners: '2', dockerHost: ['tcp://127.0.0.1:2375'] }, env), /--docker-host only applies with --placement docker/);
  assert.throws(() => runnersFromFlags({ dockerHost: ['tcp://127.0.0.1:2375'] }, env), /--docker-host only applies with --runners/);
  assert.deepEqual(runnersFromFlags({ runners: '2', placement: 'docker', dockerHost: [] }, env), { count: 2, placement: 'docker' });
  assert.throws(() => runnersFromFlags({ runners: '2', placement: 'docker', dockerHost: ['tcp://10.0.0.5:2375'] }, env), /is on another machine/);
  assert.deepEqual(runnersFromFlags({ runners: '3', placement: 'docker', dockerHost: ['tcp://10.0.0.5:2375=2,unix:///s.sock'], receiverHost: '10.0.0.9' }, env), {
    count: 3, placement: 'docker', engines: [{ host: 'tcp://10.0.0.5:2375', weight: 2 }, { host: 'unix:///s.sock', weight: 1 }], receiverHost: '10.0.0.9',
  });
  // DOCKER_HOST pointing at another machine is the same engine as --docker-host would be.
  assert.throws(() => runnersFromFlags({ runners: '2', placement: 'docker' }, { DOCKER_HOST: 'tcp://10.0.0.5:2375' }), /is on another machine/);
});

test('each engine\'s runners push to their own gateway (same port and path), the limits a container gets, --dry-run names the engine', () => {
  const feed = { K6_PROMETHEUS_RW_SERVER_URL: 'http://127.0.0.1:41234/api/v1/write', OTHER: 'x' };
  assert.deepEqual(pointFeedAt(feed, '10.89.0.1'), { K6_PROMETHEUS_RW_SERVER_URL: 'http://10.89.0.1:41234/api/v1/write', OTHER: 'x' });
  assert.equal(pointFeedAt(feed, 'fd00::1').K6_PROMETHEUS_RW_SERVER_URL, 'http://[fd00::1]:41234/api/v1/write');
  assert.deepEqual(pointFeedAt({ OTHER: 'x' }, '10.89.0.1'), { OTHER: 'x' });
  assert.deepEqual(runnerUlimits(undefined, false), [{ Name: 'nofile', Soft: 4096, Hard: 4096 }]);
  assert.deepEqual(runnerUlimits(16_868, true), [{ Name: 'nofile', Soft: 16_868, Hard: 16_868 }, { Name: 'nproc', Soft: 4096, Hard: 4096 }]);
  const lines = dryRunRunnerLines(3, 'docker', [{ host: 'unix:///a.sock', weight: 1 }, { host: 'tcp://127.0.0.1:2375', weight: 1 }]);
  assert.match(lines[1]!, /^ {2}runner 0 \(on unix:\/\/\/a\.sock\): --execution-segment 0:1\/3 /);
  assert.match(lines[2]!, /^ {2}runner 1 \(on tcp:\/\/127\.0\.0\.1:2375\): /);
  assert.match(lines[3]!, /^ {2}runner 2 \(on unix:\/\/\/a\.sock\): /);
});

const post = (url: string) => new Promise<number>((resolve, reject) => {
  const req = request(url, { method: 'POST', agent: false, headers: { 'content-type': 'application/x-protobuf', 'content-encoding': 'snappy' } }, (res) => { res.resume(); resolve(res.statusCode ?? 0); });
  req.on('error', reject);
  req.end();
});

test('the receiver listens on every address at one port; closing it closes them all', async () => {
  const rx = await startReceiver({ host: '127.0.0.1', moreHosts: ['127.0.0.2'] });
  const second = new URL(rx.url);
  second.hostname = '127.0.0.2';
  try {
    // An empty body is refused, but by the receiver: both addresses answer.
    assert.equal(await post(rx.url), 400);
    assert.equal(await post(second.toString()), 400);
  } finally {
    await rx.close();
  }
  await assert.rejects(post(second.toString()), /ECONNREFUSED/);
});
