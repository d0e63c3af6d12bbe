// The shipped invariants on the reference stack (`loadctl stack up`: booking
// service, Redis, PostgreSQL, the stream consumer, in real containers), as
// the shipped experiments declare them: nothing passed on the command line
// but the stack's addresses. Prometheus scrapes the booking service; real k6
// v2.2.0 books seats while the experiment breaks the stack. Then the same
// stack is brought up with each break mode (`stack up --break`) and each
// invariant is seen to fail, with its own reason and rows.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { commandSkip, k6Skip, realK6 } from '../kit/parts.ts';
import { loadctlDone } from '../chaos-e2e/harness.ts';
import { stackDown, stackSkip, testStack, type TestStack } from '../stack/harness.ts';
import { loadctl, project } from '../live-run/harness.ts';
import { bookingProfile, startPrometheus, waitForMetric, type RealPrometheus } from '../prometheus/harness.ts';
import { stackEndpoints } from '../../src/stack/definition.ts';
import { tempDir } from '../kit/temp.ts';

const skip = k6Skip('v2.2.0') || commandSkip('prometheus') || stackSkip('stack invariant tests');
let stack: TestStack;
let prom: RealPrometheus;
const home = tempDir('loadctl-stack-inv-');

before(async () => {
  if (skip) return;
  stack = await testStack();
  const up = await loadctlDone(['stack', 'up', ...stack.flags], { cwd: home, env: stack.env });
  assert.equal(up.code, 0, up.stdout + up.stderr);
  const users = await loadctlDone(['setup-users', '--count', '3', '--base-url', stack.baseUrl], { cwd: home, env: {} });
  assert.equal(users.code, 0, users.stdout + users.stderr);
  prom = await startPrometheus([new URL(stack.baseUrl).host]);
  await waitForMetric(prom, 'kafka_consumer_group_lag');
});
after(async () => {
  await prom?.stop();
  if (stack) await stackDown(stack, home);
});

// The container each experiment breaks, named outright: other tests' stacks may run the same compose services.
for (const [experiment, hold, ref, service] of [['redis-failure', '3s', 'redis', 'redis'], ['kafka-consumer-lag', '4s', 'consumer', 'kafka-consumer']] as const) {
  test(`${experiment} on the stack: the four invariants it declares hold after recovery`, { skip, timeout: 240_000 }, async () => {
    const ends = stackEndpoints({ portOffset: stack.offset });
    const cwd = project({ profiles: { steady: bookingProfile(18, 'a few VUs booking seats on the stack', []) } });
    const run = loadctl(['run', 'steady', '--chaos', experiment, '--duration', hold, '--at', '6s', '--yes', '--target', `${ref}=${stack.project}-${service}`,
      '--base-url', stack.baseUrl, '--prometheus', prom.url, '--json'], {
      cwd, env: { K6_BIN: realK6('v2.2.0'), LOADCTL_NAME_PREFIX: stack.project, DATABASE_URL: ends.postgres, REDIS_URL: ends.redis, BASE_URL: stack.baseUrl, LOADCTL_PROMETHEUS: '' },
    });
    const code = await run.done;
    const out = run.out();
    if (!out.includes('{\n  "schema"')) assert.fail(`exit ${code}, no result document:\n${out}`);
    const doc = JSON.parse(out.slice(out.indexOf('{\n  "schema"')));
    assert.equal(doc.chaos.status, 'passed', out);
    const byName = Object.fromEntries(doc.invariants.invariants.map((i: { name: string; status: string; reason: string }) => [i.name, `${i.status}: ${i.reason}`]));
    for (const name of ['no seat sold twice', 'every confirmed booking is stored', 'no seat lock outlives its hold', 'the consumer\'s backlog drains back to its baseline']) {
      assert.match(byName[name] ?? 'missing', /^held: /, `${name}: ${byName[name]}`);
    }
    const stored = doc.invariants.invariants.find((i: { name: string }) => i.name === 'every confirmed booking is stored');
    assert.ok(stored.after.value > stored.before.value, 'bookings were confirmed and stored during the run');
    const gatesFailed = doc.prometheus.gates.filter((g: { failed: boolean }) => g.failed).map((g: { name: string }) => g.name);
    console.log(`# ${experiment}: exit ${code}; invariants held; default gates failed: ${gatesFailed.join(', ') || 'none'}`);
  });
}

