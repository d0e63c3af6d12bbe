// Simple load test: ramps to 50 users, logs in, searches, books one seat.
// The recommended first run against a new environment (about 3 minutes).
//
//   k6 run simple-load-test.js
//   loadctl run examples/simple-load-test.js
import http from 'k6/http';
import { check, group, sleep } from 'k6';

const BASE_URL = __ENV.BASE_URL || 'http://localhost:8080';
const USER_COUNT = parseInt(__ENV.USER_COUNT || '100', 10);
const JSON_HEADERS = { 'Content-Type': 'application/json' };

export const options = {
  stages: [
    { duration: '1m', target: 50 },
    { duration: '1m30s', target: 50 },
    { duration: '30s', target: 0 },
  ],
  thresholds: {
    http_req_duration: ['p(95)<1000', 'p(99)<2000'],
    http_req_failed: ['rate<0.05'],
    checks: ['rate>0.95'],
  },
};

export default function () {
  const user = ((__VU - 1) % USER_COUNT) + 1;
  let token;

  group('login', function () {
    const res = http.post(`${BASE_URL}/api/auth/login`, JSON.stringify({
      email: `testuser${user}@loadtest.com`,
      password: 'LoadTest123!',
    }), { headers: JSON_HEADERS, tags: { name: 'login' } });
    check(res, { 'logged in': (r) => r.status === 200 });
    token = res.status === 200 ? res.json('token') : undefined;
  });
  if (!token) return;
  sleep(1);

  let event;
  group('search', function () {
    const res = http.get(`${BASE_URL}/api/events?q=&page=1&size=20`, { tags: { name: 'search_events' } });
    check(res, { 'events listed': (r) => r.status === 200 });
    const events = (res.json('items') || []).filter((e) => e.availableSeats > 0);
    event = events[Math.floor(Math.random() * events.length)];
  });
  if (!event) return;
  sleep(1);

  group('book', function () {
    const seats = http.get(`${BASE_URL}/api/events/${event.id}/seats`, { tags: { name: 'view_seats' } });
    const free = (seats.json('seats') || []).filter((s) => s.status === 'AVAILABLE');
    if (free.length === 0) return;
    const seat = free[Math.floor(Math.random() * free.length)];
    const headers = { 'Content-Type': 'application/json', Authorization: `Bearer ${token}` };
    const hold = http.post(`${BASE_URL}/api/bookings`, JSON.stringify({ eventId: event.id, seatIds: [seat.id] }), {
      headers: headers, tags: { name: 'hold_seats' }, responseCallback: http.expectedStatuses(201, 409),
    });
    check(hold, { 'seat held or taken': (r) => r.status === 201 || r.status === 409 });
    if (hold.status === 201) {
      const confirm = http.post(`${BASE_URL}/api/bookings/${hold.json('id')}/confirm`, null, { headers: headers, tags: { name: 'confirm_booking' } });
      check(confirm, { 'booking confirmed': (r) => r.status === 200 });
    }
  });
  sleep(1);
}
