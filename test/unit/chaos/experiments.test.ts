import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { listExperiments, loadExperiment, resolveExperiment } from '../../../src/chaos/experiments.ts';
import { UsageError } from '../../../src/errors.ts';
import { tempDir } from '../../kit/temp.ts';

const repo = join(import.meta.dirname, '..', '..', '..');
const shipped = ['bandwidth', 'db-deadlocks', 'kafka-consumer-lag', 'memory-pressure', 'network-latency', 'network-partition', 'packet-loss', 'redis-failure'];

test('every shipped experiment validates and is listed with its description', async () => {
  const listed = await listExperiments(repo);
  assert.deepEqual(listed.map((e) => e.name), shipped);
  for (const { name } of listed) {
    const e = await loadExperiment(name, { cwd: repo, overrides: { vars: {} } });
    assert.equal(e.name, name);
    assert.ok(e.steps.length > 0 && e.probes.length > 0);
    assert.equal(e.recovery.targetMs, 30_000);
  }
});

test('defaults, variables and command-line overrides', async () => {
  const e = await loadExperiment('redis-failure', {
    cwd: repo,
    overrides: { duration: '2s', mode: 'kill-in-place', targets: { redis: 'my-redis' }, vars: { BASE_URL: 'http://127.0.0.1:9' } },
  });
  assert.deepEqual(e.targets, { redis: { container: 'my-redis' } });
  assert.deepEqual(e.steps[0]?.fault, { kind: 'stop', mode: 'kill-in-place' });
  assert.equal(e.steps[0]?.durationMs, 2000);
  const http = e.probes[0];
  assert.equal(http?.type === 'http' && http.url, 'http://127.0.0.1:9/health');
  assert.deepEqual(e.recovery, { targetMs: 30_000, intervalMs: 250, healthyRounds: 3, maxWaitMs: 120_000 });

  const byProject = await loadExperiment('kafka-consumer-lag', { cwd: repo, overrides: { project: 'shop' } });
  assert.deepEqual(byProject.targets, { consumer: { project: 'shop', service: 'kafka-consumer' } });
});

test('bad overrides are usage errors that list the valid values', async () => {
  await assert.rejects(loadExperiment('redis-failur', { cwd: repo }), (error: unknown) =>
    error instanceof UsageError && error.message === `unknown experiment "redis-failur" (known: ${shipped.join(', ')})`);
  await assert.rejects(loadExperiment('redis-failure', { cwd: repo, overrides: { targets: { cache: 'x' } } }), /has no target "cache" \(targets: redis\)/);
  await assert.rejects(loadExperiment('redis-failure', { cwd: repo, overrides: { duration: 'soon' } }), /--duration soon: not a duration/);
  await assert.rejects(loadExperiment('kafka-consumer-lag', { cwd: repo, overrides: { mode: 'stop' } }), /no stop step/);
});

test('schema errors name the file and every bad field at once', () => {
  const yaml = [
    'name: broken', 'description: x',
    'targets: { db: { container: postgres }, cache: {} }',
    'steadyState: { probes: [ { type: http, url: "ftp://x" }, { type: tcp, address: nope }, { type: exec, target: ghost, command: [true] } ] }',
    'steps:',
    '  - { target: db, fault: { kind: latency, delayMs: -5 }, duration: 10 }',
    '  - { target: db, fault: { kind: teleport }, duration: 5s }',
    'recovery: { interval: fast }',
  ].join('\n');
  const errors = messages(() => resolveExperiment(yaml, '/x/chaos/broken.yaml', 'broken', {}));
  for (const field of ['steadyState.probes.0.url', 'steadyState.probes.1.address', 'steps.0.fault.delayMs', 'steps.0.duration', 'steps.1.fault.kind', 'recovery.interval']) {
    assert.ok(errors.some((l) => l.startsWith(`/x/chaos/broken.yaml: ${field}: `)), `${field} missing in\n${errors.join('\n')}`);
  }

  const crossField = 'name: other\ndescription: x\ntargets: { db: { container: postgres }, cache: {} }\nsteadyState: { probes: [ { type: exec, target: ghost, command: ["true"] } ] }\nsteps: [ { target: nope, fault: { kind: pause }, duration: 1s } ]\n';
  const rules = messages(() => resolveExperiment(crossField, 'f.yaml', 'broken', {}));
  assert.deepEqual(rules, [
    'f.yaml: name: "other" differs from the file name "broken"; make them the same',
    'f.yaml: targets.cache: give a container name, or a compose service (with a project, or names to try)',
    'f.yaml: steps.0.target: unknown target "nope" (targets: db, cache)',
    'f.yaml: steadyState.probes.0.target: unknown target "ghost" (targets: db, cache)',
  ]);
});

test('bad YAML and unset variables are reported with file and place', async () => {
  assert.match(messages(() => resolveExperiment('name: [unclosed', 'y.yaml', undefined, {}))[0] ?? '', /^y\.yaml: line 1: /);
  const cwd = tempDir('loadctl-exp-');
  mkdirSync(join(cwd, 'chaos'));
  writeFileSync(join(cwd, 'chaos', 'v.yaml'), 'name: v\ndescription: d\ntargets: { r: { container: "${REDIS_NAME}" } }\nsteadyState: { probes: [ { type: tcp, address: "127.0.0.1:1" } ] }\nsteps: [ { target: r, fault: { kind: pause }, duration: 1s } ]\n');
  await assert.rejects(loadExperiment('v', { cwd, overrides: { vars: {} } }), /targets\.r\.container: variable REDIS_NAME is not set/);
  const ok = await loadExperiment('v', { cwd, overrides: { vars: { REDIS_NAME: 'cache-1' } } });
  assert.deepEqual(ok.targets, { r: { container: 'cache-1' } });
});

function messages(fn: () => unknown): string[] {
  try {
    fn();
  } catch (error) {
    assert.ok(error instanceof UsageError, String(error));
    return error.message.split('\n').slice(1).map((l) => l.trim());
  }
  assert.fail('expected a UsageError');
}
