// Real containers for the fault tests, from the local image loadctl-test:1
// (scripts/ci/build-test-image.sh). Set-up and observation go through the
// `docker` CLI on purpose: an independent witness of what the adapter did.
// Every container and network carries this run's label and name prefix and is
// removed at the end, whatever happened.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { connect } from 'node:net';
import { promisify } from 'node:util';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { isContainerGone, runExperiment } from '../../src/chaos/engine.ts';
import type { ChaosResult } from '../../src/chaos/engine-types.ts';
import type { Experiment } from '../../src/chaos/experiment-schema.ts';
import type { FaultFactory, FaultSpec } from '../../src/chaos/fault.ts';
import { abortableSleep } from '../../src/chaos/recovery.ts';
import { describeUndo, UndoStack } from '../../src/chaos/rollback.ts';
import type { FaultPlan, TargetSelector, UndoSpec } from '../../src/chaos/types.ts';
import { dockerSkip, testImage } from '../kit/parts.ts';
import { waitFor } from '../kit/wait.ts';
import { tempDir } from '../kit/temp.ts';

const run = promisify(execFile);
export { testImage };
const runLabel = 'io.loadctl.test.run';

export async function docker(...args: string[]): Promise<string> {
  const { stdout } = await run('docker', args, { maxBuffer: 16 * 1024 * 1024 });
  return stdout.trim();
}

export async function dockerStatus(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run('docker', args, { maxBuffer: 16 * 1024 * 1024 });
    return { code: 0, stdout: stdout.trim(), stderr: stderr.trim() };
  } catch (error) {
    const e = error as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof e.code === 'number' ? e.code : 1, stdout: (e.stdout ?? '').trim(), stderr: (e.stderr ?? '').trim() };
  }
}

/** Why these tests cannot run here (one line, printed once), or undefined when they can. */
export const dockerSkipReason = async (): Promise<string | undefined> => dockerSkip(testImage);

export class Lab {
  readonly prefix = `lct-${randomBytes(3).toString('hex')}`;
  private readonly networks: string[] = [];
  private bystander: { name: string; before: string } | undefined;

  name(role: string): string {
    return `${this.prefix}-${role}`;
  }

  /** docker run -d with this run's label; returns the full id. */
  async run(role: string, options: string[], cmd: string[] = ['sleep', 'infinity']): Promise<{ id: string; name: string }> {
    const name = this.name(role);
    const id = await docker('run', '-d', '--name', name, '--label', `${runLabel}=${this.prefix}`, ...options, testImage, ...cmd);
    return { id, name };
  }

  /** A network created elsewhere that cleanup should remove. */
  adoptNetwork(name: string): void {
    this.networks.push(name);
  }

  async network(role: string): Promise<string> {
    const name = this.name(role);
    await docker('network', 'create', '--label', `${runLabel}=${this.prefix}`, name);
    this.networks.push(name);
    return name;
  }

  /** Redis on a random 127.0.0.1 port, restart policy unless-stopped (for kill-in-place). */
  redis(role = 'redis', extra: string[] = [], restart = 'unless-stopped') {
    return this.run(role, ['-p', '127.0.0.1::6379', '--restart', restart, ...extra], ['redis-server', '--protected-mode', 'no', '--save', '', '--appendonly', 'no']);
  }

  /** PostgreSQL 15 with a fresh cluster (trust auth on the local socket). */
  async postgres(role = 'pg'): Promise<{ id: string; name: string }> {
    const bin = '/usr/lib/postgresql/15/bin';
    const script = `mkdir -p /run/postgresql && chown postgres /run/postgresql && exec su postgres -s /bin/sh -c '${bin}/initdb -D /tmp/pgdata --auth=trust -U postgres >/dev/null && exec ${bin}/postgres -D /tmp/pgdata -k /run/postgresql -c listen_addresses= -c deadlock_timeout=200ms'`;
    const ref = await this.run(role, [], ['sh', '-c', script]);
    await waitFor(`postgres in ${ref.name}`, async () => (await dockerStatus('exec', ref.name, 'pg_isready', '-q', '-h', '/run/postgresql')).code === 0);
    return ref;
  }

  /** loadctl helper containers attached to any of these containers (never another run's). */
  async helpers(targetIds: string[]): Promise<string[]> {
    const found: string[] = [];
    for (const id of targetIds) {
      found.push(...(await docker('ps', '-aq', '--filter', `label=io.loadctl.chaos.target=${id}`)).split('\n').filter(Boolean));
    }
    return found;
  }

  /** A container no fault names: cleanup() fails the file if it changed at all. */
  async watchBystander(role: string): Promise<void> {
    this.bystander = { name: this.name(role), before: await fingerprint(this.name(role)) };
  }

