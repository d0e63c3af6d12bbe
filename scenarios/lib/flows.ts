// The user journeys the scenarios are made of, built from api.ts, each step in
// a k6 group. Per-VU state (the token) lives in module scope: k6 gives every
// VU its own copy of the module.
import { group, sleep } from 'k6';
import { bookingDuration, bookingLockFailures, bookingSuccess } from './metrics.ts';
import { cancelBooking, confirmBooking, holdSeats, login, searchEvents, viewSeats, type EventSummary, type Seat } from './api.ts';
import { config, userFor } from './config.ts';

let token: string | undefined;

/** Pauses about `seconds` (THINK_TIME by default), jittered so VUs do not march in step. */
export function think(seconds = config.thinkTime): void {
  if (seconds > 0) sleep(seconds * (0.5 + Math.random()));
}

function pick<T>(items: readonly T[]): T | undefined {
  return items.length === 0 ? undefined : items[Math.floor(Math.random() * items.length)];
}

/** Logs in once per VU and reuses the token; `force` after a 401. */
export function ensureLogin(vu: number, force = false): string | undefined {
  if (token && !force) return token;
  const user = userFor(vu);
  token = group('login', () => login(user.email, user.password));
  return token;
}

export function browse(): { event?: EventSummary; seats: Seat[] } {
  const events = group('search events', () => searchEvents());
  const event = pick(events.filter((e) => e.availableSeats > 0));
  if (!event) return { seats: [] };
  think();
  const seats = group('view seats', () => viewSeats(event.id));
  return { event, seats };
}

/** Picks `count` available seats; `front` limits the choice to the first ones (a flash sale's best seats). */
export function chooseSeats(seats: readonly Seat[], count = config.seatsPerBooking, front?: number): string[] {
  const free = seats.filter((s) => s.status === 'AVAILABLE');
  const pool = front === undefined ? free : free.slice(0, front);
  const chosen: string[] = [];
  while (chosen.length < count && pool.length > chosen.length) {
    const seat = pick(pool.filter((s) => !chosen.includes(s.id)));
    if (!seat) break;
    chosen.push(seat.id);
  }
  return chosen;
}

/**
 * Holds the seats, then confirms (or cancels, CANCEL_RATIO of the time).
 * Records booking_duration, booking_success and booking_lock_failures.
 */
export function book(vu: number, eventId: string, seatIds: string[]): boolean {
  const auth = ensureLogin(vu);
  if (!auth || seatIds.length === 0) {
    bookingSuccess.add(false);
    return false;
  }
  return group('booking', () => {
    const hold = holdSeats(auth, eventId, seatIds);
    if (hold.res.status === 401) ensureLogin(vu, true);
    if (hold.conflict || hold.lockDown) bookingLockFailures.add(1);
    if (!hold.booking) {
      bookingDuration.add(hold.res.timings.duration);
      bookingSuccess.add(false);
      return false;
    }
    if (config.cancelRatio > 0 && Math.random() < config.cancelRatio) {
      cancelBooking(auth, hold.booking.id);
      return true;
    }
    const confirm = confirmBooking(auth, hold.booking.id);
    bookingDuration.add(hold.res.timings.duration + confirm.timings.duration);
    bookingSuccess.add(confirm.status === 200);
    return confirm.status === 200;
  });
}

/** The whole journey: log in, search, look at the seats, book, then pause `thinkAfter` seconds. */
export function fullJourney(vu: number, thinkAfter = config.thinkTime): void {
  ensureLogin(vu);
  think();
  const { event, seats } = browse();
  if (!event) return;
  think();
  book(vu, event.id, chooseSeats(seats));
  think(thinkAfter);
}
