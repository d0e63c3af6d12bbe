// Bookings kept in PostgreSQL (the `pg` client), as the team's booking
// service keeps them. The in-memory store stays the arbiter of seats (one
// process, one event-loop turn per decision); PostgreSQL is the record. A new
// hold is written before it is answered, so while the database is away holds
// fail fast with 503, like seat locks while Redis is away. A later status
// change (confirmed, cancelled, expired) is queued and written within a
// quarter second, retried until the database takes it.
import pg from 'pg';
import type { ComponentHealth } from './locks.ts';
import type { Booking } from './store.ts';

export class DatabaseUnavailableError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'DatabaseUnavailableError';
  }
}

export interface BookingRecorder {
  /** Records a new hold; throws DatabaseUnavailableError when it cannot. */
  held(booking: Booking): Promise<void>;
  /** Queues a status change; it reaches the database as soon as the database answers. */
  changed(booking: Booking): void;
  health(): Promise<Record<string, ComponentHealth>>;
  close(): Promise<void>;
}

const schema = `CREATE TABLE IF NOT EXISTS bookings (
  id uuid PRIMARY KEY,
  user_id text NOT NULL,
  event_id text NOT NULL,
  seat_ids text[] NOT NULL,
  status text NOT NULL,
  expires_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now()
)`;

const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error));

export class PgBookings implements BookingRecorder {
  private readonly pool: pg.Pool;
  private readonly pending = new Map<string, Booking['status']>();
  private readonly flusher: NodeJS.Timeout;
  private flushing: Promise<void> | undefined;

  constructor(url: string) {
    this.pool = new pg.Pool({ connectionString: url, max: 8, connectionTimeoutMillis: 1000, query_timeout: 2000, idleTimeoutMillis: 10_000 });
    // An idle client whose server went away emits here; without a listener it would crash the process.
    this.pool.on('error', () => {});
    this.flusher = setInterval(() => { void this.flush(); }, 250);
    this.flusher.unref();
  }

  /** Creates the table, retrying until the database answers or `timeoutMs` passes. */
  async init(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      try {
        await this.pool.query(schema);
        return;
      } catch (error) {
        if (Date.now() >= deadline) throw new DatabaseUnavailableError(`PostgreSQL did not answer within ${timeoutMs} ms (${messageOf(error)})`, { cause: error });
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
    }
  }

  async held(b: Booking): Promise<void> {
    try {
      await this.pool.query('INSERT INTO bookings (id, user_id, event_id, seat_ids, status, expires_at) VALUES ($1, $2, $3, $4, $5, $6)',
        [b.id, b.userId, b.eventId, b.seatIds, b.status, new Date(b.expiresAt)]);
    } catch (error) {
      throw new DatabaseUnavailableError(`PostgreSQL refused the booking: ${messageOf(error)}`, { cause: error });
    }
  }

  changed(b: Booking): void {
    this.pending.set(b.id, b.status);
  }

  async health(): Promise<Record<string, ComponentHealth>> {
    try {
      await this.pool.query('SELECT 1');
      return { postgres: { status: 'UP' } };
    } catch (error) {
      return { postgres: { status: 'DOWN', detail: messageOf(error) } };
    }
  }

  async close(): Promise<void> {
    clearInterval(this.flusher);
    await this.flush().catch(() => {});
    await this.pool.end().catch(() => {});
  }

  private flush(): Promise<void> {
    if (this.flushing || this.pending.size === 0) return this.flushing ?? Promise.resolve();
    const batch = [...this.pending];
    this.pending.clear();
    this.flushing = (async () => {
      try {
        await this.pool.query('UPDATE bookings AS b SET status = v.status, updated_at = now() FROM unnest($1::uuid[], $2::text[]) AS v(id, status) WHERE b.id = v.id',
          [batch.map(([id]) => id), batch.map(([, status]) => status)]);
      } catch {
        // Put back what a newer change has not replaced; the next tick retries.
        for (const [id, status] of batch) if (!this.pending.has(id)) this.pending.set(id, status);
      } finally {
        this.flushing = undefined;
      }
    })();
    return this.flushing;
  }
}
