// A real PostgreSQL 15 cluster for a test: initdb in a temp folder as the
// `postgres` user (PostgreSQL refuses to run as root), started on a free port
// on 127.0.0.1 with trust auth, stopped and removed by stop().
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { freePort } from '../chaos-e2e/harness.ts';
import { installLine, missing } from '../kit/parts.ts';
import { stopProcess } from './process.ts';
import { tempDir } from '../kit/temp.ts';

const BIN = '/usr/lib/postgresql/15/bin';

/** Skip reason when PostgreSQL 15 or the postgres user is not there (throws under CI). */
export function postgresSkip(): string | false {
  const ok = spawnSync(join(BIN, 'postgres'), ['--version'], { stdio: 'ignore' }).status === 0
    && spawnSync('id', ['postgres'], { stdio: 'ignore' }).status === 0;
  return missing('PostgreSQL 15', ok ? undefined : installLine('postgres'));
}

const asPostgres = (args: string[]) => (process.getuid?.() === 0 ? ['runuser', ['-u', 'postgres', '--', ...args]] as const : [args[0] as string, args.slice(1)] as const);

export interface RealPostgres {
  /** postgres://postgres@127.0.0.1:<port>/postgres */
  url: string;
  port: number;
  /** Runs SQL through psql-free pg (the same client the product uses). */
  sql(text: string, params?: unknown[]): Promise<Array<Record<string, unknown>>>;
  stop(): Promise<void>;
}

export async function startPostgres(): Promise<RealPostgres> {
  const dir = tempDir('loadctl-pg-');
  chmodSync(dir, 0o777);
  const data = join(dir, 'data');
  const [cmd, args] = asPostgres([join(BIN, 'initdb'), '-D', data, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--no-sync']);
  const init = spawnSync(cmd, args, { encoding: 'utf8' });
  if (init.status !== 0) throw new Error(`initdb failed: ${init.stderr}`);
  const port = await freePort();
  const [pcmd, pargs] = asPostgres([join(BIN, 'postgres'), '-D', data, '-p', String(port), '-k', dir, '-c', 'listen_addresses=127.0.0.1', '-c', 'fsync=off']);
  const child = spawn(pcmd, pargs, { stdio: ['ignore', 'ignore', 'pipe'], detached: false });
  let log = '';
  child.stderr.on('data', (d: Buffer) => { log = (log + d.toString()).slice(-4000); });
  const url = `postgres://postgres@127.0.0.1:${port}/postgres`;
  const { default: pg } = await import('pg');
  const sql = async (text: string, params: unknown[] = []) => {
    const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2000 });
    await client.connect();
    try {
      return (await client.query(text, params)).rows as Array<Record<string, unknown>>;
    } finally {
      await client.end();
    }
  };
  const deadline = Date.now() + 30_000;
  for (;;) {
    try {
      await sql('SELECT 1');
      break;
    } catch (error) {
      if (Date.now() > deadline) { child.kill('SIGKILL'); throw new Error(`PostgreSQL did not start: ${(error as Error).message}\n${log}`); }
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  return {
    url,
    port,
    sql,
    async stop() {
      // SIGINT: "fast" shutdown; runuser passes it on to postgres.
      await stopProcess(child, 'SIGINT', 10_000);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The reference stack's bookings table (src/sandbox/pg-bookings.ts on the stack). */
export const BOOKINGS_TABLE = `CREATE TABLE IF NOT EXISTS bookings (
  id uuid PRIMARY KEY, user_id text NOT NULL, event_id text NOT NULL, seat_ids text[] NOT NULL,
  status text NOT NULL, expires_at timestamptz NOT NULL, updated_at timestamptz NOT NULL DEFAULT now())`;
