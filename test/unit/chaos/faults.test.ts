// The pure parts of the Docker side: endpoint choice, error mapping, target
// selection with near matches, qdisc parsing and restore commands, sizes,
// rates, signals and the scripts run inside containers. No engine needed.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { resolveEndpoint } from '../../../src/docker/endpoint.ts';
import { ContainerGoneError, mapDockerError } from '../../../src/docker/errors.ts';
import { parseBytes, formatBytes, shellQuote } from '../../../src/chaos/faults/common.ts';
import { driverScript, stopScript } from '../../../src/chaos/faults/deadlocks.ts';
import { parseOomKills } from '../../../src/chaos/faults/memory.ts';
import { findNetwork } from '../../../src/chaos/faults/network.ts';
import { netemDelayArgs, netemLossArgs, parseQdiscShow, restoreCommands, tbfArgs, tcFailure } from '../../../src/chaos/faults/qdisc.ts';
import { normalizeSignal } from '../../../src/chaos/faults/stop.ts';
import { editDistance, nearMatches, selectTargets, type ListedContainer } from '../../../src/chaos/targets.ts';
import { isAlreadyDefault, restoreScript } from '../../../src/chaos/undo.ts';
import { EnvironmentError, UsageError } from '../../../src/errors.ts';

describe('resolveEndpoint', () => {
  it('prefers DOCKER_HOST, then the Docker socket, then a Podman socket', () => {
    assert.deepEqual(resolveEndpoint({ DOCKER_HOST: 'unix:///run/user/1000/podman/podman.sock' }).display, 'unix:///run/user/1000/podman/podman.sock');
    assert.equal(resolveEndpoint({}, (p) => p === '/var/run/docker.sock').display, 'unix:///var/run/docker.sock');
    assert.equal(resolveEndpoint({ XDG_RUNTIME_DIR: '/run/user/7' }, (p) => p === '/run/user/7/podman/podman.sock').display, 'unix:///run/user/7/podman/podman.sock');
    const tcp = resolveEndpoint({ DOCKER_HOST: 'tcp://10.0.0.5:2375' });
    assert.deepEqual([tcp.options.host, tcp.options.port, tcp.options.protocol, tcp.options.socketPath], ['10.0.0.5', '2375', 'http', undefined]);
    assert.equal(resolveEndpoint({ DOCKER_HOST: 'ssh://me@box' }).options.protocol, 'ssh');
    assert.throws(() => resolveEndpoint({ DOCKER_HOST: 'tcp://[nope' }), UsageError);
  });
});

describe('mapDockerError', () => {
  const ctx = { endpoint: 'unix:///var/run/docker.sock', what: 'pause' };
  const ref = { id: 'a'.repeat(64), name: 'redis' };
  it('maps transport codes and daemon answers to one line each', () => {
    assert.match(mapDockerError(Object.assign(new Error('x'), { code: 'EACCES' }), ctx).message, /^permission denied on the Docker socket/);
    assert.match(mapDockerError(Object.assign(new Error('x'), { code: 'ECONNREFUSED' }), ctx).message, /^no Docker engine answers at unix:/);
    const gone = mapDockerError({ statusCode: 404, json: { message: 'No such container: aaa' } }, { ...ctx, container: ref });
    assert.ok(gone instanceof ContainerGoneError);
    assert.equal(gone.message, 'container redis (aaaaaaaaaaaa) is gone (removed while the experiment ran); could not pause');
    const refused = mapDockerError({ statusCode: 409, json: { message: 'Container aaa is not running' } }, { ...ctx, container: ref });
    assert.ok(refused instanceof EnvironmentError && !(refused instanceof ContainerGoneError));
    assert.equal(refused.message, 'Docker refused to pause redis (aaaaaaaaaaaa): Container aaa is not running');
  });
});

describe('target selection', () => {
  const listing: ListedContainer[] = [
    { Id: '1'.repeat(64), Names: ['/shop-redis-1'], Labels: { 'com.docker.compose.project': 'shop', 'com.docker.compose.service': 'redis' } },
    { Id: '2'.repeat(64), Names: ['/shop-redis-2'], Labels: { 'com.docker.compose.project': 'shop', 'com.docker.compose.service': 'redis' } },
    { Id: '3'.repeat(64), Names: ['/shop-api-1'], Labels: { 'com.docker.compose.project': 'shop', 'com.docker.compose.service': 'api' } },
    { Id: '4'.repeat(64), Names: ['/postgres'], Labels: {} },
  ];
  it('an exact name or every replica of a compose service, nothing fuzzy', () => {
    assert.deepEqual(selectTargets({ container: 'postgres' }, listing), [{ id: '4'.repeat(64), name: 'postgres' }]);
    assert.deepEqual(selectTargets({ project: 'shop', service: 'redis' }, listing).map((r) => r.name), ['shop-redis-1', 'shop-redis-2']);
    assert.throws(() => selectTargets({ container: 'postgre' }, listing), /no container named "postgre": did you mean: postgres\?/);
    assert.throws(() => selectTargets({ project: 'shpo', service: 'redis' }, listing), /no compose project "shpo": did you mean: shop\?/);
    assert.throws(() => selectTargets({ project: 'shop', service: 'kafka' }, listing), /no service "kafka" in compose project "shop": existing: api, redis/);
  });
  it('near matches: substrings first, then small edit distances', () => {
    assert.equal(editDistance('redis', 'redsi'), 2);
    assert.deepEqual(nearMatches('redis', ['shop-redis-1', 'radis', 'postgres']), ['shop-redis-1', 'radis']);
    assert.deepEqual(nearMatches('zzz', ['postgres']), []);
  });
});

