// Stress test: finds the breaking point. Each step adds users and holds them
// for a while; the step where latency or errors cross the line is where the
// system broke. Stops by itself when errors run away.
//
//   k6 run stress-test.js
//   loadctl run examples/stress-test.js     # also says at which step it broke
import http from 'k6/http';
import { check, sleep } from 'k6';

const BASE_URL = __ENV.BASE_URL || 'http://localhost:8080';

export const options = {
  stages: [
    { duration: '1m', target: 100 },
    { duration: '2m', target: 100 },
    { duration: '1m', target: 250 },
    { duration: '2m', target: 250 },
    { duration: '1m', target: 500 },
    { duration: '2m', target: 500 },
    { duration: '1m', target: 1000 },
    { duration: '2m', target: 1000 },
    { duration: '1m', target: 0 },
  ],
  thresholds: {
    http_req_duration: ['p(99)<2000'],
    http_req_failed: [{ threshold: 'rate<0.2', abortOnFail: true, delayAbortEval: '30s' }],
  },
};

export default function () {
  const res = http.get(`${BASE_URL}/api/events?q=&page=1&size=20`, { tags: { name: 'search_events' } });
  check(res, { 'events listed': (r) => r.status === 200 });
  sleep(0.5);
}
