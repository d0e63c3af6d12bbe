// Bookings in a real PostgreSQL 15 (a cluster of our own in a temp folder, on
// a free port of 127.0.0.1): a hold is a row before it is answered, a
// confirmation too; with the database stopped holds and confirmations fail
// fast with 503 and /health says which component is down; started again, the
// sandbox recovers by itself. PostgreSQL is the authority on sold seats: a
// restarted sandbox does not sell them again, and a second instance that
// never knew of a sale is refused by the database.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chownSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { startSandbox, type Sandbox } from '../../src/sandbox/server.ts';
import { freePort, waitFor } from '../chaos-e2e/harness.ts';
import { installLine, missing } from '../kit/parts.ts';
import { tempDir } from '../kit/temp.ts';

const bin = '/usr/lib/postgresql/15/bin';
const hasPostgres = spawnSync(`${bin}/postgres`, ['--version']).status === 0 && spawnSync('id', ['postgres']).status === 0;
const skip = missing('PostgreSQL 15', hasPostgres ? undefined : installLine('postgres'));

let dir = '';
let port = 0;
let server: ChildProcess | undefined;
let sandbox: Sandbox | undefined;

// PostgreSQL refuses to run as root: its processes run as the postgres user, started directly (signals reach them).
const ids = () => ({ uid: Number(spawnSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).stdout.trim()), gid: Number(spawnSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).stdout.trim()) });
const asPostgres = (cmd: string, args: string[]) => spawnSync(cmd, args, { encoding: 'utf8', ...ids(), cwd: dir });

async function startPostgres(): Promise<void> {
  server = spawn(`${bin}/postgres`, ['-D', dir, '-p', String(port), '-k', dir, '-c', 'listen_addresses=127.0.0.1'], { stdio: 'ignore', ...ids(), cwd: dir });
  await waitFor('postgres to accept connections', () => asPostgres(`${bin}/pg_isready`, ['-q', '-h', '127.0.0.1', '-p', String(port)]).status === 0, 60_000, 100);
}

async function stopPostgres(): Promise<void> {
  const running = server;
  if (!running || running.exitCode !== null) return;
  const exited = new Promise((resolve) => running.once('exit', resolve));
  // SIGINT is PostgreSQL's fast shutdown.
  running.kill('SIGINT');
  await exited;
}

before(async () => {
  if (skip) return;
  dir = tempDir('loadctl-pg-');
  chownSync(dir, ids().uid, ids().gid);
  const init = asPostgres(`${bin}/initdb`, ['-D', dir, '--auth=trust', '-U', 'postgres']);
  assert.equal(init.status, 0, init.stderr);
  port = await freePort();
  await startPostgres();
});
after(async () => {
  await sandbox?.close();
  await stopPostgres();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

async function call(method: string, path: string, body?: unknown, token?: string): Promise<{ status: number; body: any }> {
  const res = await fetch(`${sandbox!.url}${path}`, { method, headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) }, ...(body ? { body: JSON.stringify(body) } : {}) });
  return { status: res.status, body: await res.json() };
}

test('bookings are rows in PostgreSQL; the database away is a fast 503, and back it recovers by itself', { skip, timeout: 120_000 }, async () => {
  const url = `postgres://postgres@127.0.0.1:${port}/postgres`;
  sandbox = await startSandbox({ port: 0, postgresUrl: url, redisReadyTimeoutMs: 5000 });
  const db = new pg.Client({ connectionString: url });
  await db.connect();
  try {
    assert.equal((await call('POST', '/api/auth/register', { email: 'pg@loadtest.com', password: 'x' })).status, 201);
    const token = (await call('POST', '/api/auth/login', { email: 'pg@loadtest.com', password: 'x' })).body.token as string;
    const hold = await call('POST', '/api/bookings', { eventId: 'evt-1', seatIds: ['A-1', 'A-2'] }, token);
    assert.equal(hold.status, 201);
    const row = async (id: string) => (await db.query('SELECT status, seat_ids FROM bookings WHERE id = $1', [id])).rows[0] as { status: string; seat_ids: string[] } | undefined;
    assert.deepEqual(await row(hold.body.id), { status: 'HELD', seat_ids: ['A-1', 'A-2'] }, 'the hold is a row before it is answered');
    const second = await call('POST', '/api/bookings', { eventId: 'evt-1', seatIds: ['B-1'] }, token);
    assert.equal(second.status, 201);
    await db.end();

    await stopPostgres();
    const started = Date.now();
    const refused = await call('POST', '/api/bookings', { eventId: 'evt-1', seatIds: ['A-3'] }, token);
    assert.equal(refused.status, 503);
    assert.equal(refused.body.error, 'database_unavailable');
    assert.ok(Date.now() - started < 3000, `answered in ${Date.now() - started} ms`);
    const health = await call('GET', '/health');
    assert.equal(health.status, 503);
    assert.equal(health.body.components.postgres.status, 'DOWN');
    // A confirmation is answered only once PostgreSQL has it: while it is away, 503 and the seats stay held.
    const early = await call('POST', `/api/bookings/${second.body.id}/confirm`, undefined, token);
    assert.deepEqual([early.status, early.body.error], [503, 'database_unavailable']);
    assert.equal((await call('GET', `/api/bookings/${second.body.id}`, undefined, token)).body.status, 'HELD');
    // The refused hold's seat is free again.
    const seats = (await call('GET', '/api/events/evt-1/seats')).body.seats as Array<{ id: string; status: string }>;
    assert.equal(seats.find((s) => s.id === 'A-3')?.status, 'AVAILABLE');

    await startPostgres();
    await waitFor('holds to work again', async () => (await call('POST', '/api/bookings', { eventId: 'evt-2', seatIds: [`C-${Date.now() % 20 + 1}`] }, token)).status === 201, 60_000, 200);
    const again = new pg.Client({ connectionString: url });
    await again.connect();
    try {
      assert.equal((await call('POST', `/api/bookings/${second.body.id}/confirm`, undefined, token)).status, 200, 'confirmed once the database is back');
      assert.equal((await again.query('SELECT status FROM bookings WHERE id = $1', [second.body.id])).rows[0]?.status, 'CONFIRMED', 'stored before it was answered');
      assert.equal((await again.query("SELECT count(*)::int AS n FROM bookings WHERE seat_ids = '{A-3}'")).rows[0].n, 0, 'the refused hold left no row');
    } finally {
      await again.end();
    }
  } finally {
    await db.end().catch(() => {});
  }
});

