// `loadctl gameday`: every shipped experiment under load against the reference
// stack, one after the other, with the day's tables and an HTML index.
// Option parsing only; the body (src/gameday/run.ts) loads lazily.
import { createInterface } from 'node:readline';
import type { RegisterCommand } from './types.ts';
import { createUi } from '../ui.ts';
import { UsageError } from '../errors.ts';
import { checkWhole, limits } from '../inputs/bounds.ts';
import { defaultProject } from '../stack/definition.ts';

interface Flags {
  profile: string;
  vus?: string;
  hold?: string;
  loadDuration?: string;
  users: string;
  k6?: string;
  prometheus?: string;
  outDir: string;
  strict: boolean;
  up: boolean;
  project: string;
  portOffset: string;
  baseUrl?: string;
  redisImage?: string;
  postgresImage?: string;
  nodeImage?: string;
  tcImage?: string;
  yes: boolean;
}

export const register: RegisterCommand = (program, runAction) => {
  program
    .command('gameday')
    .description('bring the reference stack up and run every chaos experiment under load, one after the other; tables, verdicts and an HTML index')
    .argument('[experiments...]', 'experiments to run, in order (default: every one `loadctl list` shows)')
    .option('--profile <name>', 'load profile for every experiment', 'quick')
    .option('--vus <n>', 'virtual users (scales the profile)')
    .option('--hold <d>', 'each fault\'s hold, e.g. 30s (default: the experiment\'s)')
    .option('--load-duration <d>', 'the load\'s hold per experiment (default: the fault\'s hold + 45s)')
    .option('--users <n>', 'test accounts to create first', '50')
    .option('--k6 <path>', 'k6 binary (default: K6_BIN, then PATH)')
    .option('--prometheus <url>', 'every experiment\'s run judges its Prometheus gates and PromQL invariants (backlog-drains) here; it must answer before the stack starts (env LOADCTL_PROMETHEUS)')
    .option('--out-dir <dir>', 'where the game day\'s folder goes', '.loadctl/runs')
    .option('--strict', 'nothing unverified passes: an experiment this machine cannot run (no sch_netem) fails the day instead of being skipped, and so does an invariant that could not be checked (a PromQL one without --prometheus)', false)
    .option('--no-up', 'do not start the reference stack: aim at the system already running (found as `loadctl chaos` finds it)')
    .option('--project <name>', 'the stack\'s project and container prefix (env LOADCTL_STACK_PROJECT)', process.env.LOADCTL_STACK_PROJECT || defaultProject)
    .option('--port-offset <n>', 'added to every port the stack publishes (env LOADCTL_STACK_PORT_OFFSET)', process.env.LOADCTL_STACK_PORT_OFFSET || '0')
    .option('--base-url <url>', 'with --no-up: the system\'s API (env BASE_URL)')
    .option('--redis-image <image>', 'Redis image for the stack (env LOADCTL_STACK_REDIS_IMAGE)')
    .option('--postgres-image <image>', 'PostgreSQL image for the stack (env LOADCTL_STACK_POSTGRES_IMAGE)')
    .option('--node-image <image>', 'Node image for the stack\'s services (env LOADCTL_STACK_NODE_IMAGE)')
    .option('--tc-image <image>', 'image with tc for the network faults (env LOADCTL_TC_IMAGE)')
    .option('-y, --yes', 'do not ask before breaking containers (required without a terminal)', false)
    .addHelpText('after', '\nExit codes: 0 every experiment that ran passed (recovery target, gates, invariants), 1 one did not, 2 usage, 3 environment or an experiment errored, 4 interrupted.')
    .action((experiments: string[], flags: Flags, command) => runAction(async () => {
      const globals = command.optsWithGlobals() as { quiet?: boolean; color?: boolean };
      const ui = createUi({ quiet: globals.quiet ?? false, color: globals.color ?? true });
      const users = checkWhole('--users', flags.users, limits.demoUsers);
      if (!users.ok) throw new UsageError(users.problem, { hint: 'e.g. --users 50' });
      const [{ runGameDay }, { runShown, parseVus }, { parseStackOptions, stackOptionSources }] = await Promise.all([
        import('../gameday/run.ts'), import('./run.ts'), import('../stack/command.ts'),
      ]);
      (await import('../inputs/image.ts')).assertImages([['--redis-image', flags.redisImage], ['--postgres-image', flags.postgresImage], ['--node-image', flags.nodeImage], ['--tc-image', flags.tcImage]]);
      const stack = parseStackOptions({ action: 'up', project: flags.project, portOffset: flags.portOffset, from: stackOptionSources((key) => command.getOptionValueSource(key), process.env) });
      const prometheus = await checkBeforeTheStack(flags);
      if (prometheus) await (await import('../gameday/prometheus.ts')).checkPrometheusAnswers(prometheus.url, prometheus.from);
      // As for `loadctl chaos`: the option is the variable, so every run of the day sees one value.
      if (flags.tcImage) process.env.LOADCTL_TC_IMAGE = flags.tcImage;
      // From a fresh machine, as `loadctl demo` does: no k6 but Go here builds the pinned k6 once.
      const k6 = flags.k6 ?? await (await import('./demo.ts')).k6OrBuild(ui, process.env, 'game day');
      // A k6 named outright that is missing or unsupported is said now, not minutes later when the first run starts.
      if (k6 !== undefined || process.env.K6_BIN) await (await import('../k6/locate.ts')).locateK6({ ...(k6 !== undefined ? { k6Path: k6 } : {}), env: process.env });
      return runGameDay({
        cwd: process.cwd(), experiments, profile: flags.profile, users: users.value, outDir: flags.outDir,
        strict: flags.strict, up: flags.up, project: stack.project, portOffset: stack.portOffset,
        images: {
          ...(flags.redisImage ? { redis: flags.redisImage } : {}),
          ...(flags.postgresImage ? { postgres: flags.postgresImage } : {}),
          ...(flags.nodeImage ? { node: flags.nodeImage } : {}),
        },
        ...(flags.vus !== undefined ? { vus: parseVus(flags.vus) } : {}),
        ...(flags.hold !== undefined ? { hold: flags.hold } : {}),
        ...(flags.loadDuration !== undefined ? { loadDuration: flags.loadDuration } : {}),
        ...(k6 !== undefined ? { k6 } : {}),
        ...(prometheus ? { prometheus: prometheus.url } : {}),
        ...(flags.baseUrl !== undefined ? { baseUrl: flags.baseUrl } : {}),
        quiet: globals.quiet ?? false, ...(globals.color !== undefined ? { color: globals.color } : {}),
        yes: flags.yes, interactive: Boolean(process.stdin.isTTY), env: process.env,
      }, { run: runShown, confirm }, ui);
    }));
};

