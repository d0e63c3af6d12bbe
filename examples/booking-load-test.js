// Standard booking load test: users log in, search, look at seats, hold and
// confirm them, following a ramp from normal to high traffic.
//
//   k6 run booking-load-test.js                                  # the full ramp
//   k6 run --vus 10 --duration 1m booking-load-test.js           # quick test
//   k6 run --env BASE_URL=http://your-gateway:8080 booking-load-test.js
//   loadctl run examples/booking-load-test.js --vus 10 --duration 1m
import http from 'k6/http';
import { check, group, sleep } from 'k6';
import { Counter, Rate, Trend } from 'k6/metrics';

const BASE_URL = __ENV.BASE_URL || 'http://localhost:8080';
const USER_COUNT = parseInt(__ENV.USER_COUNT || '100', 10);
const THINK_TIME = parseFloat(__ENV.THINK_TIME || '1');

const bookingDuration = new Trend('booking_duration', true);
const bookingSuccess = new Rate('booking_success');
const lockFailures = new Counter('booking_lock_failures');

export const options = {
  stages: [
    { duration: '2m', target: 100 },
    { duration: '5m', target: 1000 },
    { duration: '10m', target: 1000 },
    { duration: '2m', target: 0 },
  ],
  thresholds: {
    booking_duration: ['p(99)<2000'],
    http_req_failed: ['rate<0.05'],
    'http_req_duration{name:hold_seats}': ['p(95)<1500'],
  },
};

function headers(token) {
  const h = { 'Content-Type': 'application/json' };
  if (token) h.Authorization = `Bearer ${token}`;
  return h;
}

function login() {
  const user = ((__VU - 1) % USER_COUNT) + 1;
  const res = http.post(`${BASE_URL}/api/auth/login`, JSON.stringify({ email: `testuser${user}@loadtest.com`, password: 'LoadTest123!' }), {
    headers: headers(), tags: { name: 'login' },
  });
  check(res, { 'login 200': (r) => r.status === 200 });
  return res.status === 200 ? res.json('token') : undefined;
}

let token;

export default function () {
  if (!token) token = group('login', login);
  if (!token) { sleep(THINK_TIME); return; }

  const event = group('search events', function () {
    const res = http.get(`${BASE_URL}/api/events?q=&page=1&size=20`, { tags: { name: 'search_events' } });
    check(res, { 'search 200': (r) => r.status === 200 });
    const open = (res.json('items') || []).filter((e) => e.availableSeats > 0);
    return open[Math.floor(Math.random() * open.length)];
  });
  if (!event) return;
  sleep(THINK_TIME * Math.random());

  const seats = group('view seats', function () {
    const res = http.get(`${BASE_URL}/api/events/${event.id}/seats`, { tags: { name: 'view_seats' } });
    check(res, { 'seats 200': (r) => r.status === 200 });
    return (res.json('seats') || []).filter((s) => s.status === 'AVAILABLE');
  });
  if (seats.length === 0) return;
  const seat = seats[Math.floor(Math.random() * seats.length)];

  group('booking', function () {
    const started = Date.now();
    const hold = http.post(`${BASE_URL}/api/bookings`, JSON.stringify({ eventId: event.id, seatIds: [seat.id] }), {
      headers: headers(token), tags: { name: 'hold_seats' }, responseCallback: http.expectedStatuses(201, 409),
    });
    if (hold.status === 401) token = undefined;
    if (hold.status === 409) lockFailures.add(1);
    let booked = false;
    if (hold.status === 201) {
      const confirm = http.post(`${BASE_URL}/api/bookings/${hold.json('id')}/confirm`, null, {
        headers: headers(token), tags: { name: 'confirm_booking' },
      });
      booked = check(confirm, { 'confirm 200': (r) => r.status === 200 });
    }
    bookingDuration.add(Date.now() - started);
    bookingSuccess.add(booked);
  });
  sleep(THINK_TIME * Math.random());
}
