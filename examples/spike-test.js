// Spike test: a flash sale or ticket release. Traffic sits at a normal level,
// jumps to ten times that in seconds, holds, and drops back; the system must
// keep answering and recover.
//
//   k6 run spike-test.js
//   loadctl run examples/spike-test.js --chaos redis-failure --yes
import http from 'k6/http';
import { check, sleep } from 'k6';

const BASE_URL = __ENV.BASE_URL || 'http://localhost:8080';

export const options = {
  stages: [
    { duration: '30s', target: 100 },
    { duration: '10s', target: 1000 },
    { duration: '1m', target: 1000 },
    { duration: '10s', target: 100 },
    { duration: '30s', target: 100 },
    { duration: '10s', target: 0 },
  ],
  thresholds: {
    http_req_duration: ['p(99)<2000'],
    http_req_failed: ['rate<0.05'],
  },
};

export default function () {
  const events = http.get(`${BASE_URL}/api/events?q=&page=1&size=20`, { tags: { name: 'search_events' } });
  check(events, { 'events listed': (r) => r.status === 200 });
  const items = events.status === 200 ? events.json('items') || [] : [];
  if (items.length > 0) {
    const event = items[Math.floor(Math.random() * items.length)];
    const seats = http.get(`${BASE_URL}/api/events/${event.id}/seats`, { tags: { name: 'view_seats' } });
    check(seats, { 'seats listed': (r) => r.status === 200 });
  }
  sleep(0.5 + Math.random());
}