/** What can be wrong with the flags is found before a stack comes up (minutes), not after. Returns the Prometheus to use, if any. */
async function checkBeforeTheStack(flags: Flags): Promise<{ url: string; from: '--prometheus' | 'LOADCTL_PROMETHEUS' } | undefined> {
  const [{ runDurationProblem }, { checkHttpUrl }, { assertWritable }, { loadProfile }, { checkPrometheusUrl }] = await Promise.all([
    import('../inputs/bounds.ts'), import('../inputs/url.ts'), import('../inputs/output-path.ts'), import('../profiles/load.ts'), import('../prometheus/config.ts'),
  ]);
  const url = flags.baseUrl === undefined ? undefined : checkHttpUrl('--base-url', flags.baseUrl);
  // The flag, else the variable, as `loadctl run` takes them (an empty variable is unset).
  const prometheus = flags.prometheus !== undefined ? { url: flags.prometheus, from: '--prometheus' as const }
    : process.env.LOADCTL_PROMETHEUS ? { url: process.env.LOADCTL_PROMETHEUS, from: 'LOADCTL_PROMETHEUS' as const } : undefined;
  const problems = [
    flags.loadDuration === undefined ? undefined : runDurationProblem('--load-duration', flags.loadDuration),
    url && !url.ok ? url.problem : undefined,
    prometheus ? checkPrometheusUrl(prometheus.from, prometheus.url) ?? undefined : undefined,
  ].filter((p): p is string => p !== undefined);
  if (problems.length > 0) throw new UsageError(problems.join('; '), { hint: 'see `loadctl gameday --help`' });
  await assertWritable([{ flag: '--out-dir', path: flags.outDir, kind: 'dir' }]);
  // The profile as every run of the day will load it (name, schema, --vus); its BASE_URL comes later.
  await loadProfile(flags.profile, { cwd: process.cwd(), overrides: { ...(flags.loadDuration !== undefined ? { duration: flags.loadDuration } : {}) }, processEnv: {} });
  return prometheus;
}

function confirm(question: string): Promise<boolean> {
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  return new Promise((resolve) => {
    rl.question(question, (answer) => {
      rl.close();
      resolve(/^y(es)?$/i.test(answer.trim()));
    });
  });
}
