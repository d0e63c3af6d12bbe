// The preflight probe against real local HTTP servers.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { healthUrl, preflight, probe } from '../../../src/run/preflight.ts';
import { EnvironmentError } from '../../../src/errors.ts';

async function listen(server: Server): Promise<string> {
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return `http://127.0.0.1:${(server.address() as { port: number }).port}`;
}

test('the probed URL: BASE_URL plus PATH_HEALTH, default /health', () => {
  assert.equal(healthUrl({ BASE_URL: 'http://h:1/' }), 'http://h:1/health');
  assert.equal(healthUrl({ BASE_URL: 'http://h:1/api', PATH_HEALTH: 'actuator/health' }), 'http://h:1/api/actuator/health');
  assert.equal(healthUrl({}), 'http://localhost:8080/health');
});

test('any HTTP answer is reachable, a 503 health included; the path asked is the health path', async (t) => {
  const paths: string[] = [];
  const server = createServer((req, res) => { paths.push(req.url ?? ''); res.writeHead(503).end('{"status":"DOWN"}'); });
  t.after(() => server.close());
  const base = await listen(server);
  const result = await preflight({ BASE_URL: base, PATH_HEALTH: '/status' });
  assert.equal(result.status, 503);
  assert.deepEqual(paths, ['/status']);
});

test('a target that accepts but never answers times out as unreachable (exit 3)', async (t) => {
  const server = createServer(() => { /* never answers */ });
  t.after(() => { server.closeAllConnections(); server.close(); });
  const base = await listen(server);
  const result = await probe(`${base}/health`, 200);
  assert.deepEqual(result, { ok: false, reason: 'no answer within 200 ms' });
  await assert.rejects(preflight({ BASE_URL: base }, 200), (e: unknown) => e instanceof EnvironmentError && e.exitCode === 3 && /--no-preflight/.test(e.hint!));
});
