import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { exitCodeFor, runExperiment, type EngineDeps } from '../../../src/chaos/engine.ts';
import type { Experiment } from '../../../src/chaos/experiment-schema.ts';
import { appendRecord, pendingIntents, readJournal } from '../../../src/chaos/journal.ts';
import { EnvironmentError, ExitCode } from '../../../src/errors.ts';
import { ContainerGoneError } from '../../../src/docker/errors.ts';
import { fakeClock, memoryFactory } from './memory-factory.ts';
import { tempDir } from '../../kit/temp.ts';

function experiment(steps: Experiment['steps'], overrides: Partial<Experiment> = {}): Experiment {
  return {
    name: 'unit', description: 'unit', file: '',
    targets: { redis: { container: 'redis' }, kafka: { container: 'kafka' } },
    probes: [{ type: 'exec', name: 'ping', target: 'redis', command: ['ping'], timeout: 1000 }],
    steps,
    recovery: { targetMs: 2000, intervalMs: 250, healthyRounds: 3, maxWaitMs: 10_000 },
    watchdogGraceMs: 10_000,
    ...overrides,
  };
}

const twoSteps: Experiment['steps'] = [
  { name: 'stop redis', target: 'redis', fault: { kind: 'stop', mode: 'stop' }, durationMs: 1000 },
  { name: 'pause kafka', target: 'kafka', fault: { kind: 'pause' }, durationMs: 500 },
];

function setup(probeCodes: number[] = []) {
  const stateDir = join(tempDir('loadctl-engine-'), '.loadctl');
  const faults = memoryFactory(['redis', 'kafka', 'bystander']);
  const clock = fakeClock();
  const codes = [...probeCodes];
  const execs: string[] = [];
  const deps: EngineDeps = {
    faults, stateDir, runId: 'run-1', now: clock.now, sleep: clock.sleep,
    // Scripted probe: next exit code in the list, then healthy forever.
    exec: async (container) => { execs.push(container.name); return codes.length > 0 ? (codes.shift() as number) : 0; },
  };
  return { stateDir, faults, clock, deps, execs, journal: join(stateDir, 'chaos-journal') };
}

test('undos run newest first, across steps and within a step, and every entry is marked done', async () => {
  const { deps, faults, journal } = setup();
  const result = await runExperiment(experiment(twoSteps), deps);
  assert.equal(result.status, 'passed');
  assert.deepEqual(faults.log, [
    'plan stop redis', 'apply stop redis', 'plan pause kafka', 'apply pause kafka',
    'undo unpause kafka', 'undo start redis', 'undo exec redis',
  ]);
  assert.equal(faults.state.get('redis'), 'running');
  assert.equal(faults.state.get('bystander'), 'running');
  assert.deepEqual(pendingIntents(readJournal(journal)), []);
  assert.deepEqual(readJournal(journal).map((r) => r.type), ['intent', 'extend', 'intent', 'extend', 'done', 'done']);
});

test('the intent and its undo are in the journal, synced, before apply runs', async () => {
  const { deps, faults, journal } = setup();
  const seen: string[][] = [];
  faults.onApply = () => { seen.push(pendingIntents(readJournal(journal)).map((e) => e.intent)); };
  await runExperiment(experiment(twoSteps), deps);
  assert.deepEqual(seen, [['stop redis'], ['stop redis', 'pause kafka']]);
  const first = readJournal(journal)[0];
  assert.equal(first?.type, 'intent');
  if (first?.type === 'intent') {
    assert.deepEqual(first.undo.map((u) => u.kind), ['exec', 'start']);
    assert.equal(first.pid, process.pid);
    // Both holds plus the grace: the watchdog's last moment.
    assert.equal(first.deadline - first.at, 1000 + 500 + 10_000);
  }
});

