// The stack as data: names, labels, ports and images decided from options,
// and what `up` does given what exists. Pure; literals in, literals out.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkProject, chooseImages, defaultImages, planStack, stackEndpoints, stackServices } from '../../src/stack/definition.ts';
import { decideUp } from '../../src/stack/up.ts';
import type { Observed } from '../../src/stack/docker.ts';
import { UsageError } from '../../src/errors.ts';

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
