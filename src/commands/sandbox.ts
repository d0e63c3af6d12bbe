// `loadctl sandbox`: runs the reference ticketing API until Ctrl-C.
import type { Command } from 'commander';
import type { RegisterCommand } from './types.ts';
import { EnvironmentError, ExitCode, UsageError } from '../errors.ts';
import { claimSignals } from '../shared/signals.ts';
import { redactUrl } from '../inputs/url.ts';
import { formatDuration } from '../shared/duration.ts';
import type { RawSandboxOptions } from '../sandbox/options.ts';
import type { Sandbox, SandboxOptions } from '../sandbox/server.ts';

export const register: RegisterCommand = (program, runAction) => {
  program
    .command('sandbox')
    .description('run the reference ticketing API (in memory; seat locks in Redis with --redis)')
    .option('--port <n>', 'port to listen on (0 picks a free one)', '8080')
    .option('--host <address>', 'address to listen on', '127.0.0.1')
    .option('--redis <url>', 'keep seat locks in this Redis, e.g. redis://127.0.0.1:6379')
    .option('--hold-ttl <duration>', 'how long a seat hold lasts, e.g. 30s, 5m', '5m')
    .option('--events <n>', 'number of events to seed', '20')
    .option('--seats <n>', 'seats per event', '200')
    .option('--postgres <url>', 'record bookings in this PostgreSQL too, e.g. postgres://postgres@127.0.0.1:5432/ticketing')
    .option('--break <modes>', 'break it on purpose (off by default): double-sell, lose-confirms, lock-leak (comma separated; see docs/invariants.md)')
    .action((opts: RawSandboxOptions, cmd: Command) => runAction(async () => {
      const quiet = Boolean(cmd.optsWithGlobals().quiet);
      return sandboxCommand(opts, { quiet, signal: shutdownSignal() });
    }));
};

/** Resolves on the first SIGINT or SIGTERM. */
function shutdownSignal(): Promise<string> {
  return new Promise((resolve) => {
    const release = claimSignals();
    const on = (name: string) => () => {
      release();
      process.off('SIGINT', onInt);
      process.off('SIGTERM', onTerm);
      resolve(name);
    };
    const onInt = on('SIGINT');
    const onTerm = on('SIGTERM');
    process.on('SIGINT', onInt);
    process.on('SIGTERM', onTerm);
  });
}

export async function sandboxCommand(raw: RawSandboxOptions, deps: { quiet: boolean; signal: Promise<string> }): Promise<number> {
  const { createUi } = await import('../ui.ts');
  const { parseSandboxOptions } = await import('../sandbox/options.ts');
  const ui = createUi({ quiet: deps.quiet });
  const options = resolveSandboxOptions(parseSandboxOptions(raw));
  // A 500 is a sandbox bug: say so on stderr, in one line, without stopping.
  const sandbox = await openSandbox({ ...options, onError: (e) => ui.warn(`unexpected error answered as 500: ${e instanceof Error ? e.message : String(e)}`) });
  const locks = `${options.redisUrl ? `Redis ${redactUrl(options.redisUrl)}` : 'memory'}${options.postgresUrl ? `; bookings in PostgreSQL ${redactUrl(options.postgresUrl)}` : ''}`;
  ui.result(`sandbox listening on ${sandbox.url}`);
  ui.info(`  seat locks: ${locks}; hold TTL ${formatDuration(options.holdTtlMs ?? 300_000)}; health ${sandbox.url}/health; metrics ${sandbox.url}/metrics`);
  if (options.breaks && options.breaks.length > 0) ui.warn(`broken on purpose: ${options.breaks.join(', ')} (the shipped invariants should now fail)`);
  // Accepted (one list of modes), but it acts in the stack's consumer, which the sandbox does not run.
  if (options.breaks?.includes('backlog-stall')) ui.warn('backlog-stall does nothing here: it stalls the stack\'s consumer (loadctl stack up --break backlog-stall)');
  ui.info('  press Ctrl-C to stop');
  await deps.signal;
  await sandbox.close();
  ui.info('sandbox stopped');
  return ExitCode.Ok;
}

export function resolveSandboxOptions(parsed: import('../sandbox/options.ts').Parsed<SandboxOptions>): SandboxOptions {
  if (!parsed.ok) {
    throw new UsageError(parsed.errors.join('; '), { hint: 'see `loadctl sandbox --help`' });
  }
  return parsed.value;
}

/** Starts the sandbox, turning the environment's refusals into one clear line. */
export async function openSandbox(options: SandboxOptions): Promise<Sandbox> {
  const { startSandbox } = await import('../sandbox/server.ts');
  try {
    return await startSandbox(options);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const where = `${options.host ?? '127.0.0.1'}:${options.port ?? 8080}`;
    if (code === 'EADDRINUSE') throw new EnvironmentError(`port ${where} is already in use`, { hint: 'stop what listens there, or pass --port with another port (0 picks a free one)' });
    if (code === 'EADDRNOTAVAIL' || code === 'EACCES') throw new EnvironmentError(`cannot listen on ${where} (${code})`, { hint: 'pass --host 127.0.0.1 and a port above 1024' });
    if ((error as Error).name === 'DatabaseUnavailableError') {
      throw new EnvironmentError(`PostgreSQL at ${redactUrl(options.postgresUrl ?? '')} is not reachable: ${(error as Error).message}`, {
        hint: 'start it (or `loadctl stack up`, which has one on 127.0.0.1:5432), or drop --postgres to keep bookings in memory',
      });
    }
    if ((error as Error).name === 'LockUnavailableError') {
      throw new EnvironmentError(`Redis at ${redactUrl(options.redisUrl ?? '')} is not reachable: ${(error as Error).message}`, {
        hint: 'start it (e.g. `redis-server --port 6379`) or drop --redis to keep locks in memory',
      });
    }
    throw error;
  }
}
