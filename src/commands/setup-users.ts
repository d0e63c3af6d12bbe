// `loadctl setup-users`: creates the test accounts the scenarios log in with.
import type { Command } from 'commander';
import type { RegisterCommand } from './types.ts';
import { EnvironmentError, ExitCode, UsageError } from '../errors.ts';
import type { SetupUsersOptions, SetupUsersResult } from '../users/setup.ts';
import { checkWhole, limits, type WholeLimit } from '../inputs/bounds.ts';
import { checkHttpUrl } from '../inputs/url.ts';

export interface RawSetupUsersOptions {
  count: string;
  prefix: string;
  domain: string;
  password?: string;
  passwordEnv?: string;
  concurrency: string;
  baseUrl?: string;
  registerPath?: string;
}

export const DEFAULT_PASSWORD = 'LoadTest123!';

export const register: RegisterCommand = (program, runAction) => {
  program
    .command('setup-users')
    .description('create test accounts <prefix>N@<domain> through the API (existing ones count as present)')
    .option('--count <n>', 'how many accounts', '100')
    .option('--prefix <text>', 'email prefix', 'testuser')
    .option('--domain <domain>', 'email domain', 'loadtest.com')
    .option('--password <text>', `password for every account (default ${DEFAULT_PASSWORD})`)
    .option('--password-env <name>', 'read the password from this environment variable')
    .option('--concurrency <n>', 'requests in flight', '10')
    .option('--base-url <url>', 'the API (default $BASE_URL or http://localhost:8080)')
    .option('--register-path <path>', 'register endpoint (default $PATH_REGISTER or /api/auth/register)')
    .action((opts: RawSetupUsersOptions, cmd: Command) => runAction(async () => {
      const quiet = Boolean(cmd.optsWithGlobals().quiet);
      return setupUsersCommand(opts, { quiet, env: process.env });
    }));
};

/** Pure: raw strings to engine options, or every problem in one UsageError. */
export function resolveSetupUsersOptions(raw: RawSetupUsersOptions, env: NodeJS.ProcessEnv): SetupUsersOptions {
  const errors: string[] = [];
  const int = (name: string, value: string, limit: WholeLimit) => {
    const checked = checkWhole(name, value, limit);
    if (!checked.ok) errors.push(checked.problem);
    return Number(value);
  };
  const count = int('--count', raw.count, limits.users);
  const concurrency = int('--concurrency', raw.concurrency, limits.concurrency);
  let password = raw.password;
  if (raw.password !== undefined && raw.passwordEnv !== undefined) errors.push('give --password or --password-env, not both');
  if (raw.passwordEnv !== undefined) {
    password = env[raw.passwordEnv];
    if (!password) errors.push(`--password-env ${raw.passwordEnv}: that environment variable is not set or empty`);
  }
  if (password === '') errors.push('--password must not be empty');
  const baseUrl = raw.baseUrl ?? env.BASE_URL ?? 'http://localhost:8080';
  const url = checkHttpUrl(raw.baseUrl !== undefined ? '--base-url' : 'BASE_URL', baseUrl);
  if (!url.ok) errors.push(url.problem);
  if (!/^[\w.+-]+$/.test(raw.prefix)) errors.push(`--prefix may hold letters, digits, . _ + - only, got "${raw.prefix}"`);
  if (!/^[\w-]+(\.[\w-]+)+$/.test(raw.domain)) errors.push(`--domain must look like example.com, got "${raw.domain}"`);
  const registerPath = raw.registerPath ?? env.PATH_REGISTER;
  if (registerPath !== undefined && !registerPath.startsWith('/')) errors.push(`--register-path must start with /, got "${registerPath}"`);
  if (errors.length > 0) throw new UsageError(errors.join('; '), { hint: 'see `loadctl setup-users --help`' });
  return {
    baseUrl, count, concurrency, prefix: raw.prefix, domain: raw.domain,
    password: password ?? DEFAULT_PASSWORD,
    ...(registerPath ? { registerPath } : {}),
  };
}

export async function setupUsersCommand(raw: RawSetupUsersOptions, deps: { quiet: boolean; env: NodeJS.ProcessEnv }): Promise<number> {
  const options = resolveSetupUsersOptions(raw, deps.env);
  const { createUi, createProgress } = await import('../ui.ts');
  const { probe, setupUsers } = await import('../users/setup.ts');
  const ui = createUi({ quiet: deps.quiet });

  const reachable = await probe(options.baseUrl);
  if (!reachable.ok) {
    throw new EnvironmentError(`cannot reach the API at ${options.baseUrl} (${reachable.reason})`, {
      hint: 'start it (`loadctl sandbox`) or pass --base-url with the address of your gateway',
    });
  }
  const progress = createProgress(ui, 'creating users', options.count);
  const result = await setupUsers(options, { onProgress: (done) => progress.update(done) });
  progress.done();
  if (result.notTheApi) {
    throw new EnvironmentError(`${options.baseUrl} does not look like the ticketing API: ${result.notTheApi}`, {
      hint: 'check --base-url, or pass --register-path if your gateway registers users elsewhere',
    });
  }
  ui.result(summaryLine(result, options.count));
  for (const f of result.failures.slice(0, 5)) ui.warn(`${f.email}: ${f.reason}`);
  if (result.failed > result.failures.slice(0, 5).length) ui.warn(`... and ${result.failed - 5} more failures`);
  return result.failed === 0 ? ExitCode.Ok : ExitCode.Failed;
}

/** Pure: the one-line summary. */
export function summaryLine(r: Pick<SetupUsersResult, 'created' | 'existing' | 'failed' | 'retries' | 'durationMs'>, count: number): string {
  const present = r.created + r.existing;
  const rate = r.durationMs > 0 ? Math.round((r.created + r.existing + r.failed) / (r.durationMs / 1000)) : 0;
  const retries = r.retries > 0 ? `, ${r.retries} retries` : '';
  return `users: ${r.created} created, ${r.existing} existing, ${r.failed} failed; ${present}/${count} present (${(r.durationMs / 1000).toFixed(1)}s, ${rate}/s${retries})`;
}
