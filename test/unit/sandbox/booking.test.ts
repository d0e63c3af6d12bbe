import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startSandbox, type Sandbox } from '../../../src/sandbox/server.ts';
import { call, metricsText, sample, sleep, userToken } from '../../sandbox/helpers.ts';
import { waitFor } from '../../kit/wait.ts';

type Booking = { id: string; status: string; eventId: string; seatIds: string[]; expiresAt: string; conflicts?: string[] };
type Seats = { seats: Array<{ id: string; status: string }> };

// Two sandboxes: the default TTL for flows that must not race a clock, and a
// 1 s TTL for the expiry test.
let sb: Sandbox;
let short: Sandbox;
let alice: string;
let bob: string;
before(async () => {
  sb = await startSandbox({ port: 0, events: 5, seatsPerEvent: 40 });
  short = await startSandbox({ port: 0, holdTtlMs: 1000, events: 5, seatsPerEvent: 40 });
  alice = await userToken(sb.url, 'alice@example.com');
  bob = await userToken(sb.url, 'bob@example.com');
});
after(async () => {
  await sb.close();
  await short.close();
});

const seatStatus = async (eventId: string, seatId: string, on: Sandbox = sb) =>
  (await call<Seats>(on.url, 'GET', `/api/events/${eventId}/seats`)).body.seats.find((s) => s.id === seatId)?.status;

test('the whole booking flow: search, seats, hold, confirm, sold, cancel', async () => {
  const search = await call<{ items: Array<{ id: string; availableSeats: number }>; total: number; page: number }>(sb.url, 'GET', '/api/events?page=2&size=2');
  assert.equal(search.status, 200);
  assert.deepEqual(search.body.items.map((e) => e.id), ['evt-3', 'evt-4']);
  assert.equal(search.body.total, 5);
  const byName = await call<{ items: Array<{ name: string }> }>(sb.url, 'GET', '/api/events?q=opera');
  assert.ok(byName.body.items.length > 0 && byName.body.items.every((e) => /opera/i.test(e.name)));

  const held = await call<Booking>(sb.url, 'POST', '/api/bookings', { token: alice, body: { eventId: 'evt-2', seatIds: ['A-1', 'A-2'] } });
  assert.equal(held.status, 201);
  assert.equal(held.body.status, 'HELD');
  assert.ok(Date.parse(held.body.expiresAt) > Date.now());
  assert.equal(await seatStatus('evt-2', 'A-1'), 'HELD');
  assert.equal((await call<{ availableSeats: number }>(sb.url, 'GET', '/api/events/evt-2')).body.availableSeats, 38);
  assert.equal((await call<Booking>(sb.url, 'GET', `/api/bookings/${held.body.id}`, { token: alice })).body.status, 'HELD');
  assert.equal((await call(sb.url, 'GET', `/api/bookings/${held.body.id}`, { token: bob })).status, 404, "another user's booking is not visible");

  const clash = await call<Booking>(sb.url, 'POST', '/api/bookings', { token: bob, body: { eventId: 'evt-2', seatIds: ['A-2', 'A-3'] } });
  assert.equal(clash.status, 409);
  assert.deepEqual(clash.body.conflicts, ['A-2']);

  const confirmed = await call<Booking>(sb.url, 'POST', `/api/bookings/${held.body.id}/confirm`, { token: alice });
  assert.deepEqual([confirmed.status, confirmed.body.status], [200, 'CONFIRMED']);
  assert.equal(await seatStatus('evt-2', 'A-1'), 'SOLD');
  assert.equal((await call(sb.url, 'DELETE', `/api/bookings/${held.body.id}`, { token: alice })).status, 409, 'a confirmed booking cannot be cancelled');

  const other = await call<Booking>(sb.url, 'POST', '/api/bookings', { token: bob, body: { eventId: 'evt-2', seatIds: ['A-3'] } });
  assert.equal(other.status, 201);
  const cancelled = await call<Booking>(sb.url, 'DELETE', `/api/bookings/${other.body.id}`, { token: bob });
  assert.deepEqual([cancelled.status, cancelled.body.status], [200, 'CANCELLED']);
  assert.equal(await seatStatus('evt-2', 'A-3'), 'AVAILABLE');
  assert.equal((await call(sb.url, 'POST', `/api/bookings/${other.body.id}/confirm`, { token: bob })).status, 409, 'a cancelled booking cannot be confirmed');
});

test('a hold expires after its TTL: the sweep releases and counts it, confirm answers 410', async () => {
  const [erin, frank] = [await userToken(short.url, 'erin@example.com'), await userToken(short.url, 'frank@example.com')];
  const before = sample(await metricsText(short.url), 'booking_reservation_expirations_total');
  const held = await call<Booking>(short.url, 'POST', '/api/bookings', { token: erin, body: { eventId: 'evt-3', seatIds: ['B-1'] } });
  assert.equal(held.status, 201);
  assert.ok(Date.parse(held.body.expiresAt) - Date.now() <= 1000);
  // Read before touching the booking: the counter must move by the sweep alone.
  await waitFor('the sweep to release the expired hold', async () => sample(await metricsText(short.url), 'booking_reservation_expirations_total') === before + 1);
  assert.equal(await seatStatus('evt-3', 'B-1', short), 'AVAILABLE');
  const late = await call(short.url, 'POST', `/api/bookings/${held.body.id}/confirm`, { token: erin });
  assert.equal(late.status, 410);
  assert.equal(late.body.error, 'hold_expired');
  assert.equal((await call<Booking>(short.url, 'GET', `/api/bookings/${held.body.id}`, { token: erin })).body.status, 'EXPIRED');
  const cancelled = await call<Booking>(short.url, 'DELETE', `/api/bookings/${held.body.id}`, { token: erin });
  assert.deepEqual([cancelled.status, cancelled.body.status], [200, 'CANCELLED'], 'an expired hold can still be cancelled');
  assert.equal(sample(await metricsText(short.url), 'booking_reservation_expirations_total'), before + 1, 'counted once');
  const again = await call(short.url, 'POST', '/api/bookings', { token: frank, body: { eventId: 'evt-3', seatIds: ['B-1'] } });
  assert.equal(again.status, 201, 'an expired seat can be held again');
});

test('many concurrent holds of the same seats: exactly one wins, and the seats sell once', async () => {
  const tokens = await Promise.all(Array.from({ length: 10 }, (_, i) => userToken(sb.url, `racer${i}@example.com`)));
  const attempts = Array.from({ length: 60 }, (_, i) => call<Booking>(sb.url, 'POST', '/api/bookings', {
    token: tokens[i % tokens.length], body: { eventId: 'evt-4', seatIds: i % 2 === 0 ? ['B-5', 'B-6'] : ['B-6', 'B-5'] },
  }));
  const answers = await Promise.all(attempts);
  const winners = answers.filter((a) => a.status === 201);
  assert.equal(winners.length, 1);
  assert.equal(answers.filter((a) => a.status === 409).length, 59);
  const winner = winners[0] as (typeof winners)[number];
  const owner = tokens[answers.indexOf(winner) % tokens.length] as string;
  const confirms = await Promise.all(Array.from({ length: 5 }, () => call(sb.url, 'POST', `/api/bookings/${winner.body.id}/confirm`, { token: owner })));
  assert.ok(confirms.every((c) => c.status === 200));
  assert.equal((await call<{ availableSeats: number }>(sb.url, 'GET', '/api/events/evt-4')).body.availableSeats, 38);
});
