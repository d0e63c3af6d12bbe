// The ticketing API of docs/api.md as a route table over the store and the
// lock service.
import { randomUUID } from 'node:crypto';
import { HttpError, objectBody, positiveInt, requiredString, type RequestContext, type Route } from './http.ts';
import { LockUnavailableError } from './locks.ts';
import { DatabaseUnavailableError } from './pg-bookings.ts';
import type { Booking, EventRecord } from './store.ts';
import { confirmBooking, lockKeyOf } from './confirm.ts';
import type { ApiDeps } from './api-deps.ts';

export type { ApiDeps };

const MAX_SEATS_PER_BOOKING = 20;
const TOKEN_TTL_SECONDS = 3600;
const EMAIL = /^[^\s@]+@[^\s@]+$/;

export const lockKey = lockKeyOf;

export function apiRoutes(deps: ApiDeps): Route[] {
  const { store, metrics, now } = deps;
  const confirm = confirmBooking(deps);

  const userOf = (ctx: RequestContext): string => {
    const header = ctx.req.headers.authorization ?? '';
    const m = /^Bearer\s+(\S+)$/i.exec(header);
    const userId = m ? store.userForToken(m[1] as string) : undefined;
    if (!userId) throw new HttpError(401, 'unauthorized', 'send "Authorization: Bearer <token>" from POST /api/auth/login');
    return userId;
  };
  const eventOf = (id: string): EventRecord => {
    const event = store.events.get(id);
    if (!event) throw new HttpError(404, 'unknown_event', `no event "${id}"`);
    return event;
  };
  // Another user's booking answers 404 too: its existence is not theirs to know.
  const bookingOf = (ctx: RequestContext): Booking => {
    const userId = userOf(ctx);
    const booking = store.booking(ctx.params.id ?? '');
    if (!booking || booking.userId !== userId) throw new HttpError(404, 'unknown_booking', `no booking "${ctx.params.id}"`);
    return booking;
  };
  const eventView = (e: EventRecord) => ({ id: e.id, name: e.name, venue: e.venue, date: e.date, availableSeats: e.available });
  const bookingView = (b: Booking) => ({
    id: b.id, status: b.status, eventId: b.eventId, seatIds: b.seatIds, expiresAt: new Date(b.expiresAt).toISOString(),
  });
  const ok = (body: unknown, status = 200) => ({ status, body });

  return [
    {
      method: 'POST', path: '/api/auth/register', body: true,
      handle: (ctx) => {
        const body = objectBody(ctx.body);
        const email = requiredString(body, 'email');
        if (!EMAIL.test(email)) throw new HttpError(400, 'bad_field', '"email" must look like name@domain', { field: 'email' });
        const password = requiredString(body, 'password');
        const name = typeof body.name === 'string' ? body.name : email.split('@')[0] as string;
        const user = store.register(email, password, name);
        if (user === 'exists') throw new HttpError(409, 'email_exists', `an account for ${email} already exists`);
        return ok({ id: user.id, email: user.email }, 201);
      },
    },
    {
      method: 'POST', path: '/api/auth/login', body: true,
      handle: (ctx) => {
        const body = objectBody(ctx.body);
        const token = store.login(requiredString(body, 'email'), requiredString(body, 'password'));
        if (!token) throw new HttpError(401, 'bad_credentials', 'wrong email or password');
        return ok({ token, expiresIn: TOKEN_TTL_SECONDS });
      },
    },
    {
      method: 'GET', path: '/api/events',
      handle: (ctx) => {
        const page = positiveInt(ctx.query, 'page', 1, 1_000_000);
        const size = positiveInt(ctx.query, 'size', 20, 100);
        const { items, total } = store.search(ctx.query.get('q') ?? '', page, size);
        return ok({ items: items.map(eventView), page, size, total });
      },
    },
    { method: 'GET', path: '/api/events/{id}', handle: (ctx) => ok(eventView(eventOf(ctx.params.id ?? ''))) },
    {
      method: 'GET', path: '/api/events/{id}/seats',
      handle: (ctx) => {
        const event = eventOf(ctx.params.id ?? '');
        const t = now();
        const seats = [...event.seats.values()].map((s) => ({ id: s.id, row: s.row, number: s.number, price: s.price, status: store.seatStatus(s, t) }));
        return ok({ eventId: event.id, seats });
      },
    },
    { method: 'POST', path: '/api/bookings', body: true, handle: (ctx) => hold(deps, userOf(ctx), ctx.body, eventOf).then((b) => ok(bookingView(b), 201)) },
    { method: 'GET', path: '/api/bookings/{id}', handle: (ctx) => ok(bookingView(bookingOf(ctx))) },
    { method: 'POST', path: '/api/bookings/{id}/confirm', handle: (ctx) => confirm(bookingOf(ctx)) },
    {
      method: 'DELETE', path: '/api/bookings/{id}',
      handle: (ctx) => {
        const booking = bookingOf(ctx);
        const wasHeld = booking.status === 'HELD';
        if (store.cancel(booking, now()) === 'confirmed') throw new HttpError(409, 'booking_confirmed', 'a confirmed booking cannot be cancelled');
        if (wasHeld) {
          metrics.bookings.inc({ outcome: 'cancelled' });
          deps.recorder?.changed(booking);
          void deps.locks.release(booking.seatIds.map((s) => lockKey(booking.eventId, s)), booking.id).catch(() => {});
        }
        return ok({ id: booking.id, status: booking.status });
      },
    },
  ];
}

