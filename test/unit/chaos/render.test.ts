import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { runExperiment } from '../../../src/chaos/engine.ts';
import type { Experiment } from '../../../src/chaos/experiment-schema.ts';
import { renderJunit, renderMarkdown, renderTable, resultDocument, verdictLine } from '../../../src/chaos/render.ts';
import { parseTargets } from '../../../src/chaos/command.ts';
import { UsageError } from '../../../src/errors.ts';
import { fakeClock, memoryFactory } from './memory-factory.ts';
import { tempDir } from '../../kit/temp.ts';

const experiment: Experiment = {
  name: 'redis-failure', description: 'd', file: '/x/chaos/redis-failure.yaml',
  targets: { redis: { container: 'redis' } },
  probes: [{ type: 'exec', name: 'ping', target: 'redis', command: ['redis-cli', 'ping'], timeout: 1000 }],
  steps: [{ name: 'stop redis', target: 'redis', fault: { kind: 'stop', mode: 'kill-in-place' }, durationMs: 30_000 }],
  recovery: { targetMs: 1000, intervalMs: 250, healthyRounds: 2, maxWaitMs: 5000 },
  watchdogGraceMs: 10_000,
};

async function run(probeCodes: number[]) {
  const clock = fakeClock(1_700_000_000_000);
  const codes = [...probeCodes];
  return runExperiment(experiment, {
    faults: memoryFactory(['redis']), stateDir: join(tempDir('loadctl-render-'), '.loadctl'), runId: 'r1',
    now: clock.now, sleep: clock.sleep, exec: async () => (codes.length > 0 ? (codes.shift() as number) : 0),
  });
}

test('the JSON document is versioned and carries the Unix-ms timeline, the mode and the verdict', async () => {
  const result = await run([0, 1, 1, 1, 1, 1, 0, 0]);
  const doc = resultDocument(result, experiment, { endpoint: 'unix:///var/run/docker.sock', runDir: '/r' });
  assert.equal(doc.schema, 'loadctl/chaos-result');
  assert.equal(doc.version, 1);
  assert.equal(doc.status, 'failed');
  assert.equal(doc.verdict, 'FAIL');
  assert.equal(doc.exitCode, 1);
  assert.equal(doc.timeline.injectedAt, 1_700_000_000_000);
  assert.equal(doc.timeline.rolledBackAt, 1_700_000_030_000);
  assert.equal(doc.recovery.measuredMs, 1250);
  assert.equal(doc.recovery.met, false);
  assert.equal(doc.steps[0]?.fault.kind === 'stop' && doc.steps[0].fault.mode, 'kill-in-place');
  assert.deepEqual(JSON.parse(JSON.stringify(doc)).rollback, { complete: true, failures: [] });
  assert.equal(verdictLine(result), 'FAIL: redis-failure recovered in 1.3s (target 1s)');
  assert.match(renderTable(result), /mode\s+│ kill-in-place/);
});

test('JUnit: one testcase per stage; a slow recovery is the one failure', async () => {
  const xml = renderJunit(await run([0, 1, 1, 1, 1, 1, 0, 0]));
  assert.match(xml, /<testsuite name="chaos redis-failure" tests="4" failures="1" skipped="0"/);
  assert.match(xml, /name="steady state"><\/testcase>/);
  assert.match(xml, /name="inject: stop redis"><\/testcase>/);
  assert.match(xml, /name="rollback"><\/testcase>/);
  assert.match(xml, /name="recovery &lt; 1s"><failure message="recovered in 1.3s"\/>/);
});

test('JUnit and verdict when the steady state was never met', async () => {
  const result = await run([2]);
  assert.equal(verdictLine(result), 'NOT STARTED: redis-failure: steady state not met before injecting; nothing was changed');
  const xml = renderJunit(result);
  assert.match(xml, /name="steady state"><failure message="ping: exit 2 in redis"\/>/);
  assert.match(xml, /name="inject: stop redis"><skipped\/>/);
});

test('--target values parse to a map, and a malformed one is a usage error', () => {
  assert.deepEqual(parseTargets(['redis=my-redis', 'db=pg=1']), { redis: 'my-redis', db: 'pg=1' });
  assert.throws(() => parseTargets(['redis']), (e: unknown) => e instanceof UsageError && /--target redis: expected ref=container-name/.test(e.message));
  assert.throws(() => parseTargets(['=x']), UsageError);
});

test('the CI summary is a markdown table with the verdict and the recovery time against the target', async () => {
  const md = renderMarkdown(await run([0, 1, 1, 1, 1, 1, 0, 0]));
  assert.match(md, /^### loadctl chaos redis-failure\n\n\| \| \|\n\|---\|---\|\n\| verdict \| \*\*FAIL\*\* \|/);
  assert.match(md, /\| recovery time \| 1\.3s \(target < 1s\) \|/);
  assert.match(md, /\| targets \| redis: `redis` \|/);
});
