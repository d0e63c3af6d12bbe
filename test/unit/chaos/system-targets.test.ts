// Where the shipped experiments look for the team's system when no flag names
// it: the compose service in the one project that has it, then the runbook's
// container name, then the bare one; and one line listing all that was tried.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { selectTargets, type ListedContainer } from '../../../src/chaos/targets.ts';
import { loadExperiment } from '../../../src/chaos/experiments.ts';
import { createDockerFaultFactory } from '../../../src/chaos/factory.ts';
import { EnvironmentError, UsageError } from '../../../src/errors.ts';

const repo = new URL('../../..', import.meta.url).pathname;
const c = (name: string, labels: Record<string, string> = {}): ListedContainer => ({ Id: `${name}-0123456789ab`, Names: [`/${name}`], Labels: labels });
const compose = (project: string, service: string) => c(`${project}-${service}-1`, { 'com.docker.compose.project': project, 'com.docker.compose.service': service });
const redis = { service: 'redis', names: ['ticketing-redis', 'redis'] };
const names = (listing: ListedContainer[]) => selectTargets(redis, listing).map((r) => r.name);

test('every shipped experiment looks for the team system by service and runbook name, and --project/--target still win', async () => {
  const expected: Record<string, string> = {
    'redis-failure': 'redis', 'network-latency': 'booking-service', 'packet-loss': 'booking-service', bandwidth: 'booking-service',
    'memory-pressure': 'booking-service', 'network-partition': 'booking-service', 'db-deadlocks': 'postgres', 'kafka-consumer-lag': 'kafka-consumer',
  };
  for (const [name, service] of Object.entries(expected)) {
    const e = await loadExperiment(name, { cwd: repo, overrides: { vars: {} } });
    assert.deepEqual(Object.values(e.targets), [{ service, names: [`ticketing-${service}`, service] }], name);
  }
  const prefixed = await loadExperiment('redis-failure', { cwd: repo, overrides: { vars: { LOADCTL_NAME_PREFIX: 'lab7' } } });
  assert.deepEqual(prefixed.targets.redis, { service: 'redis', names: ['lab7-redis', 'redis'] });
  const byProject = await loadExperiment('redis-failure', { cwd: repo, overrides: { project: 'shop', vars: {} } });
  assert.deepEqual(byProject.targets.redis, { project: 'shop', service: 'redis' });
  const byName = await loadExperiment('redis-failure', { cwd: repo, overrides: { targets: { redis: 'mine' }, vars: {} } });
  assert.deepEqual(byName.targets.redis, { container: 'mine' });
});

test('network-latency mirrors the runbook: 500 ms on the booking service', async () => {
  const e = await loadExperiment('network-latency', { cwd: repo, overrides: { vars: {} } });
  assert.deepEqual(e.steps.map((s) => [s.target, s.fault]), [['booking', { kind: 'latency', delayMs: 500 }]]);
});

test('order: compose service, then the runbook name, then the bare name', () => {
  const all = [c('redis'), c('ticketing-redis'), compose('shop', 'redis'), compose('shop', 'cache')];
  assert.deepEqual(names(all), ['shop-redis-1']);
  assert.deepEqual(names(all.slice(0, 2)), ['ticketing-redis']);
  assert.deepEqual(names([c('redis'), c('ticketing-redis-old')]), ['redis']);
  // A container that merely contains the name is never taken.
  assert.throws(() => names([c('my-ticketing-redis')]), UsageError);
});

test('the service in two compose projects is a refusal, not a guess', () => {
  assert.throws(() => names([compose('a', 'redis'), compose('b', 'redis'), c('ticketing-redis')]),
    (e: unknown) => e instanceof UsageError && e.message === 'compose service "redis" runs in 2 projects (a, b): loadctl will not guess which to break' && /--project a/.test(e.hint ?? ''));
});

test('nothing found: one line listing what was tried, and how to start or name a system', () => {
  assert.throws(() => names([c('postgres'), compose('shop', 'cache')]), (e: unknown) => e instanceof UsageError
    && e.message === 'no redis to target: tried compose service "redis" (in no project), container "ticketing-redis", container "redis"'
    && /loadctl stack up/.test(e.hint ?? '') && /--target/.test(e.hint ?? ''));
});

test('the tc helper image: a public default pulled when missing, LOADCTL_TC_IMAGE replaces it, a failed pull is one line', async () => {
  const tried = async (env: NodeJS.ProcessEnv) => {
    const pulled: string[] = [];
    const progress: string[] = [];
    const docker = {
      endpoint: 'unix:///fake.sock',
      inspect: async () => ({ State: { Running: true, Paused: false, Restarting: false, Status: 'running' }, HostConfig: { NetworkMode: 'lab_default' } }),
      exec: async () => ({ exitCode: 127, stdout: '', stderr: 'no tc' }),
      imageExists: async () => false,
      pullImage: async (image: string, onProgress?: (line: string) => void) => {
        pulled.push(image);
        onProgress?.(`pulling ${image}: Downloading 1MB/9MB`);
        throw new EnvironmentError(`cannot pull image ${image} on unix:///fake.sock: registry unreachable`);
      },
    } as never;
    const factory = createDockerFaultFactory({ docker, env, onProgress: (line) => progress.push(line) });
    const error = await factory.create({ kind: 'bandwidth', rate: '1mbit' }, [{ id: 'b0123456789abcdef', name: 'booking' }], 1000).plan().then(() => undefined, (e: unknown) => e);
    return { pulled, progress, error };
  };
  const byDefault = await tried({});
  assert.deepEqual(byDefault.pulled, ['nicolaka/netshoot:v0.13']);
  assert.ok(byDefault.progress.some((l) => l.includes('Downloading')), byDefault.progress.join('\n'));
  assert.ok(byDefault.error instanceof EnvironmentError);
  assert.equal(byDefault.error.message.includes('\n'), false);
  assert.match(byDefault.error.message, /booking .*cannot run tc itself.*cannot pull image nicolaka\/netshoot:v0.13/);
  assert.match(byDefault.error.hint ?? '', /--tc-image \(or LOADCTL_TC_IMAGE\)/);
  assert.deepEqual((await tried({ LOADCTL_TC_IMAGE: 'mine/tc:1' })).pulled, ['mine/tc:1']);
  assert.deepEqual((await tried({ LOADCTL_HELPER_IMAGE: 'old/name:1' })).pulled, ['nicolaka/netshoot:v0.13']);
});