  async cleanup(): Promise<void> {
    // The bystander check comes first, so a failure still removes everything.
    try {
      if (this.bystander) assert.equal(await fingerprint(this.bystander.name), this.bystander.before, 'the bystander changed');
    } finally {
      await this.removeAll();
    }
  }

  private async removeAll(): Promise<void> {
    const ids = (await docker('ps', '-aq', '--no-trunc', '--filter', `label=${runLabel}=${this.prefix}`)).split('\n').filter(Boolean);
    const helpers = await this.helpers(ids);
    const all = [...ids, ...helpers];
    if (all.length > 0) await dockerStatus('rm', '-f', ...all);
    for (const network of this.networks) await dockerStatus('network', 'rm', network);
  }
}

export async function inspect(name: string): Promise<Record<string, any>> {
  const parsed = JSON.parse(await docker('inspect', name)) as Array<Record<string, any>>;
  return parsed[0] ?? {};
}

export async function hostPort(name: string, containerPort: string): Promise<number> {
  const mapping = await docker('port', name, containerPort);
  const port = Number(/:(\d+)\s*$/m.exec(mapping.split('\n')[0] ?? '')?.[1]);
  if (!Number.isInteger(port)) throw new Error(`no published port for ${name} ${containerPort}: ${mapping}`);
  return port;
}

/** Sends PING to Redis on 127.0.0.1; resolves 'pong', 'refused' or 'silent' (no answer within timeoutMs). */
export function redisPing(port: number, timeoutMs = 800): Promise<'pong' | 'refused' | 'silent' | 'closed'> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    let answer = '';
    const done = (result: 'pong' | 'refused' | 'silent' | 'closed') => {
      clearTimeout(timer);
      socket.destroy();
      resolve(result);
    };
    const timer = setTimeout(() => done('silent'), timeoutMs);
    socket.on('connect', () => socket.write('PING\r\n'));
    socket.on('data', (chunk) => {
      answer += chunk.toString();
      if (answer.includes('+PONG')) done('pong');
    });
    socket.on('error', (error: NodeJS.ErrnoException) => done(error.code === 'ECONNREFUSED' ? 'refused' : 'closed'));
    socket.on('close', () => done(answer.includes('+PONG') ? 'pong' : 'closed'));
  });
}

export { waitFor };

/** The parts of `docker inspect` a fault could change, for before/after comparison of bystanders. */
export async function fingerprint(name: string): Promise<string> {
  return JSON.stringify(await inspect(name));
}

/**
 * Rolls a plan back through the engine's own undo stack (src/chaos/rollback.ts:
 * newest first, every undo tried, a gone container moot), not a copy of it.
 * Throws when an undo failed, as the engine would report it.
 */
export async function rollback(factory: { undo(spec: UndoSpec): Promise<void> }, plan: FaultPlan): Promise<void> {
  const stack = new UndoStack();
  stack.push('test', plan.undo);
  const { failures } = await stack.unwind((spec) => factory.undo(spec), { isMoot: isContainerGone });
  if (failures.length > 0) throw new Error(`rollback failed: ${failures.map((f) => `${describeUndo(f.spec)}: ${String(f.error)}`).join('; ')}`);
}

export interface EngineRun {
  result: ChaosResult;
  /** The journal's record types, in order ("intent", "extend", "done"). */
  journal: string[];
}

/**
 * One fault on one target, run by the chaos engine itself (runExperiment):
 * plan, journal, apply, hold, the undo stack unwound, recovery. `during` runs
 * while the fault is held (in place of the hold's sleep), so the test looks at
 * the fault while it is applied. No probes: recovery is one healthy round.
 */
export async function throughEngine(
  factory: FaultFactory, selector: TargetSelector, fault: FaultSpec,
  options: { durationMs?: number; during?: () => Promise<void> } = {},
): Promise<EngineRun> {
  const stateDir = tempDir('loadctl-engine-');
  const experiment: Experiment = {
    name: 'lab', description: 'one fault, through the engine', file: '', targets: { target: selector }, probes: [],
    steps: [{ name: 'the fault', target: 'target', fault, durationMs: options.durationMs ?? 30_000 }],
    recovery: { targetMs: 30_000, intervalMs: 50, healthyRounds: 1, maxWaitMs: 5000 }, watchdogGraceMs: 10_000,
  };
  let held = false;
  try {
    const result = await runExperiment(experiment, {
      faults: factory, stateDir, runId: `lab-${randomBytes(3).toString('hex')}`,
      exec: () => Promise.reject(new Error('no probes in these tests')),
      sleep: async (ms, signal) => {
        if (held || !options.during) return abortableSleep(ms, signal);
        held = true;
        await options.during();
      },
    });
    const lines = readFileSync(join(stateDir, 'chaos-journal'), 'utf8').trim().split('\n');
    return { result, journal: lines.map((l) => (JSON.parse(l) as { type: string }).type) };
  } finally {
    rmSync(stateDir, { recursive: true, force: true });
  }
}
