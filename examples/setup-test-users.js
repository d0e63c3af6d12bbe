// Creates the load-test accounts: testuser1@loadtest.com ... testuserN@loadtest.com,
// password LoadTest123!. Run it once before the load tests; an account that
// already exists (409) counts as done, so it is safe to run again.
//
//   k6 run setup-test-users.js
//   k6 run --env USER_COUNT=500 setup-test-users.js
import http from 'k6/http';
import { check } from 'k6';
import exec from 'k6/execution';

const BASE_URL = __ENV.BASE_URL || 'http://localhost:8080';
const USER_COUNT = parseInt(__ENV.USER_COUNT || '100', 10);

export const options = {
  scenarios: {
    create_users: {
      executor: 'shared-iterations',
      vus: Math.min(10, USER_COUNT),
      iterations: USER_COUNT,
      maxDuration: '5m',
    },
  },
  thresholds: {
    checks: ['rate==1'],
  },
};

export default function () {
  const n = exec.scenario.iterationInTest + 1;
  const res = http.post(`${BASE_URL}/api/auth/register`, JSON.stringify({
    email: `testuser${n}@loadtest.com`,
    password: 'LoadTest123!',
    name: `Test User ${n}`,
  }), {
    headers: { 'Content-Type': 'application/json' },
    tags: { name: 'register' },
    responseCallback: http.expectedStatuses(201, 409),
  });
  check(res, { 'account created or already there': (r) => r.status === 201 || r.status === 409 });
}