// Each shipped invariant broken on purpose on this same stack (`stack up --break`), after the runs above saw all four hold.
const SHIPPED = { 'no-double-sale': 'no seat sold twice', 'confirmed-stored': 'every confirmed booking is stored', 'locks-expire': 'no seat lock outlives its hold', 'backlog-drains': 'the consumer\'s backlog drains back to its baseline' } as const;
type Shipped = keyof typeof SHIPPED;
interface Judged { status: string; reason: string; before: { value: number } | null; after: { value: number; limit: number; rows: any[]; rowCount: number } | null }

/** `stack up --break` (recreating what changed), users again (they lived in the old container), Prometheus scraping it again. */
async function upWith(breaks: string): Promise<{ doc: any; stderr: string }> {
  const up = await loadctlDone(['stack', 'up', ...stack.flags, '--break', breaks, '--json'], { cwd: home, env: stack.env });
  assert.equal(up.code, 0, up.stdout + up.stderr);
  const users = await loadctlDone(['setup-users', '--count', '3', '--base-url', stack.baseUrl], { cwd: home, env: {} });
  assert.equal(users.code, 0, users.stdout + users.stderr);
  // A scrape that fell in the recreate marked the series stale: past one interval, then until it is back.
  await new Promise((r) => setTimeout(r, 2000));
  await waitForMetric(prom, 'kafka_consumer_group_lag');
  return { doc: JSON.parse(up.stdout), stderr: up.stderr };
}

/** A short calm run with the four shipped invariants and no other gate, so exit 1 can only be theirs. */
async function judged(label: string): Promise<{ code: number | string; out: string; doc: any; by: Record<Shipped, Judged> }> {
  const ends = stackEndpoints({ portOffset: stack.offset });
  const cwd = project({ profiles: { [label]: bookingProfile(6, `a few VUs booking seats on a stack broken on purpose (${label})`, ['prometheus: { defaultGates: false, settle: 5s }']) } });
  const run = loadctl(['run', label, '--base-url', stack.baseUrl, '--prometheus', prom.url, ...Object.keys(SHIPPED).flatMap((n) => ['--invariant', n]), '--json'], {
    cwd, env: { K6_BIN: realK6('v2.2.0'), DATABASE_URL: ends.postgres, REDIS_URL: ends.redis, LOADCTL_PROMETHEUS: '' },
  });
  const code = await run.done;
  const out = run.out();
  if (!out.includes('{\n  "schema"')) assert.fail(`exit ${code}, no result document:\n${out}`);
  const doc = JSON.parse(out.slice(out.indexOf('{\n  "schema"')));
  const by = Object.fromEntries(Object.entries(SHIPPED).map(([key, name]) => [key, doc.invariants.invariants.find((i: { name: string }) => i.name === name)])) as Record<Shipped, Judged>;
  return { code, out, doc, by };
}

const brief = (j: Judged) => `${j.status}: ${j.reason}`;

test('lose-confirms: up recreates only the booking service and says so loudly, status exits 1; confirmed-stored fails with its reason, the other three hold', { skip, timeout: 240_000 }, async () => {
  const { doc, stderr } = await upWith('lose-confirms');
  assert.deepEqual(doc.recreated.map((r: { name: string }) => r.name), [`${stack.project}-booking-service`]);
  assert.deepEqual(doc.brokenOnPurpose, [{ container: `${stack.project}-booking-service`, breaks: ['lose-confirms'] }]);
  assert.match(stderr, new RegExp(`stack ${stack.project} is up but BROKEN ON PURPOSE: lose-confirms \\(${stack.project}-booking-service\\); these shipped invariants will fail: confirmed-stored`));
  assert.match(stderr, /was recreated: its users lived in its memory/);
  const status = await loadctlDone(['stack', 'status', ...stack.flags, '--json'], { cwd: home, env: stack.env });
  assert.equal(status.code, 1, 'a broken stack is not a healthy one');
  const seen = JSON.parse(status.stdout);
  assert.equal(seen.healthy, false);
  assert.deepEqual(seen.services.map((x: { breaks: string[] }) => x.breaks), [[], [], ['lose-confirms'], []]);
  assert.match(status.stderr, /healthy, BROKEN ON PURPOSE: lose-confirms/);

  const r = await judged('lose-confirms');
  assert.equal(r.code, 1, r.out);
  const stored = r.by['confirmed-stored'];
  assert.equal(stored.status, 'broken', brief(stored));
  assert.match(stored.reason, /^broken after recovery: value \d+, expected >= before \+ k6.checks.confirm 200 \(limit \d+\)$/);
  assert.ok(stored.after!.value < stored.after!.limit, `fewer stored than confirmed: ${brief(stored)}`);
  assert.match(r.doc.reason, /invariant "every confirmed booking is stored" broken/);
  for (const key of ['no-double-sale', 'locks-expire', 'backlog-drains'] as const) assert.equal(r.by[key].status, 'held', `${key}: ${brief(r.by[key])}`);
});

