// `loadctl demo`: the one-command tour. Starts the sandbox, creates the test
// users, runs the `simple` profile against it, prints the verdict, and stops
// the sandbox whatever happened.
import type { Command } from 'commander';
import type { RegisterCommand } from './types.ts';
import { EnvironmentError, ExitCode, UsageError } from '../errors.ts';
import { parseVus, type RunCommandOptions } from './run.ts';
import type { RunResult } from '../app/run.ts';
import { checkWhole, limits, runDurationProblem } from '../inputs/bounds.ts';
import type { Ui } from '../ui.ts';

export interface DemoOptions {
  port: string;
  users: string;
  holdTtl?: string;
  vus?: string;
  duration?: string;
  k6?: string;
  outDir?: string;
}

export const DEMO_PROFILE = 'simple';
export const K6_INSTALL_LINE = 'install k6 from https://grafana.com/docs/k6/latest/set-up/install-k6/ (brew install k6, winget install k6, or the Grafana apt/rpm repo), then run `loadctl demo` again';

export const register: RegisterCommand = (program, runAction) => {
  program
    .command('demo')
    .description(`start the sandbox, create test users, run the \`${DEMO_PROFILE}\` profile against it, stop the sandbox`)
    .option('--port <n>', 'sandbox port (0 picks a free one)', '0')
    .option('--users <n>', 'test accounts to create', '100')
    .option('--hold-ttl <duration>', 'seat hold TTL in the sandbox', '5m')
    .option('--vus <n>', 'peak virtual users (default: the profile\'s)')
    .option('--duration <d>', 'hold duration, k6 syntax (default: the profile\'s)')
    .option('--k6 <path>', 'k6 binary (default: K6_BIN, then PATH)')
    .option('--out-dir <dir>', 'where the run folder goes', '.loadctl/runs')
    .action((opts: DemoOptions, cmd: Command) => runAction(async () => {
      const globals = cmd.optsWithGlobals<{ quiet?: boolean; color?: boolean }>();
      const { runShown } = await import('./run.ts');
      return demoCommand(opts, { quiet: Boolean(globals.quiet), color: globals.color, run: runShown });
    }));
};

export interface DemoDeps {
  quiet: boolean;
  color?: boolean;
  /** One run with `loadctl run`'s console (commands/run.ts runShown). */
  run: (options: RunCommandOptions) => Promise<RunResult>;
}

export async function demoCommand(opts: DemoOptions, deps: DemoDeps): Promise<number> {
  const [{ createUi, createProgress }, { parseSandboxOptions }, { resolveSandboxOptions, openSandbox }, { setupUsers, emailFor }] = await Promise.all([
    import('../ui.ts'), import('../sandbox/options.ts'), import('./sandbox.ts'), import('../users/setup.ts'),
  ]);
  // Every flag is checked before the sandbox starts and users are made.
  const usersChecked = checkWhole('--users', opts.users, limits.demoUsers);
  if (!usersChecked.ok) throw new UsageError(usersChecked.problem, { hint: 'e.g. loadctl demo --users 100' });
  const users = usersChecked.value;
  const vus = opts.vus === undefined ? undefined : parseVus(opts.vus);
  const badDuration = opts.duration === undefined ? undefined : runDurationProblem('--duration', opts.duration);
  if (badDuration) throw new UsageError(badDuration, { hint: 'e.g. loadctl demo --duration 30s' });
  const { assertWritable } = await import('../inputs/output-path.ts');
  await assertWritable([{ flag: '--out-dir', path: opts.outDir ?? '.loadctl/runs', kind: 'dir' }]);
  const sandboxOptions = resolveSandboxOptions(parseSandboxOptions({ port: opts.port, holdTtl: opts.holdTtl }));
  const ui = createUi({ quiet: deps.quiet, color: deps.color });
  // A --k6 that is not there is said before the sandbox starts and users are made.
  if (opts.k6 !== undefined) (await import('../k6/locate.ts')).resolveK6Path({ k6Path: opts.k6 });
  const k6 = opts.k6 ?? await k6OrBuild(ui, process.env);

  const sandbox = await openSandbox(sandboxOptions);
  let outcome: { code: number } | { error: unknown };
  try {
    ui.info(`demo: sandbox listening on ${sandbox.url}`);
    const account = { prefix: 'testuser', domain: 'loadtest.com' };
    const progress = createProgress(ui, 'demo: creating users', users);
    const created = await setupUsers(
      { baseUrl: sandbox.url, count: users, ...account, password: 'LoadTest123!', concurrency: 20 },
      { onProgress: (done) => progress.update(done) },
    );
    progress.done();
    if (created.failed > 0) throw new EnvironmentError(`demo: ${created.failed} of ${users} test users could not be created in the sandbox (${created.failures[0]?.reason})`);
    ui.info(`demo: ${users} test users ready (${emailFor(account, 1)} .. ${emailFor(account, users)})`);
    const result = await deps.run({
      profile: DEMO_PROFILE,
      baseUrl: sandbox.url,
      env: { USER_COUNT: String(users) },
      ...(vus !== undefined ? { vus } : {}),
      ...(opts.duration !== undefined ? { duration: opts.duration } : {}),
      ...(k6 !== undefined ? { k6 } : {}),
      ...(opts.outDir !== undefined ? { outDir: opts.outDir } : {}),
      quiet: deps.quiet,
      ...(deps.color !== undefined ? { color: deps.color } : {}),
    });
    outcome = { code: result.exitCode };
  } catch (error) {
    outcome = { error };
  } finally {
    await sandbox.close();
    ui.info('demo: sandbox stopped');
  }
  if ('code' in outcome) return outcome.code;
  if (isMissingK6(outcome.error)) {
    // One line, by request: the multi-line install table of `loadctl run` is
    // too much for a first contact.
    process.stderr.write(`loadctl: demo: ${(outcome.error as Error).message} (the demo needs k6 to generate load); ${K6_INSTALL_LINE}\n`);
    return ExitCode.Environment;
  }
  throw outcome.error;
}

/**
 * The k6 the demo will use: undefined when run would find one itself; on a
 * machine with Go and no k6, the pinned k6 built into loadctl's cache (once).
 */
/** No k6 anywhere but Go here: build the pinned k6 once (also used by `loadctl gameday`). */
export async function k6OrBuild(ui: Ui, env: NodeJS.ProcessEnv, who = 'demo'): Promise<string | undefined> {
  const [{ resolveK6Path, findOnPath }, install, { buildOne }] = await Promise.all([
    import('../k6/locate.ts'), import('../k6/install.ts'), import('./install-k6.ts'),
  ]);
  try {
    resolveK6Path({ env });
    return undefined;
  } catch {
    if (env.K6_BIN || !findOnPath('go', env.PATH, process.platform, env.PATHEXT)) return undefined; // run says what is wrong
    ui.info(`${who}: k6 was not found; Go is here, so building k6 ${install.PINNED_K6} once into ${install.k6CacheDir(env)}`);
    return buildOne(ui, install, install.PINNED_K6, install.k6CacheDir(env));
  }
}

function isMissingK6(error: unknown): boolean {
  return error instanceof EnvironmentError && /\bk6\b/.test(error.message) && !/unreachable/.test(error.message);
}
