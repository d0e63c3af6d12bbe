// Booking events on a Redis stream: the reference stack's stand-in for the
// team's Kafka topic. The booking service appends one entry per hold and
// confirmation; the consumer group reads them. The group's lag (entries not
// yet delivered) is the runbook's kafka_consumer_group_lag, which grows while
// the consumer is paused. Publishing never blocks or fails a request.
import { Redis } from 'ioredis';

export const bookingStream = { key: 'ticketing.bookings', group: 'booking-consumers', maxLength: 100_000 } as const;

/** Redis answers XINFO GROUPS as flat [name, value, ...] arrays. */
export function groupLag(reply: unknown, group: string, streamLength: number): number {
  if (!Array.isArray(reply)) return streamLength;
  for (const entry of reply) {
    if (!Array.isArray(entry)) continue;
    const fields = new Map<string, unknown>();
    for (let i = 0; i + 1 < entry.length; i += 2) fields.set(String(entry[i]), entry[i + 1]);
    if (fields.get('name') !== group) continue;
    const lag = fields.get('lag');
    // Redis gives a null lag when it cannot tell (entries deleted); then the undelivered and pending entries are the backlog.
    return typeof lag === 'number' ? lag + Number(fields.get('pending') ?? 0) : Number(fields.get('pending') ?? 0);
  }
  // No group yet (a fresh or restarted Redis): every entry is waiting.
  return streamLength;
}

export function redisClient(url: string, commandTimeoutMs = 500): Redis {
  const client = new Redis(url, {
    connectTimeout: 1000,
    commandTimeout: commandTimeoutMs,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    retryStrategy: (times) => Math.min(50 * times, 500),
  });
  // Without a listener ioredis' 'error' events would crash the process.
  client.on('error', () => {});
  return client;
}

export class BookingStream {
  private readonly redis: Redis;
  published = 0;
  failed = 0;

  constructor(url: string) {
    this.redis = redisClient(url);
  }

  publish(type: 'held' | 'confirmed', booking: { id: string; eventId: string }): void {
    if (this.redis.status !== 'ready') {
      this.failed += 1;
      return;
    }
    this.redis.xadd(bookingStream.key, 'MAXLEN', '~', String(bookingStream.maxLength), '*', 'type', type, 'booking', booking.id, 'event', booking.eventId)
      .then(() => { this.published += 1; }, () => { this.failed += 1; });
  }

  /** Entries the consumer group has not finished; throws when Redis does not answer. */
  async lag(): Promise<number> {
    const length = await this.redis.xlen(bookingStream.key);
    const groups = await this.redis.xinfo('GROUPS', bookingStream.key).catch(() => undefined);
    return groupLag(groups, bookingStream.group, length);
  }

  close(): void {
    this.redis.disconnect();
  }
}
