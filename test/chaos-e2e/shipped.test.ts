// The shipped experiments in chaos/, unchanged, pointed at real containers
// with --target and environment variables, as a user would. The gateway the
// experiments probe is a real HTTP server here that answers like the
// ticketing API's /health.
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import { docker, dockerSkipReason, image, loadctl, loadctlDone, project, removeContainers, repo, restorable, startRedis, unique, waitFor } from './harness.ts';
import { spawnSync } from 'node:child_process';

const skip = dockerSkipReason();
const created: string[] = [];
const networks: string[] = [];
let gateway: Server | undefined;
let baseUrl = '';

before(async () => {
  gateway = createServer((_req, res) => { res.writeHead(200, { 'content-type': 'application/json' }); res.end('{"status":"UP"}'); });
  await new Promise<void>((resolve) => gateway?.listen(0, '127.0.0.1', resolve));
  const address = gateway.address();
  baseUrl = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
});
after(() => {
  gateway?.close();
  if (created.length > 0) removeContainers(...created);
  for (const n of networks) docker('network', 'rm', n);
});

const shipped = (...names: string[]) => project(Object.fromEntries(names.map((n) => [n, readFileSync(join(repo, 'chaos', `${n}.yaml`), 'utf8')])));

async function postgres(): Promise<string> {
  const name = unique('lc-e2e-pg');
  const bin = '/usr/lib/postgresql/15/bin';
  const script = `mkdir -p /run/postgresql && chown postgres /run/postgresql && exec su postgres -s /bin/sh -c '${bin}/initdb -D /tmp/pgdata --auth=trust -U postgres >/dev/null && exec ${bin}/postgres -D /tmp/pgdata -k /run/postgresql -c listen_addresses= -c deadlock_timeout=100ms'`;
  // --init: a real init as PID 1 reaps what exits, as compose's `init: true` does.
  docker('run', '-d', '--init', '--name', name, '--label', 'io.loadctl.test=1', image, 'sh', '-c', script);
  created.push(name);
  await waitFor('postgres to accept connections', () => spawnSync('docker', ['exec', name, 'pg_isready', '-q']).status === 0, 60_000, 200);
  return name;
}

let pgName: string | undefined;
const sharedPostgres = async () => (pgName ??= await postgres());

test('db-deadlocks: PostgreSQL counts deadlocks, and the scratch table is gone afterwards', { skip, timeout: 90_000 }, async () => {
  const pg = await sharedPostgres();
  const cwd = shipped('db-deadlocks');
  const run = await loadctlDone(['chaos', 'db-deadlocks', '--target', `postgres=${pg}`, '--duration', '3s', '--yes', '--json'], {
    cwd, env: { BASE_URL: baseUrl, POSTGRES_DB: 'postgres', POSTGRES_USER: 'postgres' },
  });
  assert.equal(run.code, 0, run.stderr);
  const doc = JSON.parse(run.stdout);
  const observed = doc.steps[0].observations;
  assert.ok(Number(observed.deadlocks) > 0, `deadlocks observed: ${JSON.stringify(observed)}`);
  console.log(`# measured: db-deadlocks for 3s: ${JSON.stringify(observed)}`);
  const tables = docker('exec', pg, 'psql', '-U', 'postgres', '-At', '-c', "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'");
  assert.equal(tables, '0');
});

test('db-deadlocks interrupted by SIGINT: the workers are gone and so is the scratch table', { skip, timeout: 90_000 }, async () => {
  const pg = await sharedPostgres();
  const cwd = shipped('db-deadlocks');
  const run = loadctl(['chaos', 'db-deadlocks', '--target', `postgres=${pg}`, '--duration', '60s', '--yes'], {
    cwd, env: { BASE_URL: baseUrl, POSTGRES_DB: 'postgres', POSTGRES_USER: 'postgres' },
  });
  await run.waitForOutput(/injected:/);
  // Live psql processes only: a zombie has exited already, whoever reaps it.
  const workers = () => docker('exec', pg, 'sh', '-c', 'ps -eo stat=,comm= | awk \'$2 == "psql" && $1 !~ /^Z/\' | wc -l');
  assert.ok(Number(workers()) > 0, 'psql workers run during the hold');
  run.child.kill('SIGINT');
  assert.equal(await run.done, 4, run.stderr());
  // A psql caught between its worker's kill and the backend purge ends with its transaction.
  await waitFor('no live psql worker', () => workers() === '0', 60_000, 50);
  assert.equal(docker('exec', pg, 'psql', '-U', 'postgres', '-At', '-c', "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'"), '0');
});

