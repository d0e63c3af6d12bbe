// What the API's routes are built over: the store, the locks, the metrics and
// where bookings and their events go. Apart from api.ts so that the confirm
// route (confirm.ts) can take it without importing the route table.
import type { LockService } from './locks.ts';
import type { SandboxMetrics } from './metrics.ts';
import type { BookingRecorder } from './pg-bookings.ts';
import type { Booking, Store } from './store.ts';

export interface ApiDeps {
  store: Store;
  locks: LockService;
  metrics: SandboxMetrics;
  holdTtlMs: number;
  now: () => number;
  /** Where bookings are recorded (PostgreSQL in the stack); none keeps them in memory only. */
  recorder?: BookingRecorder;
  /** Where booking events go for the consumer (a Redis stream in the stack). */
  stream?: { publish(type: 'held' | 'confirmed', booking: Booking): void };
}
