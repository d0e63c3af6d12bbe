// The in-memory data of the sandbox: users, tokens, events, seats, bookings.
// Every method is synchronous, so each state change happens in one turn of
// the event loop: that is what guarantees a seat is never sold twice, even
// when the lock service (which can lose keys, e.g. a Redis restart) says yes.
import { createHash, randomBytes, randomUUID } from 'node:crypto';

export interface User { id: string; email: string; name: string; salt: string; hash: string }
export interface Seat { id: string; row: string; number: number; price: number; soldTo?: string; heldBy?: string }
export interface EventRecord {
  id: string; name: string; venue: string; date: string;
  seats: Map<string, Seat>;
  /** Seats neither sold nor held by a live booking. */
  available: number;
}
export type BookingStatus = 'HELD' | 'CONFIRMED' | 'CANCELLED' | 'EXPIRED';
export interface Booking {
  id: string; userId: string; eventId: string; seatIds: string[];
  status: BookingStatus; expiresAt: number;
}
export type SeatStatus = 'AVAILABLE' | 'HELD' | 'SOLD';

export interface SeedOptions { events: number; seatsPerEvent: number }

const SEATS_PER_ROW = 20;
const VENUES = ['Arena North', 'Riverside Hall', 'Old Theatre', 'Harbour Stadium', 'Glasshouse Club'];
const KINDS = ['Concert', 'Festival', 'Opera', 'Match', 'Comedy Night'];

/** A, B, ..., Z, AA, AB, ...: row names for any number of rows. */
export function rowName(index: number): string {
  let n = index + 1;
  let name = '';
  while (n > 0) {
    const r = (n - 1) % 26;
    name = String.fromCharCode(65 + r) + name;
    n = Math.floor((n - 1) / 26);
  }
  return name;
}

// Deliberately a cheap salted hash, not scrypt: this is a test target, and a
// slow hash would make account creation the bottleneck of every benchmark.
const hashPassword = (salt: string, password: string) => createHash('sha256').update(salt).update(password).digest('hex');

export class Store {
  private readonly users = new Map<string, User>();
  private readonly tokens = new Map<string, string>();
  readonly events = new Map<string, EventRecord>();
  private readonly eventList: EventRecord[] = [];
  private readonly bookings = new Map<string, Booking>();
  /** Bookings in HELD state, so the expiry sweep does not scan history. */
  private readonly live = new Set<Booking>();

  constructor(seed: SeedOptions, private readonly onExpired: (b: Booking) => void = () => {}) {
    const start = Date.UTC(2027, 0, 15, 19, 30);
    for (let e = 1; e <= seed.events; e += 1) {
      const seats = new Map<string, Seat>();
      for (let s = 0; s < seed.seatsPerEvent; s += 1) {
        const row = rowName(Math.floor(s / SEATS_PER_ROW));
        const number = (s % SEATS_PER_ROW) + 1;
        const id = `${row}-${number}`;
        seats.set(id, { id, row, number, price: 40 + 10 * (Math.floor(s / SEATS_PER_ROW) % 5) });
      }
      const event: EventRecord = {
        id: `evt-${e}`,
        name: `${KINDS[(e - 1) % KINDS.length]} ${e}`,
        venue: VENUES[(e - 1) % VENUES.length] as string,
        date: new Date(start + (e - 1) * 86_400_000).toISOString(),
        seats,
        available: seed.seatsPerEvent,
      };
      this.events.set(event.id, event);
      this.eventList.push(event);
    }
  }

  register(email: string, password: string, name: string): User | 'exists' {
    const key = email.toLowerCase();
    if (this.users.has(key)) return 'exists';
    const salt = randomBytes(8).toString('hex');
    const user: User = { id: randomUUID(), email, name, salt, hash: hashPassword(salt, password) };
    this.users.set(key, user);
    return user;
  }

  hasUser(email: string): boolean {
    return this.users.has(email.toLowerCase());
  }

  get userCount(): number {
    return this.users.size;
  }

  login(email: string, password: string): string | undefined {
    const user = this.users.get(email.toLowerCase());
    if (!user || user.hash !== hashPassword(user.salt, password)) return undefined;
    const token = randomBytes(24).toString('base64url');
    this.tokens.set(token, user.id);
    return token;
  }

  userForToken(token: string): string | undefined {
    return this.tokens.get(token);
  }

  search(q: string, page: number, size: number): { items: EventRecord[]; total: number } {
    const needle = q.trim().toLowerCase();
    const hits = needle === ''
      ? this.eventList
      : this.eventList.filter((e) => e.name.toLowerCase().includes(needle) || e.venue.toLowerCase().includes(needle));
    return { items: hits.slice((page - 1) * size, page * size), total: hits.length };
  }

