// The run pipeline in-process, with real k6 against the real sandbox and
// signals from an EventEmitter instead of the process.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { existsSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { runPipeline, type RunPipelineOptions } from '../../src/run/pipeline.ts';
import { InterruptedError } from '../../src/errors.ts';
import type { Sandbox } from '../../src/sandbox/server.ts';
import { k6Skip, realK6 } from '../kit/parts.ts';
import { sandboxWithUsers } from '../e2e/harness.ts';
import { root } from './helpers.ts';
import { tempDir } from '../kit/temp.ts';

let sandbox: Sandbox | undefined;

function options(t: { after(fn: () => void): void }, extra: Partial<RunPipelineOptions> = {}): RunPipelineOptions {
  const outDir = tempDir('loadctl-pipeline-');
  t.after(() => rmSync(outDir, { recursive: true, force: true }));
  return {
    profile: 'quick', cwd: root, overrides: { duration: '2s', vus: 2 }, outDir, k6Path: realK6(), dryRun: false, preflight: false,
    extraArgs: [], outputs: [], k6Env: { BASE_URL: sandbox?.url ?? '', THINK_TIME: '0.05', USER_COUNT: '2' }, processEnv: process.env,
    signals: new EventEmitter(), ...extra,
  };
}

describe('the run pipeline on real k6', { skip: k6Skip() }, () => {
before(async () => { sandbox = await sandboxWithUsers(2); });
after(async () => { await sandbox?.close(); });

test('Ctrl-C before k6 starts: exit 4 (InterruptedError), no run folder left, handlers removed', async (t) => {
  const signals = new EventEmitter();
  const opts = options(t, { signals });
  let k6Spawned = false;
  await assert.rejects(
    runPipeline(opts, { onProfile: () => { signals.emit('SIGINT'); }, onSpawn: () => { k6Spawned = true; } }),
    (e: unknown) => e instanceof InterruptedError && /SIGINT before k6 started/.test(e.message) && e.exitCode === 4,
  );
  assert.equal(k6Spawned, false);
  assert.deepEqual(readdirSync(opts.outDir), []);
  assert.equal(signals.listenerCount('SIGINT'), 0);
});

test('a signal during bundling removes the half-made folder', async (t) => {
  const signals = new EventEmitter();
  const opts = options(t, { signals });
  await assert.rejects(runPipeline(opts, { onRunDir: () => { signals.emit('SIGTERM'); } }), /SIGTERM before k6 started/);
  assert.deepEqual(readdirSync(opts.outDir), []);
});

test('a whole run in-process: events in order, report with the verdict and outcome (result.json is the run use case\'s to write)', async (t) => {
  const seen: string[] = [];
  const opts = options(t);
  const result = await runPipeline(opts, {
    onProfile: () => seen.push('profile'),
    onK6: () => seen.push('k6'),
    onRunDir: () => seen.push('dir'),
    onBundle: () => seen.push('bundle'),
    onCommand: () => seen.push('command'),
    onSpawn: () => seen.push('spawn'),
  });
  assert.deepEqual(seen, ['profile', 'k6', 'dir', 'bundle', 'command', 'spawn']);
  assert.equal(result.kind, 'ran');
  if (result.kind !== 'ran') return;
  assert.equal(result.report.k6.exitCode, 0);
  assert.equal(result.report.summary?.source, 'handleSummary');
  assert.equal(result.report.outcome.status, 'passed');
  assert.ok(existsSync(join(result.runDir, 'summary.json')));
  assert.ok((result.report.results?.http.requests ?? 0) > 0, 'k6 sent requests to the sandbox');
  assert.equal(result.report.verdict.targets.find((v) => v.target.metric === 'booking_duration')?.ok, true);
});
});
