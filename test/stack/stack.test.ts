// `loadctl stack` on the real engine: up (twice), a booking service killed
// and restarted that does not sell its sold seats again, every shipped experiment
// run end to end against it with no target flag beyond the test's project,
// the runbook's metrics and the consumer lag moving for real, a bystander
// untouched, down leaving nothing, and Ctrl-C during up leaving nothing.
import { after, before, describe, it, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { docker, loadctl, loadctlDone, waitFor } from '../chaos-e2e/harness.ts';
import { Lab } from '../chaos-docker/harness.ts';
import { leftovers, stackDown, stackSkip, testStack, type TestStack } from './harness.ts';
import { listExperiments } from '../../src/chaos/experiments.ts';
import { readInvariant } from '../../src/invariants/checks.ts';
import { SHIPPED_INVARIANTS, withEnv } from '../../src/invariants/shipped.ts';
import { stackEndpoints } from '../../src/stack/definition.ts';
import { tempDir } from '../kit/temp.ts';

const skip = stackSkip('stack tests');
const cwd = tempDir('loadctl-stack-');
const repo = join(import.meta.dirname, '..', '..');

async function metric(url: string, name: string): Promise<number> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith(`${name} `) || l.startsWith(`${name}{`));
  return Number(line?.split(' ').pop());
}

async function call(url: string, method: string, path: string, body?: unknown, token?: string): Promise<{ status: number; body: any }> {
  const res = await fetch(`${url}${path}`, {
    method, headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    ...(body ? { body: JSON.stringify(body) } : {}),
  });
  return { status: res.status, body: await res.json().catch(() => undefined) };
}