test('a failing undo does not stop the others; it is reported and stays pending for recover', async () => {
  const { deps, faults, journal } = setup();
  faults.failingUndos.add('start redis');
  const result = await runExperiment(experiment(twoSteps), deps);
  assert.deepEqual(faults.log.filter((l) => l.startsWith('undo')), ['undo unpause kafka', 'undo start redis', 'undo exec redis']);
  assert.deepEqual(result.rollbackFailures.map((f) => f.message), ['cannot start redis']);
  assert.equal(exitCodeFor(result), ExitCode.Environment);
  assert.equal(result.status, 'error');
  assert.equal(result.error?.hint, 'loadctl chaos recover');
  assert.equal(result.recovery.rounds, 0, 'no probing of a system that was not put back');
  assert.deepEqual(pendingIntents(readJournal(journal)).map((e) => e.intent), ['stop redis']);
});

test('an apply that throws still rolls back what came before and itself, and skips recovery', async () => {
  const { deps, faults, execs } = setup();
  faults.onApply = (spec) => { if (spec.kind === 'pause') throw new EnvironmentError('container kafka is gone'); };
  const result = await runExperiment(experiment(twoSteps), deps);
  assert.equal(result.status, 'error');
  assert.equal(result.error?.message, 'container kafka is gone');
  assert.equal(exitCodeFor(result), ExitCode.Environment);
  assert.deepEqual(faults.log.filter((l) => l.startsWith('undo')), ['undo unpause kafka', 'undo start redis', 'undo exec redis']);
  assert.equal(execs.length, 1, 'only the steady-state probe ran');
});

test('a failing steady-state probe stops the experiment with nothing planned or injected', async () => {
  const { deps, faults, journal } = setup([1]);
  const result = await runExperiment(experiment(twoSteps), deps);
  assert.equal(result.status, 'steady-state-failed');
  assert.equal(exitCodeFor(result), ExitCode.Environment);
  assert.deepEqual(faults.log, []);
  assert.deepEqual(readJournal(journal), []);
  assert.equal(result.steadyState[0]?.detail, 'exit 1 in redis');
});

test('an abort during the hold ends the hold at once, rolls back, and reports interrupted', async () => {
  const { deps, faults, clock } = setup();
  const controller = new AbortController();
  faults.onApply = () => controller.abort();
  const result = await runExperiment(experiment(twoSteps), { ...deps, signal: controller.signal });
  assert.equal(result.status, 'interrupted');
  assert.equal(exitCodeFor(result), ExitCode.Interrupted);
  assert.deepEqual(faults.log, ['plan stop redis', 'apply stop redis', 'undo start redis', 'undo exec redis']);
  assert.equal(faults.state.get('redis'), 'running');
  assert.equal(result.recovery.rounds, 0);
  assert.equal(clock.now(), 1_000_000, 'no virtual time was spent holding');
  assert.ok(result.events.some((e) => e.type === 'interrupted' && e.phase === 'hold'));
});

test('endHold (the load under the fault is gone) ends the hold at once, skips later steps, rolls back and still measures recovery', async () => {
  const { deps, faults, clock } = setup();
  const load = new AbortController();
  faults.onApply = () => load.abort('runner 1 died');
  const result = await runExperiment(experiment(twoSteps), { ...deps, endHold: load.signal });
  assert.equal(result.status, 'passed', 'not an interruption: nobody asked to stop');
  assert.deepEqual(faults.log, ['plan stop redis', 'apply stop redis', 'undo start redis', 'undo exec redis']);
  assert.equal(faults.state.get('redis'), 'running');
  assert.ok(result.recovery.rounds > 0, 'recovery probed as usual');
  assert.ok((result.timeline.rolledBackAt ?? Infinity) - (result.timeline.injectedAt ?? 0) < 1000, 'the 1 s hold was cut short');
  assert.ok(clock.now() < 1_000_000 + 1000 + 500, 'no virtual time spent holding either step');
});

