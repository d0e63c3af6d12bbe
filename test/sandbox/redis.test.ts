// Seat locks in a real redis-server that this file starts, kills and restarts.
import { after, before, test as nodeTest, type TestFn } from 'node:test';
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { Redis } from 'ioredis';
import { startSandbox, type Sandbox } from '../../src/sandbox/server.ts';
import { commandSkip } from '../kit/parts.ts';
import { call, metricsText, sample, sleep, sparePort, startRedis, stopProcess, userToken } from './helpers.ts';

type Booking = { id: string; status: string };

// Without redis-server every test here skips with one line (fails under CI).
const skip = commandSkip('redis-server');
const test = (name: string, fn: TestFn) => nodeTest(name, { skip }, fn);

let port: number;
let redis: ChildProcess;
let sb: Sandbox;
let token: string;
before(async () => {
  if (skip) return;
  port = await sparePort();
  redis = await startRedis(port);
  sb = await startSandbox({ port: 0, redisUrl: `redis://127.0.0.1:${port}`, events: 3, seatsPerEvent: 40 });
  token = await userToken(sb.url, 'dave@example.com');
});
after(async () => {
  await sb?.close();
  if (redis) await stopProcess(redis);
});

const hold = (seatIds: string[], t = token) => call<Booking>(sb.url, 'POST', '/api/bookings', { token: t, body: { eventId: 'evt-1', seatIds } });

test('a hold takes one SET NX PX key per seat in Redis, owned by the booking', async () => {
  const held = await hold(['A-1', 'A-2']);
  assert.equal(held.status, 201);
  const client = new Redis(port, '127.0.0.1');
  try {
    assert.equal(await client.get('loadctl:seat:evt-1:A-1'), held.body.id);
    const ttl = await client.pttl('loadctl:seat:evt-1:A-2');
    assert.ok(ttl > 0 && ttl <= 5 * 60_000, `lock TTL ${ttl}`);
    assert.equal((await call(sb.url, 'DELETE', `/api/bookings/${held.body.id}`, { token })).status, 200);
    await sleep(50);
    assert.equal(await client.get('loadctl:seat:evt-1:A-1'), null, 'cancel releases the lock');
  } finally {
    client.disconnect();
  }
});

test('concurrent holds of the same seats through Redis: exactly one wins', async () => {
  const tokens = await Promise.all(Array.from({ length: 6 }, (_, i) => userToken(sb.url, `r${i}@example.com`)));
  const answers = await Promise.all(Array.from({ length: 40 }, (_, i) => hold(['B-1', 'B-2', 'B-3'], tokens[i % 6])));
  assert.equal(answers.filter((a) => a.status === 201).length, 1);
  assert.equal(answers.filter((a) => a.status === 409).length, 39);
});

test('Redis goes away: holds answer 503 fast, health DOWN, lock failures counted; it comes back: bookings work again', async () => {
  const unavailable = 'booking_lock_failures_total{reason="unavailable"}';
  const before = sample(await metricsText(sb.url), unavailable);
  await stopProcess(redis, 'SIGKILL');

  const started = Date.now();
  const down = await hold(['A-5']);
  const elapsed = Date.now() - started;
  assert.equal(down.status, 503);
  assert.equal((down.body as unknown as { error: string }).error, 'lock_service_unavailable');
  // Fail fast means no waiting on a reconnect (which would last as long as Redis is away);
  // the bound is loose because a busy machine answers any request slowly.
  assert.ok(elapsed < 5000, `503 took ${elapsed} ms`);
  assert.equal((await hold(['A-6'])).status, 503);

  const health = await call<{ status: string; components: Record<string, { status: string }> }>(sb.url, 'GET', '/health');
  assert.equal(health.status, 503);
  assert.equal(health.body.status, 'DOWN');
  assert.equal(health.body.components.redis?.status, 'DOWN');
  assert.equal(health.body.components.locks?.status, 'DOWN');
  assert.equal(health.body.components.store?.status, 'UP');
  assert.equal(sample(await metricsText(sb.url), unavailable), before + 2);

  redis = await startRedis(port);
  let again = await hold(['A-5']);
  const deadline = Date.now() + 10_000;
  while (again.status === 503 && Date.now() < deadline) {
    await sleep(100);
    again = await hold(['A-5']);
  }
  assert.equal(again.status, 201, 'the same sandbox books again once Redis is back');
  assert.equal((await call(sb.url, 'POST', `/api/bookings/${again.body.id}/confirm`, { token })).status, 200);
  assert.equal((await call(sb.url, 'GET', '/health')).status, 200);
});
