// Bookings kept in PostgreSQL (the `pg` client), as the team's booking
// service keeps them. PostgreSQL is the authority on sold seats: a trigger
// claims each seat of a booking that becomes CONFIRMED in `sold_seats`
// (primary key event, seat), so a second sale of a seat is refused by the
// database whatever the process believes; at start the service reads the
// sold seats back (a restart over an existing table used to sell them
// again). The in-memory store stays the fast arbiter within one process.
// A new hold and a confirmation are written before they are answered, so
// while the database is away they fail fast with 503, like seat locks while
// Redis is away; a confirmation answered 200 is stored. Cancellations and
// expiries are queued and written within a quarter second, retried until
// the database takes them.
import pg from 'pg';
import type { ComponentHealth } from './locks.ts';
import type { Booking } from './store.ts';

export class DatabaseUnavailableError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'DatabaseUnavailableError';
  }
}

/** A seat the database says is sold to another booking. */
export interface SoldSeat { seatId: string; bookingId: string }

export interface BookingRecorder {
  /** Records a new hold; throws DatabaseUnavailableError when it cannot. */
  held(booking: Booking): Promise<void>;
  /**
   * Stores a confirmation; the seats the database has already sold to other
   * bookings when it refuses (none when stored). Throws DatabaseUnavailableError
   * when it cannot tell.
   */
  confirmed(booking: Booking): Promise<SoldSeat[]>;
  /** Every CONFIRMED booking, read at start so the process knows what is sold. */
  sold(): Promise<Array<Pick<Booking, 'id' | 'eventId' | 'seatIds'>>>;
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

// The guard, made idempotent (every start runs it): the claim table, the
// trigger function, seats of rows confirmed before the guard (or while it was
// off) claimed once, and the trigger itself. A seat already sold twice keeps
// its first claim (ON CONFLICT DO NOTHING): the damage stays visible to
// no-double-sale rather than stopping the service from starting.
const guard = [
  'SELECT pg_advisory_xact_lock(727274)',
  `CREATE TABLE IF NOT EXISTS sold_seats (
  event_id text NOT NULL,
  seat_id text NOT NULL,
  booking_id uuid NOT NULL,
  PRIMARY KEY (event_id, seat_id)
)`,
  `CREATE OR REPLACE FUNCTION claim_sold_seats() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.status = 'CONFIRMED' AND (TG_OP = 'INSERT' OR OLD.status IS DISTINCT FROM 'CONFIRMED') THEN
    INSERT INTO sold_seats (event_id, seat_id, booking_id) SELECT NEW.event_id, seat, NEW.id FROM unnest(NEW.seat_ids) AS seat;
  END IF;
  RETURN NEW;
END $$`,
  `INSERT INTO sold_seats (event_id, seat_id, booking_id)
  SELECT event_id, seat, id FROM bookings, unnest(seat_ids) AS seat WHERE status = 'CONFIRMED' ORDER BY updated_at, id
  ON CONFLICT DO NOTHING`,
  'DROP TRIGGER IF EXISTS bookings_claim_sold_seats ON bookings',
  'CREATE TRIGGER bookings_claim_sold_seats BEFORE INSERT OR UPDATE OF status ON bookings FOR EACH ROW EXECUTE FUNCTION claim_sold_seats()',
];
/** Only the double-sell break mode runs without the guard: see src/sandbox/breaks.ts. */
const noGuard = ['SELECT pg_advisory_xact_lock(727274)', 'DROP TRIGGER IF EXISTS bookings_claim_sold_seats ON bookings'];

const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error));
const UNIQUE_VIOLATION = '23505';

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

  /**
   * Creates the table and the guard on sold seats (or, `guard: false`, drops
   * the guard), retrying until the database answers or `timeoutMs` passes.
   */
  async init(timeoutMs: number, o: { guard?: boolean } = {}): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      try {
        await this.pool.query(schema);
        await this.transaction(o.guard === false ? noGuard : guard);
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

  async confirmed(b: Booking): Promise<SoldSeat[]> {
    // A queued change for this booking (none is expected: it was HELD) must not overwrite the confirmation.
    this.pending.delete(b.id);
    try {
      const result = await this.pool.query("UPDATE bookings SET status = 'CONFIRMED', updated_at = now() WHERE id = $1", [b.id]);
      if (result.rowCount === 0) throw new Error(`no row for booking ${b.id}`);
      return [];
    } catch (error) {
      if ((error as { code?: string }).code !== UNIQUE_VIOLATION) throw new DatabaseUnavailableError(`PostgreSQL did not store the confirmation: ${messageOf(error)}`, { cause: error });
    }
    try {
      const taken = await this.pool.query('SELECT seat_id, booking_id FROM sold_seats WHERE event_id = $1 AND seat_id = ANY($2) AND booking_id <> $3 ORDER BY seat_id',
        [b.eventId, b.seatIds, b.id]);
      return (taken.rows as Array<{ seat_id: string; booking_id: string }>).map((r) => ({ seatId: r.seat_id, bookingId: r.booking_id }));
    } catch (error) {
      throw new DatabaseUnavailableError(`PostgreSQL refused the confirmation and could not say why: ${messageOf(error)}`, { cause: error });
    }
  }

  async sold(): Promise<Array<Pick<Booking, 'id' | 'eventId' | 'seatIds'>>> {
    const result = await this.pool.query("SELECT id, event_id, seat_ids FROM bookings WHERE status = 'CONFIRMED' ORDER BY updated_at, id");
    return (result.rows as Array<{ id: string; event_id: string; seat_ids: string[] }>).map((r) => ({ id: r.id, eventId: r.event_id, seatIds: r.seat_ids }));
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

  private async transaction(statements: readonly string[]): Promise<void> {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      for (const statement of statements) await client.query(statement);
      await client.query('COMMIT');
    } catch (error) {
      await client.query('ROLLBACK').catch(() => {});
      throw error;
    } finally {
      client.release();
    }
  }

  private flush(): Promise<void> {
    if (this.flushing || this.pending.size === 0) return this.flushing ?? Promise.resolve();
    const batch = [...this.pending];
    this.pending.clear();
    this.flushing = (async () => {
      try {
        // A confirmed booking never changes again (confirm is written on its own, at once).
        await this.pool.query("UPDATE bookings AS b SET status = v.status, updated_at = now() FROM unnest($1::uuid[], $2::text[]) AS v(id, status) WHERE b.id = v.id AND b.status <> 'CONFIRMED'",
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
