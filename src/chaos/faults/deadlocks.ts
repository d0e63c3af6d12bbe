// db-deadlocks: inside the PostgreSQL container, pairs of psql workers update
// the same two rows in opposite orders, so PostgreSQL keeps detecting
// deadlocks and aborting one side, the way a bad code path would. The workers
// stop on their own at the end of the duration (a kill -9 of loadctl cannot
// leave them running); the undo stops them early, ends their sessions and
// drops the scratch table. observe() reports the deadlocks PostgreSQL itself
// counted (pg_stat_database), not what the workers think happened.
import { EnvironmentError, UsageError } from '../../errors.ts';
import type { Fault, FaultObservations } from './kind.ts';
import type { ContainerRef, FaultPlan } from '../types.ts';
import { describe, requireRunning, seconds, shellQuote, type FaultContext } from './common.ts';
import { formatDuration } from '../../shared/duration.ts';
import { z } from 'zod';
import { defineFault } from './kind.ts';

interface Names {
  table: string;
  app: string;
  dir: string;
}

function psql(spec: { database: string; user: string }, sql: string, extra = ''): string {
  return `psql -X -q -A -t ${extra} -U ${shellQuote(spec.user)} -d ${shellQuote(spec.database)} -c ${shellQuote(sql)}`;
}

/** The worker script: runs until the deadline or until the stop file appears, then removes its directory. */
export function driverScript(spec: { database: string; user: string; workers: number }, names: Names, durationMs: number): string {
  // Double quotes so the worker's $1/$2 (row ids) expand; everything else in the SQL is a fixed identifier.
  const tx = `"BEGIN; UPDATE ${names.table} SET n = n + 1 WHERE id = $1; SELECT pg_sleep(0.1); UPDATE ${names.table} SET n = n + 1 WHERE id = $2; COMMIT;"`;
  const client = `psql -X -q -U ${shellQuote(spec.user)} -d ${shellQuote(spec.database)} -c ${tx}`;
  const starts = Array.from({ length: spec.workers }, (_, i) => `worker ${i % 2 === 0 ? '1 2' : '2 1'} & echo $! >> "$dir/pids"`);
  return [
    `dir=${names.dir}; mkdir -p "$dir"; end=$(( $(date +%s) + ${seconds(durationMs)} ))`,
    `worker() { while [ "$(date +%s)" -lt "$end" ] && [ ! -f "$dir/stop" ]; do ${client} >/dev/null 2>&1; done; }`,
    ...starts,
    'wait',
    'rm -rf "$dir"',
  ].join('\n');
}

/** Stops the workers, ends their sessions, drops the table. Safe to run any number of times. */
export function stopScript(spec: { database: string; user: string }, names: Names): string {
  return [
    // Only a driver still running has the directory; it removes it itself on the way out.
    `if [ -d ${names.dir} ]; then touch ${names.dir}/stop; [ -f ${names.dir}/pids ] && kill $(cat ${names.dir}/pids) 2>/dev/null; fi`,
    `${psql(spec, `SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE application_name = '${names.app}'`)} >/dev/null 2>&1`,
    `${psql(spec, `DROP TABLE IF EXISTS ${names.table}`, '-v ON_ERROR_STOP=1')} >/dev/null`,
  ].join('; ');
}

export function deadlockFault(ctx: FaultContext, spec: { database: string; user: string; workers?: number }, targets: ContainerRef[]): Fault {
  const workers = spec.workers ?? 2;
  if (!Number.isInteger(workers) || workers < 2 || workers % 2 !== 0) {
    throw new UsageError(`db-deadlocks workers must be an even number of at least 2, not ${workers}`, { hint: 'use workers: 2 (one pair locking in opposite orders) or 4, 6...' });
  }
  if (!/^[A-Za-z_][A-Za-z0-9_$-]*$/.test(spec.database) || !/^[A-Za-z_][A-Za-z0-9_$-]*$/.test(spec.user)) {
    throw new UsageError(`db-deadlocks database/user "${spec.database}"/"${spec.user}" must be plain identifiers`);
  }
  if (targets.length !== 1) throw new UsageError(`db-deadlocks needs exactly one PostgreSQL container, got ${targets.length}`);
  const target = targets[0] as ContainerRef;
  const token = ctx.token();
  const names: Names = { table: `loadctl_chaos_deadlock_${token}`, app: `loadctl-deadlock-${token}`, dir: `/tmp/loadctl-deadlock-${token}` };
  let before: number | undefined;

  async function run(sql: string): Promise<string> {
    const result = await ctx.docker.exec(target, ['sh', '-c', psql(spec, sql, '-v ON_ERROR_STOP=1')]);
    if (result.exitCode !== 0) {
      const reason = (result.stderr || result.stdout).trim().split('\n')[0] || `exit ${result.exitCode}`;
      throw new EnvironmentError(`psql in ${describe(target)} failed: ${reason}`, {
        hint: `check that the container runs PostgreSQL with psql, and that user "${spec.user}" may reach database "${spec.database}" over the local socket`,
      });
    }
    return result.stdout.trim();
  }

  const countDeadlocks = async () => Number(await run('SELECT deadlocks FROM pg_stat_database WHERE datname = current_database()'));

  return {
    async plan(): Promise<FaultPlan> {
      requireRunning(target, (await ctx.docker.inspect(target)).State, 'db-deadlocks');
      before = await countDeadlocks();
      return {
        intent: `run ${workers} psql workers locking two rows of ${names.table} in opposite orders inside ${describe(target)} (database ${spec.database}) for ${formatDuration(ctx.durationMs)}`,
        undo: [{ kind: 'exec', container: target, cmd: ['sh', '-c', stopScript(spec, names)] }],
      };
    },

    async apply(): Promise<void> {
      // The directory exists before the driver does, so an undo racing its start still finds where to drop the stop file.
      await ctx.docker.exec(target, ['mkdir', '-p', names.dir]);
      await run(`CREATE TABLE ${names.table} (id int PRIMARY KEY, n bigint NOT NULL DEFAULT 0); INSERT INTO ${names.table} (id) VALUES (1), (2);`);
      await ctx.docker.execDetached(target, ['sh', '-c', driverScript({ ...spec, workers }, names, ctx.durationMs)], [`PGAPPNAME=${names.app}`]);
    },

    async observe(): Promise<FaultObservations> {
      if (before === undefined) return {};
      // Backends publish their counters when they exit; give the last ones a moment.
      let deadlocks = (await countDeadlocks()) - before;
      for (let i = 0; i < 5 && deadlocks === 0; i++) {
        await ctx.sleep(200);
        deadlocks = (await countDeadlocks()) - before;
      }
      return { deadlocks };
    },
  };
}

export const deadlocks = defineFault({
  kind: 'db-deadlocks',
  schema: z.strictObject({ kind: z.literal('db-deadlocks'), database: z.string().min(1), user: z.string().min(1), workers: z.number().int().min(2).max(64).optional() }),
  create: (ctx, spec, targets) => deadlockFault(ctx, spec, targets),
});
