// POST /api/bookings/{id}/confirm. The store decides at once (one event-loop
// turn, so two confirmations in this process never sell a seat twice); with
// a recorder, the answer waits until PostgreSQL has the confirmation, and
// PostgreSQL, the authority on sold seats, may still refuse it: a seat sold
// by a booking this process never knew of (another instance, or one from
// before a restart that the start-up read missed). Refused, the hold is
// cancelled, the seats are marked sold and the answer is 409; the database
// away, the booking stays held and the answer is 503.
import { HttpError, type Reply } from './http.ts';
import type { ApiDeps } from './api-deps.ts';
import { DatabaseUnavailableError } from './pg-bookings.ts';
import type { Booking } from './store.ts';

export const lockKeyOf = (eventId: string, seatId: string) => `${eventId}:${seatId}`;

export function confirmBooking(deps: ApiDeps): (booking: Booking) => Promise<Reply> {
  const { store, metrics, now } = deps;
  // A second confirm of a booking whose first is still being written gets the first's answer, not an early 200.
  const inFlight = new Map<string, Promise<Reply>>();
  const releaseLocks = (b: Booking) => void deps.locks.release(b.seatIds.map((s) => lockKeyOf(b.eventId, s)), b.id).catch(() => {});

  const commit = async (booking: Booking): Promise<Reply> => {
    if (deps.recorder) {
      let taken;
      try {
        taken = await deps.recorder.confirmed(booking);
      } catch (error) {
        store.unconfirm(booking);
        if (!(error instanceof DatabaseUnavailableError)) throw error;
        throw new HttpError(503, 'database_unavailable', 'the booking database is down; the seats stay held: confirm again shortly');
      }
      if (taken.length > 0) {
        store.unconfirm(booking);
        store.cancel(booking, now());
        deps.recorder.changed(booking);
        for (const t of taken) store.restoreSold(booking.eventId, [t.seatId], t.bookingId);
        releaseLocks(booking);
        metrics.lockFailures.inc({ reason: 'conflict' });
        const seats = taken.map((t) => t.seatId);
        throw new HttpError(409, 'seat_unavailable', `seat ${seats.join(', ')} is already sold (the booking database says so); the hold is cancelled`, { conflicts: seats });
      }
    }
    metrics.bookings.inc({ outcome: 'confirmed' });
    deps.stream?.publish('confirmed', booking);
    // Sold seats are guarded by the store and the database from now on; the locks may go.
    releaseLocks(booking);
    return { status: 200, body: { id: booking.id, status: booking.status } };
  };

  return (booking) => {
    const pending = inFlight.get(booking.id);
    if (pending) return pending;
    const wasHeld = booking.status === 'HELD';
    const outcome = store.confirm(booking, now());
    if (outcome === 'expired') throw new HttpError(410, 'hold_expired', 'the hold expired; hold the seats again');
    if (outcome === 'cancelled') throw new HttpError(409, 'booking_cancelled', 'the booking was cancelled');
    if (outcome === 'sold') throw new HttpError(409, 'seat_unavailable', 'a seat of this booking was sold meanwhile');
    if (!wasHeld) return Promise.resolve({ status: 200, body: { id: booking.id, status: booking.status } });
    const answer = commit(booking).finally(() => inFlight.delete(booking.id));
    inFlight.set(booking.id, answer);
    return answer;
  };
}