describe('qdiscs', () => {
  it('the kernel default comes back by deletion, a known qdisc by replace with its handle', () => {
    assert.deepEqual(restoreCommands('eth0', 'qdisc noqueue 0: root refcnt 2 \n'), [['tc', 'qdisc', 'del', 'dev', 'eth0', 'root']]);
    assert.deepEqual(restoreCommands('eth0', 'qdisc tbf 8001: root refcnt 3 rate 50Mbit burst 64Kb lat 50ms \nqdisc ingress ffff: parent ffff:fff1 ----------------'), [
      ['tc', 'qdisc', 'replace', 'dev', 'eth0', 'root', 'handle', '8001:', 'tbf', 'rate', '50Mbit', 'burst', '64Kb', 'lat', '50ms'],
    ]);
    assert.deepEqual(restoreCommands('eth0', 'qdisc pfifo 8003: root refcnt 3 limit 100p')[0]?.slice(-3), ['pfifo', 'limit', '100']);
  });
  it('a tree or an unknown kind is refused before anything is touched', () => {
    assert.throws(() => restoreCommands('eth0', 'qdisc htb 1: root refcnt 2 r2q 10\nqdisc pfifo 10: parent 1:10 limit 100p'), /qdisc tree loadctl cannot restore/);
    assert.throws(() => restoreCommands('eth0', 'qdisc cake 8001: root refcnt 2 bandwidth 1Mbit'), /"cake" qdisc/);
    assert.throws(() => restoreCommands('eth9', 'Cannot find device "eth9"'), /cannot read the root qdisc of eth9/);
    assert.equal(parseQdiscShow('qdisc netem 8002: root refcnt 2 limit 1000 delay 100ms')[0]?.params.join(' '), 'limit 1000 delay 100ms');
  });
  it('fault parameters are validated and shaped for tc', () => {
    assert.deepEqual(tbfArgs('1mbit'), ['tbf', 'rate', '1mbit', 'burst', '3200', 'latency', '200ms']);
    assert.deepEqual(tbfArgs('100mbit').slice(3, 5), ['burst', '250000']);
    assert.throws(() => tbfArgs('fast'), UsageError);
    assert.deepEqual(netemDelayArgs(100, 20), ['netem', 'delay', '100ms', '20ms']);
    assert.throws(() => netemDelayArgs(100, 200), /jitterMs/);
    assert.deepEqual(netemLossArgs(2.5), ['netem', 'loss', '2.5%']);
    assert.throws(() => netemLossArgs(0), UsageError);
  });
  it('tc errors become one line: missing kernel module, missing capability', () => {
    const noNetem = tcFailure('netem', 'Error: Specified qdisc kind is unknown.\n', 'redis');
    assert.equal(noNetem.message, "the Docker host's kernel has no sch_netem (tc netem), so this fault cannot run there");
    assert.match(noNetem.hint ?? '', /modprobe sch_netem/);
    assert.match(tcFailure('netem', 'RTNETLINK answers: Operation not permitted', 'redis').message, /needs CAP_NET_ADMIN/);
  });
  it('restore scripts tolerate "already default" and quote their words', () => {
    assert.equal(restoreScript([['tc', 'qdisc', 'del', 'dev', 'eth0', 'root']]), 'tc qdisc del dev eth0 root 2>/dev/null || true');
    assert.ok(isAlreadyDefault('Error: Cannot delete qdisc with handle of zero.'));
    assert.equal(shellQuote("it's"), `'it'\\''s'`);
  });
});

describe('sizes, signals, networks, scripts', () => {
  it('Docker sizes in binary units', () => {
    assert.equal(parseBytes('64m', 'memory'), 64 * 1024 * 1024);
    assert.equal(parseBytes('1.5g', 'memory'), 1.5 * 1024 ** 3);
    assert.throws(() => parseBytes('lots', 'memory'), /memory "lots" is not a size/);
    assert.equal(formatBytes(268435456), '256m');
    assert.equal(parseOomKills('oom_kill_disable 0\nunder_oom 0\noom_kill 3\n'), 3);
  });
  it('signals are normalised and checked', () => {
    assert.equal(normalizeSignal('sigterm'), 'TERM');
    assert.equal(normalizeSignal(undefined), 'TERM');
    assert.throws(() => normalizeSignal('SIGFOO'), UsageError);
  });
  it('a compose network answers to its short name', () => {
    assert.equal(findNetwork('backend', ['shop_backend', 'bridge'], 'shop'), 'shop_backend');
    assert.equal(findNetwork('backend', ['other_backend'], 'shop'), undefined);
  });
  it('the deadlock driver ends by itself and the stop script is safe to repeat', () => {
    const names = { table: 'loadctl_chaos_deadlock_ab12', app: 'loadctl-deadlock-ab12', dir: '/tmp/loadctl-deadlock-ab12' };
    const driver = driverScript({ database: 'app', user: 'app', workers: 4 }, names, 30_000);
    assert.match(driver, /end=\$\(\( \$\(date \+%s\) \+ 30 \)\)/);
    assert.equal(driver.match(/worker 1 2 &/g)?.length, 2);
    assert.equal(driver.match(/worker 2 1 &/g)?.length, 2);
    const stop = stopScript({ database: 'app', user: 'app' }, names);
    assert.match(stop, /if \[ -d \/tmp\/loadctl-deadlock-ab12 \]/);
    assert.match(stop, /DROP TABLE IF EXISTS loadctl_chaos_deadlock_ab12/);
  });
});
