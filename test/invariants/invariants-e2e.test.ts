// The four shipped invariants end to end on real parts: the sandbox with seat
// locks and a booking stream in Redis (a container, so chaos can stop it) and
// bookings in a real PostgreSQL 15, the stack's stream consumer, Prometheus
// scraping both, real k6 v2.2.0 booking seats. They hold after a calm run and
// after Redis is stopped under load; each fails when its break mode is on.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { commandSkip, k6Skip, realK6 } from '../kit/parts.ts';
import { postgresSkip, startPostgres, type RealPostgres } from '../helpers/postgres.ts';
import { docker, dockerSkipReason, freePort, loadctl, project, redisStopExperiment, startRedis, unique } from '../live-run/harness.ts';
import { bookingProfile, startPrometheus, waitForMetric, type RealPrometheus } from '../prometheus/harness.ts';
import { startSandbox, type Sandbox } from '../../src/sandbox/server.ts';
import { startConsumer, type Consumer } from '../../src/stack/consumer.ts';
import type { BreakMode } from '../../src/sandbox/breaks.ts';
import { tempDir } from '../kit/temp.ts';

const skip = k6Skip('v2.2.0') || commandSkip('prometheus') || postgresSkip() || dockerSkipReason();
const ALL = ['no-double-sale', 'confirmed-stored', 'locks-expire', 'backlog-drains'];

let pg: RealPostgres;
let prom: RealPrometheus;
let redis: { name: string; port: number };
let ports: { sandbox: number; consumer: number };
let sandbox: Sandbox | undefined;
let consumer: Consumer | undefined;

/**
 * (Re)starts the sandbox and the consumer on the same ports, broken as asked,
 * on an empty system: a break mode's damage (seats sold twice, day-long
 * locks) stays in PostgreSQL and Redis, and would show as "broken before the
 * load" in the next test.
 */
async function service(breaks: BreakMode[] = []): Promise<string> {
  await sandbox?.close();
  await consumer?.close();
  await pg.sql('DROP TABLE IF EXISTS bookings');
  docker('exec', redis.name, 'redis-cli', 'FLUSHALL');
  const redisUrl = `redis://127.0.0.1:${redis.port}`;
  sandbox = await startSandbox({ port: ports.sandbox, redisUrl, streamRedisUrl: redisUrl, postgresUrl: pg.url, breaks });
  consumer = await startConsumer({ port: ports.consumer, redisUrl, blockMs: 200, stall: breaks.includes('backlog-stall') });
  for (let i = 1; i <= 3; i++) {
    await fetch(`${sandbox.url}/api/auth/register`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: `testuser${i}@loadtest.com`, password: 'LoadTest123!' }) });
  }
  if (prom) {
    // A scrape that fell in the restart marked the series stale: wait past one
    // scrape interval, then until Prometheus has the consumer's lag again.
    await new Promise((r) => setTimeout(r, 2000));
    await waitForMetric(prom, 'kafka_consumer_group_lag');
  }
  return sandbox.url;
}

before(async () => {
  if (skip) return;
  redis = await startRedis(unique('lc-invariants'));
  pg = await startPostgres();
  ports = { sandbox: await freePort(), consumer: await freePort() };
  await service();
  prom = await startPrometheus([`127.0.0.1:${ports.sandbox}`, `127.0.0.1:${ports.consumer}`]);
  await waitForMetric(prom, 'kafka_consumer_group_lag');
});
after(async () => {
  await sandbox?.close();
  await consumer?.close();
  await prom?.stop();
  await pg?.stop();
  if (redis) docker('rm', '-f', redis.name);
});

const profile = (seconds: number) => bookingProfile(seconds, 'a few VUs booking seats, checked for lost and doubled bookings', [
  'prometheus: { defaultGates: false, settle: 5s }',
]);

async function run(args: string[], cwd: string) {
  const summary = join(tempDir('loadctl-inv-'), 'summary.md');
  const proc = loadctl(['run', ...args, '--base-url', (sandbox as Sandbox).url, '--prometheus', prom.url, ...ALL.flatMap((n) => ['--invariant', n]), '--json', '--junit', 'junit.xml'], {
    cwd, env: { K6_BIN: realK6('v2.2.0'), DATABASE_URL: pg.url, REDIS_URL: `redis://127.0.0.1:${redis.port}`, GITHUB_STEP_SUMMARY: summary, LOADCTL_PROMETHEUS: '' },
  });
  const code = await proc.done;
  const out = proc.out();
  if (!out.includes('{\n  "schema"')) assert.fail(`exit ${code}, no result document:\n${out}`);
  const doc = JSON.parse(out.slice(out.indexOf('{\n  "schema"')));
  const byName = Object.fromEntries(doc.invariants.invariants.map((i: { name: string }) => [i.name, i]));
  return { code, out, doc, byName, junit: readFileSync(join(cwd, 'junit.xml'), 'utf8'), summary: readFileSync(summary, 'utf8') };
}