  seatStatus(seat: Seat, now: number): SeatStatus {
    if (seat.soldTo) return 'SOLD';
    if (seat.heldBy && this.liveHold(seat.heldBy, now)) return 'HELD';
    return 'AVAILABLE';
  }

  /** Seats among `seatIds` that are sold or held by a live booking. */
  conflicts(event: EventRecord, seatIds: readonly string[], now: number): string[] {
    return seatIds.filter((id) => {
      const seat = event.seats.get(id);
      return seat !== undefined && this.seatStatus(seat, now) !== 'AVAILABLE';
    });
  }

  /** Records a hold; the caller has checked conflicts in this same turn. */
  hold(event: EventRecord, seatIds: readonly string[], userId: string, expiresAt: number, id: string = randomUUID()): Booking {
    const booking: Booking = { id, userId, eventId: event.id, seatIds: [...seatIds], status: 'HELD', expiresAt };
    for (const seatId of seatIds) (event.seats.get(seatId) as Seat).heldBy = booking.id;
    event.available -= seatIds.length;
    this.bookings.set(booking.id, booking);
    this.live.add(booking);
    return booking;
  }

  booking(id: string): Booking | undefined {
    return this.bookings.get(id);
  }

  confirm(booking: Booking, now: number): 'ok' | 'expired' | 'cancelled' | 'sold' {
    if (booking.status === 'CONFIRMED') return 'ok';
    if (booking.status === 'CANCELLED') return 'cancelled';
    if (booking.status === 'EXPIRED' || !this.liveHold(booking.id, now)) return 'expired';
    const event = this.events.get(booking.eventId) as EventRecord;
    // The last line of defence against double selling.
    if (booking.seatIds.some((id) => event.seats.get(id)?.soldTo !== undefined)) return 'sold';
    for (const id of booking.seatIds) {
      const seat = event.seats.get(id) as Seat;
      seat.soldTo = booking.id;
      seat.heldBy = undefined;
    }
    booking.status = 'CONFIRMED';
    this.live.delete(booking);
    return 'ok';
  }

  /** Takes back a confirmation the database refused or could not store: HELD again, until its own deadline. */
  unconfirm(booking: Booking): void {
    if (booking.status !== 'CONFIRMED') return;
    const event = this.events.get(booking.eventId) as EventRecord;
    for (const id of booking.seatIds) {
      const seat = event.seats.get(id) as Seat;
      if (seat.soldTo !== booking.id) continue;
      seat.soldTo = undefined;
      seat.heldBy = booking.id;
    }
    booking.status = 'HELD';
    this.live.add(booking);
  }

  /**
   * Marks seats sold that the database says are sold (at start, or when it
   * refused a confirmation); unknown events and seats are skipped. Returns how
   * many seats it marked.
   */
  restoreSold(eventId: string, seatIds: readonly string[], bookingId: string): number {
    const event = this.events.get(eventId);
    if (!event) return 0;
    let marked = 0;
    for (const id of seatIds) {
      const seat = event.seats.get(id);
      if (!seat || seat.soldTo) continue;
      // A seat under a live hold is already counted as unavailable.
      if (!(seat.heldBy && this.bookings.get(seat.heldBy)?.status === 'HELD')) event.available -= 1;
      seat.soldTo = bookingId;
      marked += 1;
    }
    return marked;
  }

  cancel(booking: Booking, now: number): 'ok' | 'confirmed' {
    if (booking.status === 'CONFIRMED') return 'confirmed';
    // liveHold expires a hold past its TTL (and counts it) before the cancel.
    if (this.liveHold(booking.id, now)) this.end(booking, 'CANCELLED');
    else if (booking.status === 'EXPIRED') booking.status = 'CANCELLED';
    return 'ok';
  }

  /** Expires every hold whose TTL ran out; returns them so locks can be released. */
  sweep(now: number): Booking[] {
    const due: Booking[] = [];
    for (const booking of this.live) if (booking.expiresAt <= now) due.push(booking);
    for (const booking of due) this.expire(booking);
    return due;
  }

  /** Whether `bookingId` is HELD and inside its TTL; expires it on the spot if not. */
  private liveHold(bookingId: string, now: number): boolean {
    const booking = this.bookings.get(bookingId);
    if (!booking || booking.status !== 'HELD') return false;
    if (booking.expiresAt > now) return true;
    this.expire(booking);
    return false;
  }

  private expire(booking: Booking): void {
    if (booking.status !== 'HELD') return;
    this.end(booking, 'EXPIRED');
    this.onExpired(booking);
  }

  private end(booking: Booking, status: 'CANCELLED' | 'EXPIRED'): void {
    const event = this.events.get(booking.eventId) as EventRecord;
    for (const id of booking.seatIds) {
      const seat = event.seats.get(id);
      if (seat?.heldBy === booking.id) seat.heldBy = undefined;
    }
    event.available += booking.seatIds.length;
    booking.status = status;
    this.live.delete(booking);
  }
}
