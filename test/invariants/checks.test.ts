// The shipped invariants' reads against a real PostgreSQL 15 (bookings table
// of the reference stack) and a real redis-server: each holds on consistent
// data and breaks, with its offending rows, on data broken on purpose.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import type { ChildProcess } from 'node:child_process';
import { Redis } from 'ioredis';
import { commandSkip } from '../kit/parts.ts';
import { BOOKINGS_TABLE, postgresSkip, startPostgres, type RealPostgres } from '../helpers/postgres.ts';
import { sparePort, startRedis, stopProcess } from '../sandbox/helpers.ts';
import { readInvariant, CheckUnavailable } from '../../src/invariants/checks.ts';
import { invariantResult } from '../../src/invariants/judge.ts';
import { resolveInvariants } from '../../src/invariants/in-run.ts';

const pgSkip = postgresSkip();
const redisSkip = commandSkip('redis-server');
let pgdb: RealPostgres;
let redis: ChildProcess;
let redisPort = 0;

before(async () => {
  if (!pgSkip) {
    pgdb = await startPostgres();
    await pgdb.sql(BOOKINGS_TABLE);
  }
  if (!redisSkip) {
    redisPort = await sparePort();
    redis = await startRedis(redisPort);
  }
});
after(async () => {
  await pgdb?.stop();
  if (redis) await stopProcess(redis);
});

const book = (seat: string, status = 'CONFIRMED', event = 'evt-1') => pgdb.sql(
  'INSERT INTO bookings (id, user_id, event_id, seat_ids, status, expires_at) VALUES ($1, $2, $3, $4, $5, now())',
  [randomUUID(), 'u1', event, [seat], status],
);
const shipped = (name: string, env: Record<string, string>) => resolveInvariants([name], env)[0]!.spec;

test('no seat sold twice: holds on distinct seats, breaks with the doubled seat and its bookings', { skip: pgSkip }, async () => {
  await pgdb.sql('TRUNCATE bookings');
  await book('A-1');
  await book('A-2');
  await book('A-1', 'EXPIRED');
  const spec = shipped('no-double-sale', { DATABASE_URL: pgdb.url });
  const clean = await readInvariant(spec, null);
  assert.deepEqual(clean, { value: 0, rows: [], rowCount: 0 });
  assert.equal(invariantResult(spec, { before: { reading: clean }, after: { reading: clean } }).status, 'held');

  await book('A-2');
  const broken = await readInvariant(spec, null);
  assert.equal(broken.value, 1);
  const row = broken.rows[0] as { event_id: string; seat: string; times: string; bookings: string[] };
  assert.deepEqual([row.event_id, row.seat, Number(row.times), row.bookings.length], ['evt-1', 'A-2', 2, 2]);
  const result = invariantResult(spec, { before: { reading: clean }, after: { reading: broken } });
  assert.equal(result.status, 'broken');
  assert.match(result.reason, /^broken after recovery: value 1, expected == 0 \(limit 0\); 1 offending row\(s\), first: \{"event_id":"evt-1","seat":"A-2"/);
});

test('every confirmed booking is stored: the rows gained must cover the confirmations k6 was given', { skip: pgSkip }, async () => {
  await pgdb.sql('TRUNCATE bookings');
  await book('B-1');
  const spec = shipped('confirmed-stored', { DATABASE_URL: pgdb.url });
  const before = await readInvariant(spec, null);
  assert.equal(before.value, 1, 'one number read from SELECT count(*)');
  await book('B-2');
  await book('B-3');
  const after = await readInvariant(spec, null);
  const checks = { 'confirm 200': 2 };
  assert.equal(invariantResult(spec, { before: { reading: before }, after: { reading: after }, values: { checks } }).status, 'held');
  const lost = invariantResult(spec, { before: { reading: before }, after: { reading: after }, values: { checks: { 'confirm 200': 3 } } });
  assert.equal(lost.status, 'broken');
  assert.equal(lost.reason, 'broken after recovery: value 3, expected >= before + k6.checks.confirm 200 (limit 4)');
});

test('no seat lock outlives its hold: a lock without expiry (or past the longest hold) is named with its TTL', { skip: redisSkip }, async () => {
  const client = new Redis(redisPort, '127.0.0.1');
  try {
    await client.flushall();
    await client.set('loadctl:seat:evt-1:A-1', 'b1', 'PX', 60_000);
    await client.set('other:key', 'x');
    const spec = shipped('locks-expire', { REDIS_URL: `redis://127.0.0.1:${redisPort}` });
    assert.equal((await readInvariant(spec, null)).value, 0);
    await client.set('loadctl:seat:evt-1:A-2', 'b2');
    await client.set('loadctl:seat:evt-1:A-3', 'b3', 'PX', 3_600_000);
    const broken = await readInvariant(spec, null);
    assert.equal(broken.value, 2);
    assert.deepEqual(broken.rows[0], { key: 'loadctl:seat:evt-1:A-2', ttlMs: -1 });
    assert.equal((broken.rows[1] as { key: string }).key, 'loadctl:seat:evt-1:A-3');
  } finally {
    client.disconnect();
  }
});

test('a source that does not answer is CheckUnavailable with the URL (password hidden), not a crash', async () => {
  const port = await sparePort();
  await assert.rejects(readInvariant({ name: 'x', sql: { url: `postgres://u:secret@127.0.0.1:${port}/db`, query: 'SELECT 1' } }, null),
    (e: Error) => e instanceof CheckUnavailable && /PostgreSQL at postgres:\/\/u:\*\*\*@127\.0\.0\.1:\d+\/db is not reachable/.test(e.message));
  await assert.rejects(readInvariant({ name: 'x', redis: { url: `redis://127.0.0.1:${port}`, keys: '*' } }, null), CheckUnavailable);
  await assert.rejects(readInvariant({ name: 'x', http: { url: `http://127.0.0.1:${port}/x` } }, null), CheckUnavailable);
  await assert.rejects(readInvariant({ name: 'x', promql: { query: 'up' } }, null), /needs a Prometheus/);
});

test('shipped invariants without their variables are skipped and say which', () => {
  const [r] = resolveInvariants(['no-double-sale'], {});
  assert.equal(r!.skipped, 'not checked: DATABASE_URL not set');
  assert.throws(() => resolveInvariants(['nope'], {}), /unknown invariant "nope" \(shipped: no-double-sale, confirmed-stored, locks-expire, backlog-drains\)/);
});