test('PostgreSQL decides what is sold: a restart reads the sold seats back, another instance is refused at confirm, the table refuses a second sale', { skip, timeout: 120_000 }, async () => {
  const url = `postgres://postgres@127.0.0.1:${port}/postgres`;
  await sandbox?.close();
  const db = new pg.Client({ connectionString: url });
  await db.connect();
  const others: Sandbox[] = [];
  try {
    await db.query('DROP TABLE IF EXISTS bookings; DROP TABLE IF EXISTS sold_seats');
    sandbox = await startSandbox({ port: 0, postgresUrl: url });
    const login = async (sb: Sandbox, email: string) => {
      const post = (path: string, body: unknown) => fetch(`${sb.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
      await post('/api/auth/register', { email, password: 'x' });
      return ((await (await post('/api/auth/login', { email, password: 'x' })).json()) as { token: string }).token;
    };
    const on = async (sb: Sandbox, method: string, path: string, token: string) => {
      const res = await fetch(`${sb.url}${path}`, { method, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' } });
      return { status: res.status, body: await res.json() as any };
    };
    const holdOn = async (sb: Sandbox, token: string, seatIds: string[]) => {
      const res = await fetch(`${sb.url}/api/bookings`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify({ eventId: 'evt-5', seatIds }) });
      return { status: res.status, body: await res.json() as any };
    };
    // A second instance started now reads nothing sold: it will not hear of the sale below.
    const stale = await startSandbox({ port: 0, postgresUrl: url });
    others.push(stale);
    const ann = await login(sandbox, 'ann@loadtest.com');
    const sold = await holdOn(sandbox, ann, ['A-1', 'A-2']);
    assert.equal((await on(sandbox, 'POST', `/api/bookings/${sold.body.id}/confirm`, ann)).status, 200);

    // Restarted over the same table: the seats are still sold, in the seat map and for a hold.
    await sandbox.close();
    sandbox = await startSandbox({ port: 0, postgresUrl: url });
    const ben = await login(sandbox, 'ben@loadtest.com');
    const again = await holdOn(sandbox, ben, ['A-2', 'A-3']);
    assert.deepEqual([again.status, again.body.error, again.body.conflicts], [409, 'seat_unavailable', ['A-2']]);
    const seats = (await (await fetch(`${sandbox.url}/api/events/evt-5/seats`)).json() as { seats: Array<{ id: string; status: string }> }).seats;
    assert.deepEqual(seats.filter((x) => x.id === 'A-1' || x.id === 'A-2').map((x) => x.status), ['SOLD', 'SOLD']);

    // The instance that never heard of the sale holds the seat (its memory says free) but cannot confirm it.
    const cal = await login(stale, 'cal@loadtest.com');
    const blind = await holdOn(stale, cal, ['A-1', 'A-9']);
    assert.equal(blind.status, 201);
    const refused = await on(stale, 'POST', `/api/bookings/${blind.body.id}/confirm`, cal);
    assert.deepEqual([refused.status, refused.body.error, refused.body.conflicts], [409, 'seat_unavailable', ['A-1']]);
    assert.equal((await on(stale, 'GET', `/api/bookings/${blind.body.id}`, cal)).body.status, 'CANCELLED');
    const staleSeats = (await (await fetch(`${stale.url}/api/events/evt-5/seats`)).json() as { seats: Array<{ id: string; status: string }> }).seats;
    assert.deepEqual(staleSeats.filter((x) => x.id === 'A-1' || x.id === 'A-9').map((x) => x.status), ['SOLD', 'AVAILABLE'], 'it learnt the sale; the other seat is free again');

    // Written around the service, a second CONFIRMED row of a sold seat is refused by the table itself.
    await assert.rejects(db.query("INSERT INTO bookings (id, user_id, event_id, seat_ids, status, expires_at) VALUES (gen_random_uuid(), 'x', 'evt-5', '{A-2}', 'CONFIRMED', now())"),
      (e: { code?: string; constraint?: string }) => e.code === '23505' && e.constraint === 'sold_seats_pkey');
    const twice = await db.query("SELECT seat FROM bookings, unnest(seat_ids) AS seat WHERE status = 'CONFIRMED' GROUP BY event_id, seat HAVING count(*) > 1");
    assert.equal(twice.rowCount, 0, 'no seat sold twice');
  } finally {
    await db.end().catch(() => {});
    for (const o of others) await o.close();
  }
});
