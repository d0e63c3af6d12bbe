import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, request, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startSandbox, type Sandbox } from '../../src/sandbox/server.ts';
import { emailFor, setupUsers, type SetupUsersOptions } from '../../src/users/setup.ts';
import { ensureBuilt, runCli, sparePort } from '../sandbox/helpers.ts';

let sb: Sandbox;
before(async () => {
  ensureBuilt();
  sb = await startSandbox({ port: 0, events: 1, seatsPerEvent: 10 });
});
after(() => sb.close());

const base = (over: Partial<SetupUsersOptions>): SetupUsersOptions => ({
  baseUrl: sb.url, count: 100, prefix: 'u', domain: 'engine.test', password: 'pw-engine', concurrency: 8, backoffMs: 10, ...over,
});

test('100 users are created; a second run finds them all existing', async () => {
  const progress: number[] = [];
  const first = await setupUsers(base({ prefix: 'first' }), { onProgress: (done) => progress.push(done) });
  assert.deepEqual([first.created, first.existing, first.failed], [100, 0, 0]);
  assert.equal(progress.length, 100);
  assert.equal(progress.at(-1), 100);
  for (let n = 1; n <= 100; n += 1) assert.ok(sb.store.hasUser(`first${n}@engine.test`), `first${n}`);
  assert.equal(sb.store.hasUser('first101@engine.test'), false);
  const second = await setupUsers(base({ prefix: 'first' }));
  assert.deepEqual([second.created, second.existing, second.failed], [0, 100, 0]);
});

/**
 * A real proxy in front of the sandbox that misbehaves on early attempts per
 * email: 503s, connections dropped before forwarding, and connections dropped
 * after the account was created (the client never learns it succeeded).
 */
function flakyProxy(target: string): Promise<{ server: Server; url: string; faults: { status503: number; dropBefore: number; dropAfter: number } }> {
  const attempts = new Map<string, number>();
  const droppedAfter = new Set<string>();
  const faults = { status503: 0, dropBefore: 0, dropAfter: 0 };
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const email = (JSON.parse(body.toString()) as { email: string }).email;
      const n = Number(/\d+/.exec(email)?.[0]);
      const attempt = (attempts.get(email) ?? 0) + 1;
      attempts.set(email, attempt);
      if (n % 2 === 0 && attempt === 1) { faults.status503 += 1; res.writeHead(503).end('{"error":"overloaded"}'); return; }
      if (n % 5 === 0 && attempt <= 2) { faults.dropBefore += 1; req.socket.destroy(); return; }
      const upstream = request(new URL(req.url ?? '/', target), { method: req.method, headers: req.headers }, (up: IncomingMessage) => {
        const out: Buffer[] = [];
        up.on('data', (c: Buffer) => out.push(c));
        up.on('end', () => {
          if (n % 7 === 0 && !droppedAfter.has(email)) {
            droppedAfter.add(email);
            faults.dropAfter += 1;
            req.socket.destroy();
            return;
          }
          res.writeHead(up.statusCode ?? 502, up.headers).end(Buffer.concat(out));
        });
      });
      upstream.end(body);
    });
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => {
    resolve({ server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, faults });
  }));
}

test('a server that fails some requests (5xx, dropped connections) still ends with every account created', async () => {
  const proxy = await flakyProxy(sb.url);
  try {
    const result = await setupUsers(base({ baseUrl: proxy.url, prefix: 'flaky' }));
    assert.ok(proxy.faults.status503 >= 50 && proxy.faults.dropBefore >= 20 && proxy.faults.dropAfter >= 10, JSON.stringify(proxy.faults));
    assert.equal(result.failed, 0, JSON.stringify(result.failures));
    assert.equal(result.created + result.existing, 100);
    // Accounts whose creation answer was lost come back as 409 on the retry.
    assert.ok(result.existing >= 10, `existing ${result.existing}`);
    assert.ok(result.retries >= proxy.faults.status503 + proxy.faults.dropBefore);
    for (let n = 1; n <= 100; n += 1) assert.ok(sb.store.hasUser(emailFor({ prefix: 'flaky', domain: 'engine.test' }, n)));
  } finally {
    proxy.server.closeAllConnections();
    proxy.server.close();
  }
});

test('a 4xx other than 409 is a failure without retries, and the run reports it', async () => {
  // A space in the address makes the API answer 400 bad_field.
  const invalid = await setupUsers(base({ count: 3, prefix: 'no at sign', domain: 'x', password: 'pw' }));
  assert.equal(invalid.failed, 3);
  assert.equal(invalid.retries, 0);
  assert.match(invalid.failures[0]?.reason ?? '', /^HTTP 400 bad_field$/);
});

test('CLI: 100 users, then all existing; the password is never printed', async () => {
  const secret = 'Sup3r-Secret-Pw!';
  const args = ['setup-users', '--count', '100', '--base-url', sb.url, '--prefix', 'cli', '--password-env', 'LT_PW', '--concurrency', '20'];
  const first = await runCli(args, { LT_PW: secret });
  assert.equal(first.code, 0, first.stderr);
  assert.match(first.stdout, /100 created, 0 existing, 0 failed; 100\/100 present/);
  const second = await runCli(args, { LT_PW: secret });
  assert.equal(second.code, 0, second.stderr);
  assert.match(second.stdout, /0 created, 100 existing, 0 failed/);
  for (const out of [first.stdout, first.stderr, second.stdout, second.stderr]) assert.ok(!out.includes(secret));
  assert.ok(sb.store.hasUser('cli100@loadtest.com'));
  assert.ok(sb.store.login('cli7@loadtest.com', secret), 'accounts carry the password from --password-env');
});

test('CLI: a wrong base URL exits 3 with one clear line', async () => {
  const port = await sparePort();
  const refused = await runCli(['setup-users', '--count', '5', '--base-url', `http://127.0.0.1:${port}`]);
  assert.equal(refused.code, 3);
  assert.match(refused.stderr, new RegExp(`^loadctl: cannot reach the API at http://127.0.0.1:${port} \\(ECONNREFUSED\\)\n  fix: .*--base-url`));
  assert.doesNotMatch(refused.stderr, /\n\s+at /, 'no stack trace');

  const notApi = await runCli(['setup-users', '--count', '5', '--base-url', `${sb.url}/elsewhere`]);
  assert.equal(notApi.code, 3);
  assert.match(notApi.stderr, /does not look like the ticketing API: POST \/elsewhere\/api\/auth\/register answered 404/);

  const usage = await runCli(['setup-users', '--count', 'many', '--base-url', 'not a url', '--password', 'a', '--password-env', 'B']);
  assert.equal(usage.code, 2);
  assert.match(usage.stderr, /--count must be a whole number.*; give --password or --password-env, not both.*; --base-url: not a URL/);
});
