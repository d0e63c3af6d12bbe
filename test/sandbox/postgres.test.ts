// Bookings in a real PostgreSQL 15 (a cluster of our own in a temp folder, on
// a free port of 127.0.0.1): a hold is a row before it is answered, a
// confirmation reaches the row; with the database stopped holds fail fast
// with 503 and /health says which component is down; started again, the
// sandbox recovers by itself and the queued status change lands.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chownSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { startSandbox, type Sandbox } from '../../src/sandbox/server.ts';
import { freePort, waitFor } from '../chaos-e2e/harness.ts';
import { missing } from '../helpers/parts.ts';

const bin = '/usr/lib/postgresql/15/bin';
const hasPostgres = spawnSync(`${bin}/postgres`, ['--version']).status === 0 && spawnSync('id', ['postgres']).status === 0;
const skip = missing('PostgreSQL 15', hasPostgres ? undefined : `not installed at ${bin} (apt-get install postgresql)`);

let dir = '';
let port = 0;
let server: ChildProcess | undefined;
let sandbox: Sandbox | undefined;

// PostgreSQL refuses to run as root: its processes run as the postgres user, started directly (signals reach them).
const ids = () => ({ uid: Number(spawnSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).stdout.trim()), gid: Number(spawnSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).stdout.trim()) });
const asPostgres = (cmd: string, args: string[]) => spawnSync(cmd, args, { encoding: 'utf8', ...ids(), cwd: dir });

async function startPostgres(): Promise<void> {
  server = spawn(`${bin}/postgres`, ['-D', dir, '-p', String(port), '-k', dir, '-c', 'listen_addresses=127.0.0.1'], { stdio: 'ignore', ...ids(), cwd: dir });
  await waitFor('postgres to accept connections', () => asPostgres(`${bin}/pg_isready`, ['-q', '-h', '127.0.0.1', '-p', String(port)]).status === 0, 30_000, 100);
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
  dir = mkdtempSync(join(tmpdir(), 'loadctl-pg-'));
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
    // A confirmation while the database is away is kept and written once it is back.
    assert.equal((await call('POST', `/api/bookings/${second.body.id}/confirm`, undefined, token)).status, 200);
    // The refused hold's seat is free again.
    const seats = (await call('GET', '/api/events/evt-1/seats')).body.seats as Array<{ id: string; status: string }>;
    assert.equal(seats.find((s) => s.id === 'A-3')?.status, 'AVAILABLE');

    await startPostgres();
    await waitFor('holds to work again', async () => (await call('POST', '/api/bookings', { eventId: 'evt-2', seatIds: [`C-${Date.now() % 20 + 1}`] }, token)).status === 201, 10_000, 200);
    const again = new pg.Client({ connectionString: url });
    await again.connect();
    try {
      await waitFor('the queued confirmation to land', async () => (await again.query('SELECT status FROM bookings WHERE id = $1', [second.body.id])).rows[0]?.status === 'CONFIRMED', 5000, 100);
      assert.equal((await again.query("SELECT count(*)::int AS n FROM bookings WHERE seat_ids = '{A-3}'")).rows[0].n, 0, 'the refused hold left no row');
    } finally {
      await again.end();
    }
  } finally {
    await db.end().catch(() => {});
  }
});
