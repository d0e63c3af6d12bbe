import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startSandbox, type Sandbox } from '../../../src/sandbox/server.ts';
import { call, metricsText, sample, userToken } from '../../sandbox/helpers.ts';

let sb: Sandbox;
let token: string;
const unexpected: unknown[] = [];
before(async () => {
  sb = await startSandbox({ port: 0, events: 3, seatsPerEvent: 20, onError: (e) => unexpected.push(e) });
  token = await userToken(sb.url, 'carol@example.com');
});
after(() => sb.close());

test('bad input gets a 4xx with a JSON error, never a 500', async () => {
  const cases: Array<[string, string, { body?: unknown; raw?: string; token?: string }, number, string]> = [
    ['POST', '/api/auth/register', { raw: '{"email": ' }, 400, 'bad_json'],
    ['POST', '/api/auth/register', {}, 400, 'missing_body'],
    ['POST', '/api/auth/register', { body: [1, 2] }, 400, 'bad_body'],
    ['POST', '/api/auth/register', { body: { password: 'x' } }, 400, 'bad_field'],
    ['POST', '/api/auth/register', { body: { email: 'not-an-email', password: 'x' } }, 400, 'bad_field'],
    ['POST', '/api/auth/register', { body: { email: 'carol@example.com', password: 'x' } }, 409, 'email_exists'],
    ['POST', '/api/auth/login', { body: { email: 'carol@example.com', password: 'wrong' } }, 401, 'bad_credentials'],
    ['POST', '/api/auth/login', { body: { email: 42, password: 'x' } }, 400, 'bad_field'],
    ['GET', '/api/events?page=0', {}, 400, 'bad_paging'],
    ['GET', '/api/events?size=abc', {}, 400, 'bad_paging'],
    ['GET', '/api/events?size=1000', {}, 400, 'bad_paging'],
    ['GET', '/api/events/evt-999', {}, 404, 'unknown_event'],
    ['GET', '/api/events/evt-999/seats', {}, 404, 'unknown_event'],
    ['GET', '/api/events/%E0%A4%A', {}, 400, 'bad_path'],
    ['POST', '/api/bookings', { body: { eventId: 'evt-1', seatIds: ['A-1'] } }, 401, 'unauthorized'],
    ['POST', '/api/bookings', { body: { eventId: 'evt-1', seatIds: ['A-1'] }, token: 'forged' }, 401, 'unauthorized'],
    ['POST', '/api/bookings', { raw: 'nope', token: 'x' }, 400, 'bad_json'],
    ['POST', '/api/bookings', { body: { eventId: 'evt-1' }, token: 'T' }, 400, 'bad_field'],
    ['POST', '/api/bookings', { body: { eventId: 'evt-1', seatIds: [] }, token: 'T' }, 400, 'bad_field'],
    ['POST', '/api/bookings', { body: { eventId: 'evt-1', seatIds: ['A-1', 'A-1'] }, token: 'T' }, 400, 'bad_field'],
    ['POST', '/api/bookings', { body: { eventId: 'evt-1', seatIds: [7] }, token: 'T' }, 400, 'bad_field'],
    ['POST', '/api/bookings', { body: { eventId: 'evt-999', seatIds: ['A-1'] }, token: 'T' }, 404, 'unknown_event'],
    ['POST', '/api/bookings', { body: { eventId: 'evt-1', seatIds: ['Z-99'] }, token: 'T' }, 404, 'unknown_seat'],
    ['POST', '/api/bookings', { raw: JSON.stringify({ eventId: 'evt-1', seatIds: ['A-1'], pad: 'x'.repeat(70_000) }), token: 'T' }, 413, 'body_too_large'],
    ['GET', '/api/bookings/no-such-id', { token: 'T' }, 404, 'unknown_booking'],
    ['POST', '/api/bookings/no-such-id/confirm', { token: 'T' }, 404, 'unknown_booking'],
    ['DELETE', '/api/bookings/no-such-id', { token: 'T' }, 404, 'unknown_booking'],
    ['GET', '/api/nothing-here', {}, 404, 'not_found'],
    ['PUT', '/api/events', {}, 405, 'method_not_allowed'],
  ];
  for (const [method, path, options, status, error] of cases) {
    const opts = options.token === 'T' ? { ...options, token } : options;
    const answer = await call(sb.url, method, path, opts);
    const what = `${method} ${path} ${options.raw?.slice(0, 30) ?? JSON.stringify(options.body ?? '')}`;
    assert.equal(answer.status, status, what);
    assert.match(answer.type, /^application\/json/, what);
    assert.equal(answer.body.error, error, what);
    assert.equal(typeof answer.body.message, 'string', what);
  }
  assert.deepEqual(unexpected, [], 'no request reached the 500 branch');
});

test('/health reports each component and UP with in-memory locks', async () => {
  const health = await call(sb.url, 'GET', '/health');
  assert.equal(health.status, 200);
  assert.deepEqual(health.body, { status: 'UP', components: { store: { status: 'UP' }, locks: { status: 'UP' } } });
});

test('/metrics is Prometheus text with the dashboard metrics, and they move', async () => {
  const first = await metricsText(sb.url);
  for (const family of ['booking_lock_failures_total counter', 'booking_queue_length gauge', 'booking_reservation_expirations_total counter', 'http_server_requests_seconds histogram']) {
    assert.ok(first.includes(`# TYPE ${family}\n`), family);
  }
  const eventsOk = 'http_server_requests_seconds_count{method="GET",route="/api/events/{id}",status="200"}';
  const conflicts = 'booking_lock_failures_total{reason="conflict"}';
  await call(sb.url, 'GET', '/api/events/evt-2');
  await call(sb.url, 'GET', '/api/events/evt-3');
  assert.equal((await call(sb.url, 'POST', '/api/bookings', { token, body: { eventId: 'evt-2', seatIds: ['A-9'] } })).status, 201);
  assert.equal((await call(sb.url, 'POST', '/api/bookings', { token, body: { eventId: 'evt-2', seatIds: ['A-9'] } })).status, 409);
  const second = await metricsText(sb.url);
  assert.equal(sample(second, eventsOk), sample(first, eventsOk) + 2, 'route is the template, not the raw path');
  assert.equal(sample(second, conflicts), sample(first, conflicts) + 1);
  assert.equal(sample(second, 'booking_queue_length'), 0, 'no hold is waiting once all have answered');
  assert.ok(sample(second, 'http_server_requests_seconds_bucket{le="+Inf",method="GET",route="/api/events/{id}",status="200"}') >= 2);
  assert.ok(sample(second, 'http_server_requests_seconds_sum{method="GET",route="/api/events/{id}",status="200"}') > 0);
});
