// The sandbox's Prometheus metrics, through prom-client: the families the
// runbook's dashboards read (booking_lock_failures_total,
// booking_queue_length, booking_reservation_expirations_total,
// http_server_requests_seconds), on a registry of their own so two sandboxes
// in one process (tests, benchmarks) never share series. The stack adds
// kafka_consumer_group_lag to the same registry.
import { Counter, Gauge, Histogram, Registry } from 'prom-client';

export class SandboxMetrics {
  readonly registry = new Registry();
  readonly lockFailures = new Counter({
    name: 'booking_lock_failures_total',
    help: 'Seat lock attempts that failed: reason="conflict" (seat held or sold) or "unavailable" (lock service down)',
    labelNames: ['reason'] as const,
    registers: [this.registry],
  });
  readonly queueLength = new Gauge({ name: 'booking_queue_length', help: 'Hold requests waiting on the lock service right now', registers: [this.registry] });
  readonly expirations = new Counter({ name: 'booking_reservation_expirations_total', help: 'Holds released because their TTL ran out', registers: [this.registry] });
  readonly bookings = new Counter({ name: 'booking_bookings_total', help: 'Bookings by outcome', labelNames: ['outcome'] as const, registers: [this.registry] });
  readonly http = new Histogram({
    name: 'http_server_requests_seconds',
    help: 'HTTP request duration in seconds by method, route and status',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });

  constructor() {
    // Series that exist before their first event, so dashboards and rate() see them from the first scrape.
    for (const reason of ['conflict', 'unavailable']) this.lockFailures.inc({ reason }, 0);
    for (const outcome of ['held', 'confirmed', 'cancelled']) this.bookings.inc({ outcome }, 0);
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  render(): Promise<string> {
    return this.registry.metrics();
  }
}
