// The shipped invariants on the reference stack (`loadctl stack up`: booking
// service, Redis, PostgreSQL, the stream consumer, in real containers), as
// the shipped experiments declare them: nothing passed on the command line
// but the stack's addresses. Prometheus scrapes the booking service; real k6
// v2.2.0 books seats while the experiment breaks the stack.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { commandSkip, k6Skip, realK6 } from '../helpers/parts.ts';
import { loadctlDone } from '../chaos-e2e/harness.ts';
import { stackDown, stackSkip, testStack, type TestStack } from '../stack/harness.ts';
import { loadctl, project } from '../live-run/harness.ts';
import { bookingProfile, startPrometheus, waitForMetric, type RealPrometheus } from '../prometheus/harness.ts';
import { stackEndpoints } from '../../src/stack/definition.ts';

const skip = k6Skip('v2.2.0') || commandSkip('prometheus') || stackSkip('stack invariant tests');
let stack: TestStack;
let prom: RealPrometheus;
const home = mkdtempSync(join(tmpdir(), 'loadctl-stack-inv-'));

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
