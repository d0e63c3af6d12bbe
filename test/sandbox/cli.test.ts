// `loadctl sandbox` as a subprocess: prints its URL, serves, stops on Ctrl-C.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { commandSkip } from '../kit/parts.ts';
import { spawnCli } from '../kit/cli.ts';
import { ensureBuilt, portIsFree, runCli, sparePort, startRedis, stopProcess } from './helpers.ts';

before(() => ensureBuilt());

// The banner's last line: everything above it has been printed too.
const banner = /sandbox listening on (http:\/\/\S+)[\s\S]*press Ctrl-C/;

function startCli(args: string[]) {
  const run = spawnCli(['sandbox', ...args]);
  const url = run.waitForOutput(banner).then(() => banner.exec(run.stdout())![1]!);
  const exit = run.done.then((e) => e.code);
  // A failed assertion must not leave a sandbox running (and the test file waiting on it).
  after(() => { if (run.child.exitCode === null && run.child.signalCode === null) run.kill('SIGKILL'); });
  return { child: run.child, url, exit, output: () => ({ stdout: run.stdout(), stderr: run.stderr() }) };
}

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  test(`sandbox serves on the printed URL and stops cleanly on ${signal}, even with a keep-alive client`, async () => {
    const port = await sparePort();
    const run = startCli(['--port', String(port), '--hold-ttl', '30s', '--events', '3', '--seats', '10']);
    const url = await run.url;
    assert.equal(url, `http://127.0.0.1:${port}`);
    assert.match(run.output().stdout, /seat locks: memory; hold TTL 30s/);
    const agent = new http.Agent({ keepAlive: true });
    const total = await new Promise<number>((resolve, reject) => {
      http.get(`${url}/api/events`, { agent }, (res) => {
        let body = '';
        res.on('data', (c: Buffer) => { body += c.toString(); });
        res.on('end', () => resolve((JSON.parse(body) as { total: number }).total));
      }).on('error', reject);
    });
    assert.equal(total, 3);
    run.child.kill(signal);
    assert.equal(await run.exit, 0, run.output().stderr);
    agent.destroy();
    assert.match(run.output().stdout, /sandbox stopped/);
    assert.ok(await portIsFree(port));
  });
}

test('sandbox: a port in use, an unreachable Redis and bad options are one line each', async () => {
  const port = await sparePort();
  const first = startCli(['--port', String(port)]);
  await first.url;
  try {
    const busy = await runCli(['sandbox', '--port', String(port)]);
    assert.equal(busy.code, 3);
    assert.match(busy.stderr, new RegExp(`^loadctl: port 127\\.0\\.0\\.1:${port} is already in use\n  fix: .*--port`));
  } finally {
    first.child.kill('SIGINT');
    await first.exit;
  }
  const deadRedis = await runCli(['sandbox', '--port', '0', '--redis', `redis://127.0.0.1:${await sparePort()}`]);
  assert.equal(deadRedis.code, 3);
  assert.match(deadRedis.stderr, /^loadctl: Redis at redis:\/\/127\.0\.0\.1:\d+ is not reachable: .*ECONNREFUSED.*\n  fix: start it/);
  const bad = await runCli(['sandbox', '--hold-ttl', 'soon', '--seats', '-3']);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /--seats must be a whole number.*; --hold-ttl must be a duration/);
});

test('sandbox --redis: health shows the redis component', { skip: commandSkip('redis-server') }, async () => {
  const redisPort = await sparePort();
  const redis = await startRedis(redisPort);
  try {
    const run = startCli(['--port', '0', '--redis', `redis://127.0.0.1:${redisPort}`]);
    const url = await run.url;
    assert.match(run.output().stdout, new RegExp(`seat locks: Redis redis://127\\.0\\.0\\.1:${redisPort}`));
    const health = await (await fetch(`${url}/health`)).json() as { components: Record<string, { status: string }> };
    assert.equal(health.components.redis?.status, 'UP');
    run.child.kill('SIGINT');
    assert.equal(await run.exit, 0);
  } finally {
    await stopProcess(redis);
  }
});
