// The stack as data: names, labels, ports and images decided from options,
// and what `up` does given what exists. Pure; literals in, literals out.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkProject, chooseImages, defaultImages, planStack, stackEndpoints, stackServices } from '../../../src/stack/definition.ts';
import { decideUp } from '../../../src/stack/up.ts';
import type { Observed } from '../../../src/stack/docker.ts';
import { UsageError } from '../../../src/errors.ts';
import { parseStackOptions } from '../../../src/stack/command.ts';
import { breakLines, brokenSummary } from '../../../src/stack/breaks-text.ts';

const plan = (project = 'ticketing', portOffset = 0) => planStack({ project, portOffset, images: defaultImages });

test('the runbook names, compose labels, the stack label, one network, 127.0.0.1 ports shifted by the offset', () => {
  const p = plan();
  assert.deepEqual(p.containers.map((c) => c.name), ['ticketing-postgres', 'ticketing-redis', 'ticketing-booking-service', 'ticketing-kafka-consumer']);
  assert.equal(p.network.name, 'ticketing_default');
  for (const c of p.containers) {
    assert.deepEqual(c.labels, { 'io.loadctl.stack': 'ticketing', 'com.docker.compose.project': 'ticketing', 'com.docker.compose.service': c.service });
    assert.ok(c.health.test.length > 1);
  }
  assert.deepEqual(plan('lab', 10_000).containers.map((c) => [c.name, c.port.host]), [
    ['lab-postgres', 15_432], ['lab-redis', 16_379], ['lab-booking-service', 18_080], ['lab-kafka-consumer', 19_464],
  ]);
  assert.equal(plan().containers.find((c) => c.service === 'booking-service')?.memory, 512 * 1024 * 1024, 'memory-pressure needs a limit to lower and restore');
  assert.deepEqual(stackEndpoints({ portOffset: 1 })['booking-service'], 'http://127.0.0.1:8081');
  assert.deepEqual(stackServices.map((s) => s.port), [5432, 6379, 8080, 9464]);
});

test('images: the flag, else its variable, else the public default', () => {
  assert.deepEqual(chooseImages({}, {}), defaultImages);
  assert.deepEqual(chooseImages({ redis: 'r:flag' }, { LOADCTL_STACK_REDIS_IMAGE: 'r:env', LOADCTL_STACK_NODE_IMAGE: 'n:env' }), { redis: 'r:flag', postgres: defaultImages.postgres, node: 'n:env' });
});

test('project names Docker and Compose both accept', () => {
  assert.equal(checkProject('ticketing'), undefined);
  assert.equal(checkProject('lct-stk-1a2b3c'), undefined);
  assert.match(checkProject('Ticketing') ?? '', /lowercase/);
  assert.match(checkProject('a/b') ?? '', /lowercase/);
});

const seen = (name: string, running: boolean, project?: string): Observed => ({
  id: `${name}-id`, name, labels: project ? { 'io.loadctl.stack': project } : {}, running, health: 'healthy', status: running ? 'running' : 'exited', exitCode: 0, restarts: 0, ports: {},
});

test('up keeps what runs, starts what stopped, creates what is missing', () => {
  const existing = new Map([['ticketing-redis', seen('ticketing-redis', true, 'ticketing')], ['ticketing-postgres', seen('ticketing-postgres', false, 'ticketing')]]);
  assert.deepEqual(decideUp(plan(), existing).map((a) => [a.container.service, a.action]), [
    ['postgres', 'start'], ['redis', 'keep'], ['booking-service', 'create'], ['kafka-consumer', 'create'],
  ]);
});

test('a container of that name that up did not make (your real system) is a refusal before anything changes', () => {
  const existing = new Map([['ticketing-redis', seen('ticketing-redis', true)], ['ticketing-postgres', seen('ticketing-postgres', true, 'other')]]);
  assert.throws(() => decideUp(plan(), existing), (e: unknown) => e instanceof UsageError
    && e.message === 'ticketing-postgres, ticketing-redis already exist and were not made by `loadctl stack up`; loadctl will not touch them'
    && /--project <name>/.test(e.hint ?? ''));
});

test('break modes: each goes to the container that acts it out, in its environment and a label; none by default', () => {
  const broken = planStack({ project: 'ticketing', portOffset: 0, images: defaultImages, breaks: ['backlog-stall', 'lock-leak', 'double-sell'] });
  const by = (service: string) => broken.containers.find((c) => c.service === service)!;
  assert.deepEqual(by('booking-service').breaks, ['double-sell', 'lock-leak'], 'in BREAK_MODES order, whatever order they were asked in');
  assert.equal(by('booking-service').labels['io.loadctl.break'], 'double-sell,lock-leak');
  assert.ok(by('booking-service').env.includes('LOADCTL_SANDBOX_BREAK=double-sell,lock-leak'));
  assert.ok(by('kafka-consumer').env.includes('LOADCTL_SANDBOX_BREAK=backlog-stall'));
  for (const service of ['postgres', 'redis']) {
    assert.deepEqual(by(service).breaks, []);
    assert.equal(by(service).labels['io.loadctl.break'], undefined);
  }
  for (const c of plan().containers) {
    assert.ok(!c.env.some((e) => e.startsWith('LOADCTL_SANDBOX_BREAK')), `${c.name} is whole by default`);
    assert.equal(c.labels['io.loadctl.break'], undefined);
  }
});

