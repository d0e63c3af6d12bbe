// One function per call of docs/api.md: each sends one request with a `name`
// tag (so results are reported per endpoint), checks it, and returns the
// parsed body or undefined.
import http, { type RefinedResponse, type ResponseType } from 'k6/http';
import { check } from 'k6';
import { config, url } from './config.ts';

export interface EventSummary { id: string; name: string; venue: string; date: string; availableSeats: number }
export interface Seat { id: string; row: string; number: number; price: number; status: 'AVAILABLE' | 'HELD' | 'SOLD' }
export interface Booking { id: string; status: 'HELD' | 'CONFIRMED' | 'CANCELLED'; eventId: string; seatIds: string[]; expiresAt: string }

type Response = RefinedResponse<ResponseType | undefined>;

const JSON_HEADERS = { 'Content-Type': 'application/json' };

function auth(token: string): Record<string, string> {
  return { ...JSON_HEADERS, Authorization: `Bearer ${token}` };
}

/** The JSON body, or undefined when the response is not JSON. */
export function body<T>(res: Response): T | undefined {
  try {
    return res.json() as unknown as T;
  } catch {
    return undefined;
  }
}

export function login(email: string, password: string): string | undefined {
  const res = http.post(url(config.paths.login), JSON.stringify({ email, password }), {
    headers: JSON_HEADERS,
    tags: { name: 'login' },
  });
  const token = body<{ token?: string }>(res)?.token;
  check(res, { 'login 200': (r) => r.status === 200, 'login returns a token': () => typeof token === 'string' });
  return res.status === 200 ? token : undefined;
}

export function searchEvents(query = config.query, page = 1, size = 20): EventSummary[] {
  const qs = `q=${encodeURIComponent(query)}&page=${page}&size=${size}`;
  const res = http.get(url(`${config.paths.events}?${qs}`), { tags: { name: 'search_events' } });
  const items = body<{ items?: EventSummary[] }>(res)?.items;
  check(res, { 'search 200': (r) => r.status === 200, 'search lists events': () => Array.isArray(items) });
  return Array.isArray(items) ? items : [];
}

export function viewSeats(eventId: string): Seat[] {
  const path = config.paths.seats.replace('{id}', encodeURIComponent(eventId));
  const res = http.get(url(path), { tags: { name: 'view_seats' } });
  const seats = body<{ seats?: Seat[] }>(res)?.seats;
  check(res, { 'seats 200': (r) => r.status === 200 });
  return Array.isArray(seats) ? seats : [];
}

export interface HoldResult { res: Response; booking?: Booking; conflict: boolean; lockDown: boolean }

/** Holds seats. A 409 (seat taken) is an expected answer under contention, not an HTTP failure. */
export function holdSeats(token: string, eventId: string, seatIds: string[]): HoldResult {
  const res = http.post(url(config.paths.bookings), JSON.stringify({ eventId, seatIds }), {
    headers: auth(token),
    tags: { name: 'hold_seats' },
    responseCallback: http.expectedStatuses(201, 409),
  });
  check(res, { 'hold 201 or 409': (r) => r.status === 201 || r.status === 409 });
  return {
    res,
    booking: res.status === 201 ? body<Booking>(res) : undefined,
    conflict: res.status === 409,
    lockDown: res.status === 503,
  };
}

export function confirmBooking(token: string, bookingId: string): Response {
  const res = http.post(url(`${config.paths.bookings}/${encodeURIComponent(bookingId)}/confirm`), null, {
    headers: auth(token),
    tags: { name: 'confirm_booking' },
  });
  check(res, { 'confirm 200': (r) => r.status === 200 });
  return res;
}

export function cancelBooking(token: string, bookingId: string): Response {
  const res = http.del(url(`${config.paths.bookings}/${encodeURIComponent(bookingId)}`), null, {
    headers: auth(token),
    tags: { name: 'cancel_booking' },
  });
  check(res, { 'cancel 200': (r) => r.status === 200 });
  return res;
}

export function health(): Response {
  return http.get(url(config.paths.health), { tags: { name: 'health' }, responseCallback: http.expectedStatuses(200, 503) });
}