describe('the reference stack', { skip, timeout: 600_000 }, () => {
  let s: TestStack;
  const lab = new Lab();

  before(async () => {
    s = await testStack();
    // A bystander in the stack's own compose project, not made by `stack up`: nothing may touch it, `down` included.
    await lab.run('bystander', ['--label', `com.docker.compose.project=${s.project}`, '--label', 'com.docker.compose.service=cache', '--memory', '64m']);
    await lab.watchBystander('bystander');
  });
  after(async () => {
    if (s) await stackDown(s, cwd);
    await lab.cleanup();
  });

  it('comes up healthy with runbook-style names and compose labels, and a second up changes nothing', async () => {
    const first = await loadctlDone(['stack', 'up', ...s.flags, '--json'], { cwd, env: s.env });
    assert.equal(first.code, 0, first.stdout + first.stderr);
    assert.match(first.stderr, /waiting for health: .*healthy/);
    const doc = JSON.parse(first.stdout);
    assert.deepEqual(doc.created, ['postgres', 'redis', 'booking-service', 'kafka-consumer'].map((x) => `${s.project}-${x}`));
    const ids = docker('ps', '-q', '--no-trunc', '--filter', `label=io.loadctl.stack=${s.project}`).split('\n').sort();
    for (const service of ['redis', 'postgres', 'booking-service', 'kafka-consumer']) {
      const [info] = JSON.parse(docker('inspect', `${s.project}-${service}`));
      assert.equal(info.Config.Labels['com.docker.compose.project'], s.project);
      assert.equal(info.Config.Labels['com.docker.compose.service'], service);
      assert.equal(info.HostConfig.RestartPolicy.Name, 'unless-stopped');
      assert.ok(info.Config.Healthcheck.Test.length > 1, `${service} has a health check`);
      for (const bindings of Object.values(info.HostConfig.PortBindings) as Array<Array<{ HostIp: string }>>) {
        assert.deepEqual(bindings.map((b) => b.HostIp), ['127.0.0.1'], `${service} publishes on 127.0.0.1 only`);
      }
      assert.deepEqual(Object.keys(info.NetworkSettings.Networks), [`${s.project}_default`]);
    }
    const second = await loadctlDone(['stack', 'up', ...s.flags, '--json'], { cwd, env: s.env });
    assert.equal(second.code, 0, second.stderr);
    assert.deepEqual(JSON.parse(second.stdout).created, []);
    assert.match(second.stderr, /already running: nothing changed/);
    assert.deepEqual(docker('ps', '-q', '--no-trunc', '--filter', `label=io.loadctl.stack=${s.project}`).split('\n').sort(), ids);
    // Without --port-offset, status still shows where each service really answers.
    const status = await loadctlDone(['stack', 'status', '--project', s.project], { cwd, env: s.env });
    assert.equal(status.code, 0, status.stdout);
    assert.equal((status.stdout.match(/ healthy /g) ?? []).length, 4);
    assert.ok(status.stdout.includes(s.baseUrl), status.stdout);
  });

  it('keeps bookings in PostgreSQL and exports the runbook metrics; a paused consumer lets the lag grow, and it drains', async () => {
    const email = `stack-${Date.now()}@loadtest.com`;
    assert.equal((await call(s.baseUrl, 'POST', '/api/auth/register', { email, password: 'LoadTest123!' })).status, 201);
    const token = (await call(s.baseUrl, 'POST', '/api/auth/login', { email, password: 'LoadTest123!' })).body.token as string;
    const hold = await call(s.baseUrl, 'POST', '/api/bookings', { eventId: 'evt-3', seatIds: ['B-1', 'B-2'] }, token);
    assert.equal(hold.status, 201);
    assert.equal((await call(s.baseUrl, 'POST', `/api/bookings/${hold.body.id}/confirm`, undefined, token)).status, 200);
    const row = () => docker('exec', `${s.project}-postgres`, 'psql', '-U', 'postgres', '-d', 'ticketing', '-Atc', `SELECT status || ' ' || array_to_string(seat_ids, ',') FROM bookings WHERE id = '${hold.body.id}'`);
    await waitFor('the confirmation in PostgreSQL', () => row() === 'CONFIRMED B-1,B-2', 60_000);
    const text = await (await fetch(`${s.baseUrl}/metrics`)).text();
    for (const family of ['booking_lock_failures_total', 'booking_queue_length', 'booking_reservation_expirations_total', 'http_server_requests_seconds', 'kafka_consumer_group_lag']) {
      assert.match(text, new RegExp(`^# TYPE ${family} `, 'm'), family);
    }
    docker('pause', `${s.project}-kafka-consumer`);
    try {
      for (let i = 1; i <= 5; i += 1) assert.equal((await call(s.baseUrl, 'POST', '/api/bookings', { eventId: 'evt-4', seatIds: [`C-${i}`] }, token)).status, 201);
      assert.ok(await metric(s.baseUrl, 'kafka_consumer_group_lag') >= 5, 'lag grows while the consumer is paused');
    } finally {
      docker('unpause', `${s.project}-kafka-consumer`);
    }
    await waitFor('the consumer to drain the backlog', async () => (await metric(s.baseUrl, 'kafka_consumer_group_lag')) === 0, 60_000, 200);
    assert.ok(await metric(s.consumerUrl, 'booking_events_consumed_total') >= 7);
  });

  it('killed (as an OOM kill would) and restarted by its policy, the booking service does not sell again what PostgreSQL has sold', async () => {
    const user = async () => {
      const email = `restart-${Date.now()}-${Math.random().toString(36).slice(2, 6)}@loadtest.com`;
      await call(s.baseUrl, 'POST', '/api/auth/register', { email, password: 'LoadTest123!' });
      return (await call(s.baseUrl, 'POST', '/api/auth/login', { email, password: 'LoadTest123!' })).body.token as string;
    };
    const first = await user();
    const hold = await call(s.baseUrl, 'POST', '/api/bookings', { eventId: 'evt-6', seatIds: ['D-1', 'D-2'] }, first);
    assert.equal(hold.status, 201);
    assert.equal((await call(s.baseUrl, 'POST', `/api/bookings/${hold.body.id}/confirm`, undefined, first)).status, 200);
    const container = `${s.project}-booking-service`;
    const restarts = () => Number(docker('inspect', '-f', '{{.RestartCount}}', container));
    const before = restarts();
    // SIGKILL to the service under the container's init: the container dies and its restart policy brings it back.
    docker('exec', container, 'pkill', '-KILL', '-f', 'stack-service.mjs');
    await waitFor('the restart policy to restart it', () => restarts() > before, 60_000, 200);
    await waitFor('the booking service to answer again', async () => (await fetch(`${s.baseUrl}/health`).catch(() => undefined))?.status === 200, 60_000, 250);
    // Its users were in memory: a new one tries the same seats.
    const second = await user();
    const again = await call(s.baseUrl, 'POST', '/api/bookings', { eventId: 'evt-6', seatIds: ['D-2', 'D-3'] }, second);
    assert.deepEqual([again.status, again.body?.error, again.body?.conflicts], [409, 'seat_unavailable', ['D-2']]);
    const seats = (await call(s.baseUrl, 'GET', '/api/events/evt-6/seats')).body.seats as Array<{ id: string; status: string }>;
    assert.deepEqual(seats.filter((x) => ['D-1', 'D-2', 'D-3'].includes(x.id)).map((x) => x.status), ['SOLD', 'SOLD', 'AVAILABLE']);
    const reading = await readInvariant(withEnv(SHIPPED_INVARIANTS['no-double-sale']!, { DATABASE_URL: stackEndpoints({ portOffset: s.offset }).postgres }), null);
    assert.deepEqual([reading.value, reading.rows], [0, []], 'no-double-sale holds');
  });

  it('every shipped experiment runs end to end against it with no target flag (netem: where the kernel has it)', async () => {
    const names = (await listExperiments(repo)).map((e) => e.name);
    assert.equal(names.length, 8);
    for (const name of names) {
      const run = await loadctlDone(['chaos', name, '--project', s.project, '--duration', '2s', '--yes', '--json'], { cwd, env: { ...s.env, BASE_URL: s.baseUrl } });
      const out = run.stdout + run.stderr;
      if (run.code === 3 && /has no sch_netem/.test(out)) {
        console.log(`# ${name}: skipped by the kernel (no sch_netem)`);
        continue;
      }
      assert.equal(run.code, 0, `${name}: ${out}`);
      const doc = JSON.parse(run.stdout);
      assert.equal(doc.status, 'passed', name);
      const targets = doc.targets.flatMap((t: { containers: Array<{ name: string }> }) => t.containers.map((c) => c.name));
      assert.ok(targets.length > 0 && targets.every((n: string) => n.startsWith(`${s.project}-`)), `${name} hit ${targets.join(', ')}`);
      console.log(`# ${name}: recovered in ${doc.recovery?.measuredMs ?? '?'} ms against ${targets.join(', ')}`);
    }
    // The last experiment (redis-failure) judges Redis's recovery only; the consumer's
    // reconnect and Docker's next health check (1 s apart) may trail it by a few seconds.
    let status = { code: -1 as number | string, stdout: '' };
    await waitFor('the stack to be whole again', async () => {
      status = await loadctlDone(['stack', 'status', ...s.flags], { cwd, env: s.env });
      return status.code === 0;
    }, 60_000, 1000).catch(() => {});
    assert.equal(status.code, 0, `the stack is whole again: ${status.stdout}`);
  });

  it('down removes what up made, by its label, and nothing else', async () => {
    const down = await loadctlDone(['stack', 'down', ...s.flags], { cwd, env: s.env });
    assert.equal(down.code, 0, down.stderr);
    assert.deepEqual(leftovers(s.project), []);
    assert.match(docker('ps', '-a', '--filter', `name=${lab.name('bystander')}`, '--format', '{{.Names}}'), /bystander/);
  });
});

test('Ctrl-C during `stack up` leaves nothing half-made', { skip, timeout: 120_000 }, async () => {
  const s = await testStack();
  try {
    const run = loadctl(['stack', 'up', ...s.flags], { cwd, env: s.env });
    await run.waitForOutput(/waiting for health/, 60_000);
    run.child.kill('SIGINT');
    assert.equal(await run.done, 4, run.stdout() + run.stderr());
    assert.match(run.stderr(), /SIGINT: stopping `stack up`; removing what it created/);
    assert.deepEqual(leftovers(s.project), []);
  } finally {
    await stackDown(s, cwd);
  }
});
