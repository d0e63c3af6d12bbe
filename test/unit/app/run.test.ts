// The run use case's wiring, in-process: the real pipeline, executor,
// extension loop and result, with k6 replaced by the fake of its process
// (test/unit/run/fake-k6.ts).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runTest } from '../../../src/app/run.ts';
import { createSingleExecutor } from '../../../src/run/single.ts';
import { fakeK6 } from '../run/fake-k6.ts';
import { linesUi, recorder, request } from '../run/kit.ts';

test('a passing run: hooks in order, one result.json that is the RunResult\'s document, exit 0', async (t) => {
  const seen: string[] = [];
  const k6 = fakeK6('pass');
  const events: string[] = [];
  const result = await runTest(request(t), {
    ui: linesUi(), executor: createSingleExecutor(k6), extensions: [recorder(seen)],
    events: { onProfile: () => events.push('profile'), onRunDir: () => events.push('dir'), onBundle: () => events.push('bundle'), onCommand: () => events.push('command'), onSpawn: () => events.push('spawn') },
  });
  assert.equal(k6.runs(), 1);
  assert.deepEqual(seen, ['open', 'confirm', 'beforeLoad recorded', 'start 4242', 'afterLoad', 'finish']);
  assert.deepEqual(events, ['profile', 'dir', 'bundle', 'command', 'spawn']);
  assert.equal(result.kind, 'ran');
  if (result.kind !== 'ran') return;
  assert.equal(result.exitCode, 0, result.report.outcome.reason);
  assert.equal(readFileSync(join(result.runDir, 'result.json'), 'utf8'), result.resultJson);
  assert.deepEqual(JSON.parse(result.resultJson), result.document);
  assert.deepEqual((result.document as { live: unknown }).live, { source: null, pushes: null, seconds: 0 });
});

test('k6\'s thresholds crossed (exit 99): failed, exit 1', async (t) => {
  const result = await runTest(request(t), { ui: linesUi(), events: {}, executor: createSingleExecutor(fakeK6('fail')), extensions: [] });
  assert.equal(result.kind === 'ran' && result.report.outcome.status, 'failed');
  assert.equal(result.exitCode, 1);
});

test('an extension\'s say, block and lines: a failed check fails a passing run, named, in result.json and the RunResult', async (t) => {
  const ext = recorder([], (host) => ({
    async finish() {
      host.ui.result('check: FAIL');
      return { say: { kind: 'problems', problems: [{ code: 1, reason: 'check "x" failed' }] }, doc: { invariants: { x: 1 } }, blocks: { invariants: { invariants: [] } as never } };
    },
  }));
  const ui = linesUi();
  const result = await runTest(request(t), { ui, events: {}, executor: createSingleExecutor(fakeK6('pass')), extensions: [ext] });
  assert.equal(result.kind, 'ran');
  if (result.kind !== 'ran') return;
  assert.equal(result.exitCode, 1);
  assert.equal(result.report.outcome.reason, 'check "x" failed');
  assert.deepEqual((result.document as { invariants: unknown }).invariants, { x: 1 });
  assert.deepEqual(Object.keys(result.blocks), ['invariants']);
  assert.ok(ui.lines.includes('check: FAIL'));
});

test('an extension that stops the load (a live gate\'s say) turns k6\'s interruption into a failure, exit 1', async (t) => {
  const ext = recorder([], () => ({ async finish() { return { say: { kind: 'stopped-by', reason: 'gate "g" failed 3 times' } }; } }));
  const result = await runTest(request(t), { ui: linesUi(), events: {}, executor: createSingleExecutor(fakeK6('sigint')), extensions: [ext] });
  assert.equal(result.exitCode, 1);
  assert.match(result.kind === 'ran' ? result.report.outcome.reason : '', /^gate "g" failed 3 times; k6 was stopped early/);
});

test('a throw before the load (beforeLoad): k6 never starts, no run folder, afterLoad still runs', async (t) => {
  const seen: string[] = [];
  const k6 = fakeK6('pass');
  const req = request(t);
  const ext = recorder(seen, () => ({ async beforeLoad() { throw new Error('Prometheus did not answer'); } }));
  await assert.rejects(runTest(req, { ui: linesUi(), events: {}, executor: createSingleExecutor(k6), extensions: [ext] }), /Prometheus did not answer/);
  assert.equal(k6.runs(), 0);
  assert.deepEqual(existsSync(req.outDir) ? readdirSync(req.outDir) : [], []);
  assert.deepEqual(seen, ['open', 'confirm', 'afterLoad']);
});

test('a refused consent: nothing started, no load hooks', async (t) => {
  const seen: string[] = [];
  const k6 = fakeK6('pass');
  const ext = recorder(seen, () => ({ async confirm() { throw new Error('not confirmed'); } }));
  await assert.rejects(runTest(request(t), { ui: linesUi(), events: {}, executor: createSingleExecutor(k6), extensions: [ext] }), /not confirmed/);
  assert.equal(k6.runs(), 0);
  assert.deepEqual(seen, ['open']);
});

test('a dry run: the extension\'s plan is printed, k6 never starts, the command is written', async (t) => {
  const k6 = fakeK6('pass');
  const ui = linesUi();
  const ext = recorder([], () => ({ dryRun: () => 'would break redis' }));
  const result = await runTest(request(t, { dryRun: true }), { ui, events: {}, executor: createSingleExecutor(k6), extensions: [ext] });
  assert.equal(result.kind, 'dry-run');
  assert.equal(k6.runs(), 0);
  assert.ok(ui.lines.includes('would break redis'));
  assert.ok(existsSync(join(result.runDir, 'k6-command.txt')));
});