test('double-sell, lock-leak, backlog-stall: three invariants fail with the offending rows and values, exit 1; confirmed-stored holds', { skip, timeout: 240_000 }, async () => {
  const { doc, stderr } = await upWith('double-sell,lock-leak,backlog-stall');
  assert.deepEqual(doc.recreated.map((r: { name: string }) => r.name), [`${stack.project}-booking-service`, `${stack.project}-kafka-consumer`]);
  assert.match(stderr, /lose-confirms is off now, but the confirmations it lost stay lost/);
  assert.match(stderr, /these shipped invariants will fail: no-double-sale, locks-expire, backlog-drains/);

  const r = await judged('three-broken');
  assert.equal(r.code, 1, r.out);
  const sold = r.by['no-double-sale'];
  assert.equal(sold.status, 'broken', brief(sold));
  assert.match(sold.reason, /^broken after recovery: value \d+, expected == 0 \(limit 0\); \d+ offending row\(s\), first: \{"event_id":"evt-\d+","seat":"[A-Z]+-\d+","times":"2","bookings":\[/);
  assert.ok(sold.after!.rows.length <= 10 && sold.after!.rowCount >= 1);
  assert.equal(sold.after!.rows[0].bookings.length, 2, 'both bookings of the seat are named');
  const locks = r.by['locks-expire'];
  assert.equal(locks.status, 'broken', brief(locks));
  assert.match(locks.after!.rows[0].key, /^loadctl:seat:evt-\d+:[A-Z]+-\d+$/);
  assert.ok(locks.after!.rows[0].ttlMs > 300_000, `a day-long lock: ${JSON.stringify(locks.after!.rows[0])}`);
  const backlog = r.by['backlog-drains'];
  assert.equal(backlog.status, 'broken', brief(backlog));
  assert.ok(backlog.after!.value > backlog.before!.value, `the backlog grew and stayed: ${brief(backlog)}`);
  assert.equal(r.by['confirmed-stored'].status, 'held', brief(r.by['confirmed-stored']));
  for (const name of ['no seat sold twice', 'no seat lock outlives its hold', 'the consumer\'s backlog drains back to its baseline']) assert.match(r.out, new RegExp(`invariant BROKEN ${name}: broken after recovery`));
});

test('up without --break recreates both whole again, says what the breaks left behind; status healthy, exit 0', { skip, timeout: 120_000 }, async () => {
  const up = await loadctlDone(['stack', 'up', ...stack.flags, '--json'], { cwd: home, env: stack.env });
  assert.equal(up.code, 0, up.stdout + up.stderr);
  assert.deepEqual(JSON.parse(up.stdout).recreated.map((r: { name: string; breaksNow: string[] }) => [r.name, r.breaksNow]), [[`${stack.project}-booking-service`, []], [`${stack.project}-kafka-consumer`, []]]);
  assert.match(up.stderr, /double-sell is off now, but the seats it sold twice stay in PostgreSQL/);
  assert.match(up.stderr, /lock-leak is off now, but its day-long seat locks stay in Redis/);
  assert.match(up.stdout + up.stderr, /is up and healthy/);
  const status = await loadctlDone(['stack', 'status', ...stack.flags, '--json'], { cwd: home, env: stack.env });
  assert.equal(status.code, 0, status.stdout + status.stderr);
  assert.deepEqual([JSON.parse(status.stdout).healthy, JSON.parse(status.stdout).brokenOnPurpose], [true, []]);
});