const NAMES = ['no seat sold twice', 'every confirmed booking is stored', 'no seat lock outlives its hold', 'the consumer\'s backlog drains back to its baseline'];

test('a calm run: every shipped invariant holds, read before and after, in every output', { skip, timeout: 150_000 }, async () => {
  await service();
  const r = await run(['calm'], project({ profiles: { calm: profile(6) } }));
  assert.equal(r.code, 0, r.out);
  for (const name of NAMES) assert.equal(r.byName[name]?.status, 'held', `${name}: ${JSON.stringify(r.byName[name])}`);
  const stored = r.byName['every confirmed booking is stored'];
  assert.ok(stored.after.value - stored.before.value >= 1, `bookings were confirmed and stored: ${JSON.stringify(stored)}`);
  assert.match(r.junit, /classname="loadctl.invariants" name="no seat sold twice \(sql, expect == 0\)" time="0"\/>/);
  assert.match(r.summary, /\| no seat sold twice \| `== 0` \| 0 \| 0 \| HELD \|/);
  assert.match(r.out, /invariant HELD every confirmed booking is stored/);
});

test('Redis stopped under load: every shipped invariant still holds after recovery', { skip, timeout: 180_000 }, async () => {
  await service();
  // The users must show 5 healthy seconds after the rollback, and on a busy machine their errors
  // trail Redis's return by a few seconds: 28 s of load leaves ~19 s after the rollback (16 s left 5.7 s).
  const cwd = project({ profiles: { chaos: profile(28) }, chaos: { 'redis-stop': redisStopExperiment(redis.name, redis.port, '3s') } });
  const r = await run(['chaos', '--chaos', 'redis-stop', '--at', '5s', '--yes'], cwd);
  assert.equal(r.doc.chaos.status, 'passed', r.out);
  for (const name of NAMES) assert.equal(r.byName[name]?.status, 'held', `${name}: ${JSON.stringify(r.byName[name])}`);
  assert.equal(r.code, 0, r.out);
});

test('broken on purpose (double-sell, lock-leak, backlog-stall): three invariants fail with their rows, exit 1', { skip, timeout: 180_000 }, async () => {
  await service(['double-sell', 'lock-leak', 'backlog-stall']);
  const r = await run(['broken'], project({ profiles: { broken: profile(6) } }));
  assert.equal(r.code, 1, r.out);
  const sold = r.byName['no seat sold twice'];
  assert.equal(sold.status, 'broken');
  assert.ok(sold.after.rowCount >= 1 && sold.after.rows.length <= 10, JSON.stringify(sold.after));
  assert.equal(Number(sold.after.rows[0].times), 2);
  const locks = r.byName['no seat lock outlives its hold'];
  assert.equal(locks.status, 'broken');
  assert.match(locks.after.rows[0].key, /^loadctl:seat:evt-\d+:/);
  assert.ok(locks.after.rows[0].ttlMs > 300_000);
  assert.equal(r.byName['the consumer\'s backlog drains back to its baseline'].status, 'broken');
  assert.equal(r.byName['every confirmed booking is stored'].status, 'held', 'double-sell stores more, not less');
  assert.match(r.doc.reason, /invariant "no seat sold twice" broken: broken after recovery/);
  assert.match(r.junit, /<failure message="broken after recovery[^"]*" type="target">[^<]*&quot;seat&quot;:/);
  const html = readFileSync(join(r.doc.runDir, 'report.html'), 'utf8');
  assert.match(html, /<h2>Invariants<\/h2>/);
  assert.match(html, /&quot;key&quot;:&quot;loadctl:seat:evt-/, 'the offending lock keys are in the report');
});

test('broken on purpose (lose-confirms): every confirmed booking is stored fails, exit 1', { skip, timeout: 150_000 }, async () => {
  await service(['lose-confirms']);
  const r = await run(['lost'], project({ profiles: { lost: profile(6) } }));
  assert.equal(r.code, 1, r.out);
  const stored = r.byName['every confirmed booking is stored'];
  assert.equal(stored.status, 'broken', JSON.stringify(stored));
  assert.match(stored.reason, /expected >= before \+ k6.checks.confirm 200 \(limit \d+\)/);
  assert.equal(r.byName['no seat sold twice'].status, 'held');
});
