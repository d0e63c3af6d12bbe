// The custom metrics the targets and the verdict read. Names are part of the
// contract with the profiles (booking_duration is the default P99 target).
import { Counter, Rate, Trend } from 'k6/metrics';

/** Holds refused because a seat was taken (409) or the lock service was down (503). */
export const bookingLockFailures = new Counter('booking_lock_failures');
/** Share of booking attempts that ended CONFIRMED. */
export const bookingSuccess = new Rate('booking_success');
/** Server time of a booking: hold plus confirm (or the hold alone when it failed), ms. */
export const bookingDuration = new Trend('booking_duration', true);