test('recovery time runs from rollback to the first of K consecutive healthy rounds', async () => {
  // steady ok, then rounds: fail, fail, ok, fail, ok, ok, ok -> streak starts at round 4 (index 4).
  const { deps } = setup([0, 1, 1, 0, 1, 0, 0, 0]);
  const events: string[] = [];
  const result = await runExperiment(experiment([twoSteps[0]!]), deps, { onEvent: (e) => events.push(e.type) });
  assert.equal(result.recovery.measuredMs, 4 * 250);
  assert.equal(result.recovery.rounds, 7);
  assert.equal(result.timeline.recoveredAt, (result.timeline.rolledBackAt ?? 0) + 1000);
  assert.equal(result.status, 'passed');
  assert.deepEqual(events.slice(0, 6), ['resolved', 'steady-state', 'planned', 'injected', 'rollback-started', 'undo']);
  assert.equal(events.at(-1), 'recovered');
});

test('recovery slower than the target fails; never recovering within the bound fails', async () => {
  const slow = setup([0, ...Array(12).fill(1)]);
  const late = await runExperiment(experiment([twoSteps[0]!]), slow.deps);
  assert.equal(late.recovery.measuredMs, 12 * 250);
  assert.equal(late.status, 'failed');
  assert.equal(exitCodeFor(late), ExitCode.Failed);

  const never = setup([0, ...Array(1000).fill(1)]);
  const result = await runExperiment(experiment([twoSteps[0]!], { recovery: { targetMs: 2000, intervalMs: 250, healthyRounds: 3, maxWaitMs: 3000 } }), never.deps);
  assert.equal(result.status, 'failed');
  assert.equal(result.recovery.measuredMs, null);
  assert.equal(result.recovery.rounds, 13, 'rounds at 0..3000ms, then it gives up');
  assert.equal(result.events.at(-1)?.type, 'not-recovered');
});

test('a new experiment refuses to start while an earlier one left a pending undo', async () => {
  const { deps, faults, journal } = setup();
  const dead = spawnSync(process.execPath, ['-e', '0']).pid ?? 999_999;
  appendRecord(journal, {
    type: 'intent', id: 'old/0', runId: 'old', experiment: 'redis-failure', pid: dead, step: 0,
    intent: 'stop redis', undo: [{ kind: 'start', container: { id: 'x', name: 'redis' } }], at: 1, deadline: 2,
  });
  await assert.rejects(runExperiment(experiment(twoSteps), deps), (error: unknown) => {
    assert.ok(error instanceof EnvironmentError);
    assert.match(error.message, /was not rolled back: redis-failure: stop redis/);
    assert.equal(error.hint, 'loadctl chaos recover');
    return true;
  });
  assert.deepEqual(faults.log, []);
  assert.match(readFileSync(journal, 'utf8'), /"old\/0"/);
});

test('a container removed mid-experiment: its undo is moot, the run is an error, nothing stays pending', async () => {
  const { deps, faults, journal } = setup();
  const undo = faults.undo.bind(faults);
  faults.undo = async (spec) => {
    if (spec.container.name === 'redis') throw new ContainerGoneError(spec.container, 'start it');
    return undo(spec);
  };
  const result = await runExperiment(experiment(twoSteps), deps);
  assert.equal(result.status, 'error');
  assert.match(result.error?.message ?? '', /^container redis \(redis-id-012\) is gone \(removed while the experiment ran\)/);
  assert.equal(exitCodeFor(result), ExitCode.Environment);
  assert.deepEqual(result.rollbackFailures, []);
  assert.equal(result.recovery.rounds, 0);
  assert.deepEqual(pendingIntents(readJournal(journal)), []);
  const gone = result.events.filter((e) => e.type === 'undo' && e.gone === true);
  assert.equal(gone.length, 2);
});

test('a callback that throws during rollback does not stop the remaining undos', async () => {
  const { deps, faults } = setup();
  const result = await runExperiment(experiment(twoSteps), deps, {
    onEvent: (e) => { if (e.type === 'undo' || e.type === 'rollback-started' || e.type === 'injected') throw new Error('renderer bug'); },
  });
  assert.deepEqual(faults.log.filter((l) => l.startsWith('undo')), ['undo unpause kafka', 'undo start redis', 'undo exec redis']);
  assert.deepEqual(result.rollbackFailures, []);
  assert.equal(faults.state.get('redis'), 'running');
  assert.equal(result.status, 'passed');
});
