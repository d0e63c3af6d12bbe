import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { createServer as createTcpServer } from 'node:net';
import { fieldAt, runProbe, type ProbeContext } from '../../../src/chaos/probes.ts';
import type { NamedProbe } from '../../../src/chaos/experiment-schema.ts';

let server: Server;
let base = '';
let health = { status: 200, body: '{"status":"UP","components":{"redis":{"status":"UP"}}}' };

before(async () => {
  server = createServer((_req, res) => { res.writeHead(health.status, { 'content-type': 'application/json' }); res.end(health.body); });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
});
after(() => server.close());

const ctx: ProbeContext = { targets: { redis: [{ id: 'a', name: 'redis-a' }, { id: 'b', name: 'redis-b' }] }, exec: async (c) => (c.name === 'redis-b' ? 7 : 0) };
const http = (json?: { path: string; equals: string | number | boolean | null }): NamedProbe =>
  ({ type: 'http', name: 'health', url: `${base}/health`, status: 200, timeout: 1000, ...(json ? { json } : {}) });

test('http: status and a JSON field, against a real server', async () => {
  health = { status: 200, body: '{"status":"UP","components":{"redis":{"status":"UP"}}}' };
  assert.deepEqual((await runProbe(http({ path: 'components.redis.status', equals: 'UP' }), ctx)).ok, true);
  health = { status: 503, body: '{"status":"DOWN","components":{"redis":{"status":"DOWN"}}}' };
  const down = await runProbe(http(), ctx);
  assert.equal(down.ok, false);
  assert.equal(down.detail, 'status 503, expected 200');
  health = { status: 200, body: '{"status":"DEGRADED"}' };
  assert.equal((await runProbe(http({ path: 'status', equals: 'UP' }), ctx)).detail, 'status = "DEGRADED", expected "UP"');
  health = { status: 200, body: 'not json' };
  assert.equal((await runProbe(http({ path: 'status', equals: 'UP' }), ctx)).detail, 'body is not JSON');
});

test('http: an unreachable URL is unhealthy, not an exception', async () => {
  const result = await runProbe({ type: 'http', name: 'x', url: 'http://127.0.0.1:9/health', status: 200, timeout: 500 }, ctx);
  assert.equal(result.ok, false);
});

test('tcp: connect succeeds on a listening port and fails on a closed one', async () => {
  const listener = createTcpServer((s) => s.end());
  await new Promise<void>((resolve) => listener.listen(0, '127.0.0.1', resolve));
  const address = listener.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  assert.deepEqual((await runProbe({ type: 'tcp', name: 't', address: `127.0.0.1:${port}`, timeout: 500 }, ctx)).detail, 'connected');
  await new Promise<void>((resolve) => listener.close(() => resolve()));
  const closed = await runProbe({ type: 'tcp', name: 't', address: `127.0.0.1:${port}`, timeout: 500 }, ctx);
  assert.equal(closed.ok, false);
  assert.equal(closed.detail, 'ECONNREFUSED');
});

test('exec: every container of the target must exit 0', async () => {
  const result = await runProbe({ type: 'exec', name: 'ping', target: 'redis', command: ['redis-cli', 'ping'], timeout: 500 }, ctx);
  assert.equal(result.ok, false);
  assert.equal(result.detail, 'exit 7 in redis-b');
});

test('fieldAt walks objects and arrays by dotted path', () => {
  assert.equal(fieldAt({ a: [{ b: 1 }] }, 'a.0.b'), 1);
  assert.equal(fieldAt({ a: null }, 'a.b'), undefined);
});