async function hold(deps: ApiDeps, userId: string, rawBody: unknown, eventOf: (id: string) => EventRecord): Promise<Booking> {
  const { store, locks, metrics, now } = deps;
  const body = objectBody(rawBody);
  const event = eventOf(requiredString(body, 'eventId'));
  const seatIds = seatList(body.seatIds);
  const unknown = seatIds.filter((id) => !event.seats.has(id));
  if (unknown.length > 0) throw new HttpError(404, 'unknown_seat', `no seat ${unknown.join(', ')} in ${event.id}`, { seats: unknown });

  const conflict = (ids: string[]) => {
    metrics.lockFailures.inc({ reason: 'conflict' });
    return new HttpError(409, 'seat_unavailable', `seat ${ids.join(', ')} is held or sold`, { conflicts: ids });
  };
  // Cheap pre-check: no lock traffic for seats the store already knows are taken.
  const taken = store.conflicts(event, seatIds, now());
  if (taken.length > 0) throw conflict(taken);

  const bookingId = randomUUID();
  // The local deadline is set before the lock is taken, so it always ends no
  // later than the lock's own TTL: a confirm the store accepts is still covered.
  const expiresAt = now() + deps.holdTtlMs;
  const keys = seatIds.map((s) => lockKey(event.id, s));
  metrics.queueLength.inc();
  let result;
  try {
    result = await locks.acquire(keys, bookingId, deps.holdTtlMs);
  } catch (error) {
    if (!(error instanceof LockUnavailableError)) throw error;
    metrics.lockFailures.inc({ reason: 'unavailable' });
    throw new HttpError(503, 'lock_service_unavailable', 'the seat lock service is down; try again shortly');
  } finally {
    metrics.queueLength.dec();
  }
  // Re-check after the await: the store also knows holds a restarted Redis forgot.
  const lost = result.conflicts.length > 0 ? result.conflicts.map((k) => k.slice(event.id.length + 1)) : store.conflicts(event, seatIds, now());
  if (lost.length > 0) {
    await locks.release(result.acquired, bookingId).catch(() => {});
    throw conflict(lost);
  }
  const booking = store.hold(event, seatIds, userId, expiresAt, bookingId);
  if (deps.recorder) {
    try {
      await deps.recorder.held(booking);
    } catch (error) {
      if (!(error instanceof DatabaseUnavailableError)) throw error;
      // Unrecorded, the hold never happened: free the seats and the locks.
      store.cancel(booking, now());
      await locks.release(result.acquired, bookingId).catch(() => {});
      throw new HttpError(503, 'database_unavailable', 'the booking database is down; try again shortly');
    }
  }
  metrics.bookings.inc({ outcome: 'held' });
  deps.stream?.publish('held', booking);
  return booking;
}

function seatList(value: unknown): string[] {
  if (!Array.isArray(value) || value.length === 0 || !value.every((v) => typeof v === 'string' && v !== '')) {
    throw new HttpError(400, 'bad_field', '"seatIds" must be a non-empty array of seat ids', { field: 'seatIds' });
  }
  if (value.length > MAX_SEATS_PER_BOOKING) throw new HttpError(400, 'bad_field', `at most ${MAX_SEATS_PER_BOOKING} seats per booking`, { field: 'seatIds' });
  if (new Set(value).size !== value.length) throw new HttpError(400, 'bad_field', '"seatIds" lists a seat twice', { field: 'seatIds' });
  return value as string[];
}