test('up recreates a container whose break modes differ from those asked for (either way), and keeps one whose modes match', () => {
  const labelled = (name: string, breaks: string) => ({ ...seen(name, true, 'ticketing'), labels: { 'io.loadctl.stack': 'ticketing', ...(breaks ? { 'io.loadctl.break': breaks } : {}) } });
  const existing = new Map([
    ['ticketing-postgres', labelled('ticketing-postgres', '')],
    ['ticketing-redis', labelled('ticketing-redis', '')],
    ['ticketing-booking-service', labelled('ticketing-booking-service', 'double-sell')],
    ['ticketing-kafka-consumer', labelled('ticketing-kafka-consumer', '')],
  ]);
  // Asked for none: the broken booking service is not kept.
  assert.deepEqual(decideUp(plan(), existing).map((a) => [a.container.service, a.action, a.was ?? null]), [
    ['postgres', 'keep', null], ['redis', 'keep', null], ['booking-service', 'recreate', ['double-sell']], ['kafka-consumer', 'keep', null],
  ]);
  const asked = planStack({ project: 'ticketing', portOffset: 0, images: defaultImages, breaks: ['double-sell', 'backlog-stall'] });
  assert.deepEqual(decideUp(asked, existing).map((a) => [a.container.service, a.action]), [
    ['postgres', 'keep'], ['redis', 'keep'], ['booking-service', 'keep'], ['kafka-consumer', 'recreate'],
  ]);
});

test('--break: parsed for up (flag, else LOADCTL_STACK_BREAK), an unknown mode names the known ones, refused on status and down', () => {
  const base = { action: 'up', project: 'ticketing', portOffset: '0' };
  assert.deepEqual(parseStackOptions({ ...base, break: 'lock-leak,double-sell' }).breaks, ['lock-leak', 'double-sell']);
  assert.deepEqual(parseStackOptions({ ...base, env: { LOADCTL_STACK_BREAK: 'backlog-stall' } }).breaks, ['backlog-stall']);
  assert.deepEqual(parseStackOptions({ ...base, break: '', env: { LOADCTL_STACK_BREAK: 'backlog-stall' } }).breaks, [], 'an empty flag asks for none, over the variable');
  assert.deepEqual(parseStackOptions({ ...base, action: 'status', env: { LOADCTL_STACK_BREAK: 'nope' } }).breaks, [], 'the variable does not touch status');
  assert.throws(() => parseStackOptions({ ...base, break: 'double-sell,sell-twice' }), (e: unknown) => e instanceof UsageError
    && e.message === '--break: unknown break mode sell-twice (known: double-sell, lose-confirms, lock-leak, backlog-stall)');
  assert.throws(() => parseStackOptions({ ...base, env: { LOADCTL_STACK_BREAK: 'x' } }), /^UsageError: LOADCTL_STACK_BREAK: unknown break mode x/);
  assert.throws(() => parseStackOptions({ ...base, action: 'status', break: 'double-sell' }), /--break applies to `stack up` only/);
});

test('the loud words: which modes, where, which invariants fail; what a recreate costs and leaves behind', () => {
  assert.equal(brokenSummary([{ container: 'lab-booking-service', breaks: ['double-sell', 'lock-leak'] }, { container: 'lab-kafka-consumer', breaks: ['backlog-stall'] }]),
    'BROKEN ON PURPOSE: double-sell, lock-leak (lab-booking-service), backlog-stall (lab-kafka-consumer); these shipped invariants will fail: no-double-sale, locks-expire, backlog-drains');
  const lines = breakLines([{ name: 'ticketing-booking-service', breaksBefore: ['double-sell', 'lock-leak', 'lose-confirms'], breaksNow: ['lose-confirms'] }], plan().containers, 'http://127.0.0.1:8080');
  assert.deepEqual(lines.map((l) => l.slice(0, 40)), [
    'ticketing-booking-service was recreated:', 'double-sell is off now, but the seats it', 'lock-leak is off now, but its day-long s', 'for a clean stack: loadctl stack down, t',
  ]);
  assert.match(lines[0] as string, /its users lived in its memory; create them again: loadctl setup-users --count N --base-url http:\/\/127\.0\.0\.1:8080$/);
  assert.match(lines[1] as string, /the seats it sold twice stay in PostgreSQL \(no-double-sale reads them as broken before the next load\)$/);
  assert.deepEqual(breakLines([{ name: 'ticketing-kafka-consumer', breaksBefore: [], breaksNow: ['backlog-stall'] }], plan().containers, 'http://x'), [], 'a break turned on leaves nothing behind yet');
});
