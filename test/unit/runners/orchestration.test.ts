// The orchestration's reaction to a runner that never reports to the live
// feed. Real k6 cannot be made silent on demand (every runner shares the
// feed's address), so this file fakes the one boundary, the runners' k6 REST
// API and process, with a table of canned answers; the rest is the real
// runRunners.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { runRunners } from '../../../src/runners/run.ts';
import { sliceTest } from '../../../src/runners/segments.ts';
import type { K6Api, K6ApiStatus } from '../../../src/runners/k6-api.ts';
import type { Placement, RunnerExit, RunnerSpec, StartedRunner } from '../../../src/runners/placement.ts';

function fakeRunner(id: number, calls: string[]): StartedRunner {
  let status: K6ApiStatus = { status: 4, paused: true, running: false, stopped: false, vus: 0 };
  let ended = false;
  let resolveExit: (e: RunnerExit) => void = () => {};
  const exited = new Promise<RunnerExit>((r) => { resolveExit = r; });
  const api: K6Api = {
    base: `fake://${id}`,
    status: async () => status,
    runSetup: async () => { calls.push(`setup ${id}`); return '{"t":1}'; },
    setSetupData: async (d) => { calls.push(`data ${id} ${d}`); },
    resume: async () => { calls.push(`resume ${id}`); status = { ...status, status: 7, paused: false, running: true }; },
    stop: async () => { calls.push(`stop ${id}`); status = { ...status, status: 10, stopped: true }; },
    runTeardown: async () => { calls.push(`teardown ${id}`); },
  };
  return {
    id, where: `fake ${id}`, api, exited, done: () => ended, commandLine: 'k6', argv: [],
    signal: (s) => { calls.push(`${s} ${id}`); if (!ended) { ended = true; resolveExit({ exitCode: 0, signal: null }); } },
  };
}

function fakeFleet(count: number, calls: string[]): { placement: Placement; specs: RunnerSpec[] } {
  const placement: Placement = {
    kind: 'local', receiverHosts: ['127.0.0.1'], readyTimeoutMs: 5000,
    start: async (spec: RunnerSpec) => fakeRunner(spec.slice.id, calls),
    close: async () => { calls.push('close'); },
  };
  const specs = sliceTest(count).map((slice) => ({ slice, k6Path: 'k6', scriptPath: 's', summaryPath: 'a', summaryExportPath: 'b', stdoutLog: 'c', stderrLog: 'd', outputs: [], extraArgs: [], env: {}, cwd: '.' }));
  return { placement, specs };
}

test('a runner silent on the live feed after its release fails the run, named; the others are stopped; teardown still runs once', { timeout: 10_000 }, async () => {
  const calls: string[] = [];
  const { placement, specs } = fakeFleet(3, calls);
  // A fault under this load is rolled back from onFailure, so it must come once, as it happens, before the others are stopped.
  const failures: string[] = [];
  const run = await runRunners({ specs, placement, reported: (id) => id !== 1, reportTimeoutMs: 300, pollMs: 50, signals: new EventEmitter() }, {
    onFailure: (reason) => failures.push(`${reason} | stops so far: ${calls.filter((c) => c.startsWith('stop')).length}`),
  });
  assert.match(run.failure?.reason ?? '', /^runner 1 \(fake 1\) sent nothing to the live feed in 0.3 s after its release/);
  assert.deepEqual(failures, [`${run.failure?.reason} | stops so far: 0`]);
  assert.deepEqual(run.runners.map((r) => r.end), ['stopped', 'silent', 'stopped']);
  assert.deepEqual(calls.filter((c) => c.startsWith('stop')).sort(), ['stop 0', 'stop 1', 'stop 2']);
  assert.deepEqual(calls.filter((c) => c.startsWith('setup') || c.startsWith('teardown')), ['setup 0', 'teardown 0']);
  assert.deepEqual(calls.filter((c) => c.startsWith('data')), ['data 1 {"t":1}', 'data 2 {"t":1}']);
  assert.equal(calls.at(-1), 'close');
});

test('stop (a hang-up the caller handles) stops every runner through its API as a first Ctrl-C does; teardown still runs', { timeout: 10_000 }, async () => {
  const calls: string[] = [];
  const { placement, specs } = fakeFleet(2, calls);
  const hangUp = new AbortController();
  const said: string[] = [];
  const run = await runRunners({ specs, placement, reported: () => true, pollMs: 50, signals: new EventEmitter(), stop: hangUp.signal }, {
    onReleased: () => { setTimeout(() => hangUp.abort(), 100); },
    onSignal: (name, action) => said.push(`${name}: ${action}`),
  });
  assert.equal(run.interrupted, true);
  assert.equal(run.failure, undefined);
  assert.deepEqual(run.runners.map((r) => r.end), ['stopped', 'stopped']);
  assert.deepEqual(calls.filter((c) => c.startsWith('stop')).sort(), ['stop 0', 'stop 1']);
  assert.ok(calls.includes('teardown 0'));
  assert.match(said[0] ?? '', /^SIGHUP: stopping every runner through its API/);
});