test('network-partition: the target is off its network for the hold, then back with its aliases', { skip, timeout: 60_000 }, async () => {
  const net = unique('lc-e2e-net');
  docker('network', 'create', '--label', 'io.loadctl.test=1', net);
  networks.push(net);
  const r = await startRedis(unique('lc-e2e-booking'), { flags: ['--network', net, '--network-alias', 'booking-service'] });
  created.push(r.name);
  const before = restorable(r.name);
  const cwd = shipped('network-partition');
  const run = await loadctlDone(['chaos', 'network-partition', '--target', `booking=${r.name}`, '--duration', '1s', '--yes', '--json'], {
    cwd, env: { BASE_URL: baseUrl, COMPOSE_NETWORK: net },
  });
  assert.equal(run.code, 0, run.stderr);
  assert.match(JSON.parse(run.stdout).steps[0].intent, new RegExp(net));
  assert.equal(restorable(r.name), before);
  assert.match(before, /booking-service/);
});

test('memory-pressure: the limit is lowered with a stressor inside, then the exact limits come back', { skip, timeout: 60_000 }, async () => {
  const r = await startRedis(unique('lc-e2e-mem'), { flags: ['--memory', '512m', '--memory-swap', '1g', '--memory-reservation', '256m'] });
  created.push(r.name);
  const before = restorable(r.name);
  const cwd = shipped('memory-pressure');
  const run = await loadctlDone(['chaos', 'memory-pressure', '--target', `booking=${r.name}`, '--duration', '2s', '--yes', '--json'], {
    cwd, env: { BASE_URL: baseUrl },
  });
  assert.equal(run.code, 0, run.stderr);
  const doc = JSON.parse(run.stdout);
  assert.match(doc.steps[0].intent, /128m/);
  console.log(`# measured: memory-pressure observations ${JSON.stringify(doc.steps[0].observations)}`);
  assert.equal(restorable(r.name), before);
});

test('network-latency and packet-loss: netem where the kernel has it, one clear line where it does not', { skip, timeout: 90_000 }, async () => {
  // Ask the kernel itself, in a throwaway namespace of our own.
  const probe = spawnSync('docker', ['run', '--rm', '--cap-add', 'NET_ADMIN', '--label', 'io.loadctl.test=1', image, 'tc', 'qdisc', 'add', 'dev', 'eth0', 'root', 'netem', 'delay', '1ms'], { encoding: 'utf8' });
  const hasNetem = probe.status === 0;
  console.log(`# kernel ${hasNetem ? 'has' : 'lacks'} sch_netem`);
  const r = await startRedis(unique('lc-e2e-netem'));
  created.push(r.name);
  const before = restorable(r.name);
  const qdiscBefore = docker('exec', r.name, 'tc', 'qdisc', 'show', 'dev', 'eth0');
  const cwd = shipped('network-latency', 'packet-loss');
  for (const [experiment, ref] of [['network-latency', 'booking'], ['packet-loss', 'booking']] as const) {
    const run = await loadctlDone(['chaos', experiment, '--target', `${ref}=${r.name}`, '--duration', '1s', '--yes'], { cwd, env: { BASE_URL: baseUrl } });
    if (hasNetem) {
      assert.equal(run.code, 0, run.stdout + run.stderr);
    } else {
      assert.equal(run.code, 3, run.stdout + run.stderr);
      assert.match(run.stdout, new RegExp(`ERROR: ${experiment}: the Docker host's kernel has no sch_netem`));
      assert.match(run.stdout, /fix: load it on the Docker host \(`modprobe sch_netem`/);
      assert.doesNotMatch(run.stdout + run.stderr, /\n\s+at /, 'no stack trace');
    }
    assert.equal(restorable(r.name), before);
    assert.equal(docker('exec', r.name, 'tc', 'qdisc', 'show', 'dev', 'eth0'), qdiscBefore);
  }
});
