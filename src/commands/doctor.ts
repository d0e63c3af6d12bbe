// `loadctl doctor`: is this machine ready? k6 (found, supported version), the
// target's health endpoint, the Docker engine (for chaos). Each check says
// what it found and, when it failed, the fix. Exit 3 if a required one fails.
import type { Command } from 'commander';
import type { RegisterCommand } from './types.ts';
import { ExitCode, LoadctlError, UsageError } from '../errors.ts';
import { checkHttpUrl } from '../inputs/url.ts';

export interface DoctorCheck {
  name: string;
  ok: boolean;
  /** A failed required check makes doctor exit 3; others only warn. */
  required: boolean;
  detail: string;
  hint?: string;
}

export interface DoctorOptions {
  k6?: string;
  baseUrl?: string;
  /** Skip the target check (nothing to test yet). */
  target: boolean;
  /** Check Docker; required when `requireDocker` (chaos needs it). */
  docker: boolean;
  requireDocker?: boolean;
  timeoutMs?: number;
  env?: NodeJS.ProcessEnv;
}

const failure = (name: string, required: boolean, error: unknown): DoctorCheck => ({
  name,
  ok: false,
  required,
  detail: error instanceof Error ? error.message : String(error),
  hint: error instanceof LoadctlError ? error.hint : undefined,
});

async function checkK6(options: DoctorOptions): Promise<DoctorCheck> {
  try {
    const { locateK6 } = await import('../k6/locate.ts');
    const k6 = await locateK6({ k6Path: options.k6, env: options.env });
    return { name: 'k6', ok: true, required: true, detail: `${k6.versionLine} at ${k6.path} (from ${k6.source})` };
  } catch (error) {
    return failure('k6', true, error);
  }
}

async function checkTarget(options: DoctorOptions): Promise<DoctorCheck> {
  const { healthUrl, probe } = await import('../run/preflight.ts');
  const env = options.env ?? process.env;
  const base = options.baseUrl ?? env.BASE_URL ?? 'http://localhost:8080';
  const checked = checkHttpUrl(options.baseUrl !== undefined ? '--base-url' : 'BASE_URL', base);
  if (!checked.ok) throw new UsageError(checked.problem, { hint: 'e.g. loadctl doctor --base-url http://localhost:8080' });
  const url = healthUrl({
    BASE_URL: base,
    ...(env.PATH_HEALTH ? { PATH_HEALTH: env.PATH_HEALTH } : {}),
  });
  const result = await probe(url, options.timeoutMs ?? 2000);
  if (!result.ok) {
    return {
      name: 'target', ok: false, required: true, detail: `${url} unreachable (${result.reason})`,
      hint: 'start the system under test (or `loadctl sandbox`), or point at it with --base-url / BASE_URL',
    };
  }
  const healthy = result.status >= 200 && result.status < 300;
  return {
    name: 'target', ok: healthy, required: true, detail: `${url} answered ${result.status} in ${Math.round(result.ms)} ms`,
    hint: healthy ? undefined : 'the target is up but reports itself unhealthy: check its components (Redis, store)',
  };
}

async function checkDocker(options: DoctorOptions): Promise<DoctorCheck> {
  const env = options.env ?? process.env;
  // A DOCKER_HOST the user set names the engine they mean to use: if it does
  // not answer, the machine is not ready (exit 3), as with --require-docker.
  const required = Boolean(options.requireDocker) || Boolean(env.DOCKER_HOST);
  const { DockerAdapter, resolveEndpoint } = await import('../docker/client.ts');
  // A malformed DOCKER_HOST is a usage error (exit 2), raised before any lookup.
  const endpoint = resolveEndpoint(env);
  try {
    const docker = new DockerAdapter(endpoint);
    await docker.ping(options.timeoutMs ?? 2000);
    return { name: 'docker', ok: true, required, detail: `engine at ${docker.endpoint} answered` };
  } catch (error) {
    const check = failure('docker', required, error);
    check.hint ??= 'start the Docker engine (or set DOCKER_HOST); only `loadctl chaos` needs it';
    return check;
  }
}

export async function runDoctor(options: DoctorOptions): Promise<DoctorCheck[]> {
  const checks = [checkK6(options)];
  if (options.target) checks.push(checkTarget(options));
  if (options.docker) checks.push(checkDocker(options));
  return Promise.all(checks);
}

export function doctorExitCode(checks: readonly DoctorCheck[]): number {
  return checks.some((c) => c.required && !c.ok) ? ExitCode.Environment : ExitCode.Ok;
}

interface DoctorFlags { k6?: string; baseUrl?: string; target: boolean; docker: boolean; requireDocker?: boolean; json?: boolean }

export const register: RegisterCommand = (program, runAction) => {
  program
    .command('doctor')
    .description('check k6, the target and the Docker engine, with a fix for each problem')
    .option('--k6 <path>', 'k6 binary to check (default: K6_BIN, then PATH)')
    .option('--base-url <url>', 'target whose /health to probe (default: BASE_URL or http://localhost:8080)')
    .option('--no-target', 'skip the target check')
    .option('--no-docker', 'skip the Docker check')
    .option('--require-docker', 'fail (exit 3) when Docker is unreachable')
    .option('--json', 'print the checks as JSON')
    .action((flags: DoctorFlags, command: Command) =>
      runAction(async () => {
        const globals = command.optsWithGlobals<{ quiet?: boolean; color?: boolean }>();
        const checks = await runDoctor({ ...flags });
        const code = doctorExitCode(checks);
        if (flags.json) {
          process.stdout.write(`${JSON.stringify({ ok: code === 0, checks }, null, 2)}\n`);
          return code;
        }
        const { createUi } = await import('../ui.ts');
        const ui = createUi({ quiet: globals.quiet, color: globals.color });
        const c = ui.colors;
        for (const check of checks) {
          const mark = check.ok ? c.green('✓') : check.required ? c.red('✗') : c.yellow('!');
          ui.result(`${mark} ${check.name.padEnd(7)} ${check.detail}`);
          if (!check.ok && check.hint) ui.result(`          fix: ${check.hint.replace(/\n/g, '\n          ')}`);
        }
        ui.result(code === 0 ? 'ready' : 'not ready: fix the checks marked ✗ (exit 3)');
        return code;
      }),
    );
};
