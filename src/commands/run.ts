// `loadctl run <profile>`: the command layer. It parses flags, owns the
// console (spinner, table, --json), and turns the pipeline's report into an
// exit code. The work itself is src/run/pipeline.ts (silent, callbacks).
import type { Command } from 'commander';
import type { RegisterCommand } from './types.ts';
import { UsageError } from '../errors.ts';

export interface RunCommandOptions {
  profile: string;
  vus?: number;
  duration?: string;
  baseUrl?: string;
  /** K=V strings (as typed) or a ready map. */
  env?: readonly string[] | Record<string, string>;
  k6?: string;
  outDir?: string;
  dryRun?: boolean;
  json?: boolean;
  junit?: string;
  quiet?: boolean;
  color?: boolean;
  /** false skips the target health check (--no-preflight). */
  preflight?: boolean;
  /** k6 flags passed through after `--`. */
  extraArgs?: readonly string[];
  /** Extra `--out` outputs and k6 environment, for callers such as the live feed. */
  outputs?: readonly string[];
  k6Env?: Record<string, string>;
  cwd?: string;
}

/** "K=V" strings -> map; a string without "=" is a usage error. */
export function parseEnvPairs(pairs: readonly string[] | Record<string, string> | undefined): Record<string, string> {
  if (!pairs) return {};
  if (!Array.isArray(pairs)) return { ...(pairs as Record<string, string>) };
  const out: Record<string, string> = {};
  for (const pair of pairs as readonly string[]) {
    const eq = pair.indexOf('=');
    if (eq <= 0) throw new UsageError(`--env "${pair}" is not KEY=VALUE`, { hint: 'write it as --env KEY=VALUE, e.g. --env USER_COUNT=200' });
    out[pair.slice(0, eq)] = pair.slice(eq + 1);
  }
  return out;
}

export function parseVus(text: string): number {
  if (!/^\d+$/.test(text) || Number(text) < 1) throw new UsageError(`--vus "${text}" is not a whole number >= 1`, { hint: 'e.g. --vus 50' });
  return Number(text);
}

export async function runCommand(options: RunCommandOptions): Promise<number> {
  const [{ runPipeline }, { createUi }, render] = await Promise.all([
    import('../run/pipeline.ts'),
    import('../ui.ts'),
    import('./run-output.ts'),
  ]);
  const cwd = options.cwd ?? process.cwd();
  const ui = createUi({ quiet: options.quiet, color: options.color, stream: options.json ? process.stderr : process.stdout });
  const view = render.createRunView(ui, { quiet: Boolean(options.quiet) });
  const { resolve } = await import('node:path');
  const result = await runPipeline(
    {
      profile: options.profile,
      cwd,
      overrides: { vus: options.vus, duration: options.duration, baseUrl: options.baseUrl, env: parseEnvPairs(options.env) },
      outDir: resolve(cwd, options.outDir ?? '.loadctl/runs'),
      k6Path: options.k6,
      dryRun: Boolean(options.dryRun),
      preflight: options.preflight !== false,
      extraArgs: [...(options.extraArgs ?? [])],
      outputs: [...(options.outputs ?? [])],
      k6Env: { ...options.k6Env },
      processEnv: process.env,
    },
    view.events,
  );
  if (result.kind === 'dry-run') {
    view.dryRun(result.commandLine, result.runDir);
    return 0;
  }
  view.finished(result.report);
  if (options.json) process.stdout.write(result.resultJson);
  await render.writeExtraReports(result.report, { junit: options.junit ? resolve(cwd, options.junit) : undefined, stepSummary: process.env.GITHUB_STEP_SUMMARY });
  return result.report.outcome.exitCode;
}

interface RunFlags {
  vus?: string;
  duration?: string;
  baseUrl?: string;
  env: string[];
  k6?: string;
  outDir?: string;
  dryRun?: boolean;
  json?: boolean;
  junit?: string;
  preflight: boolean;
}

export const register: RegisterCommand = (program, runAction) => {
  program
    .command('run')
    .description('run a load profile with k6 and judge it against its targets')
    .argument('<profile>', 'profile name (`loadctl list`) or path to a .yaml file')
    .argument('[k6-flags...]', 'extra k6 flags, after `--` (e.g. -- --http-debug)')
    .option('--vus <n>', 'peak virtual users (scales the profile\'s stages)')
    .option('--duration <d>', 'hold duration, k6 syntax (30s, 5m, 1m30s)')
    .option('--base-url <url>', 'target base URL (env BASE_URL)')
    .option('--env <K=V>', 'environment for the scenario (repeatable)', (v: string, acc: string[]) => [...acc, v], [] as string[])
    .option('--k6 <path>', 'k6 binary (default: K6_BIN, then PATH)')
    .option('--out-dir <dir>', 'where run folders go', '.loadctl/runs')
    .option('--dry-run', 'resolve and bundle, print the exact k6 command, run nothing')
    .option('--json', 'print the result document (schema loadctl/run-result v1) on stdout')
    .option('--junit <file>', 'write JUnit XML: one testcase per target and k6 threshold')
    .option('--no-preflight', 'skip the target health check before starting')
    .addHelpText('after', '\nExit codes: 0 targets met, 1 targets/thresholds failed, 2 usage/config error,\n3 environment (k6 missing, target unreachable), 4 interrupted/aborted, 5 script error.')
    .action((profile: string, k6Flags: string[], flags: RunFlags, command: Command) =>
      runAction(async () => {
        const globals = command.optsWithGlobals<{ quiet?: boolean; color?: boolean }>();
        const dashdash = process.argv.indexOf('--');
        const afterDashes = dashdash >= 0 ? process.argv.slice(dashdash + 1) : [];
        if (k6Flags.length > afterDashes.length) {
          throw new UsageError(`unexpected argument "${k6Flags[0]}"`, { hint: 'k6 flags go after `--`, e.g. loadctl run spike -- --http-debug' });
        }
        return runCommand({
          profile,
          vus: flags.vus === undefined ? undefined : parseVus(flags.vus),
          duration: flags.duration,
          baseUrl: flags.baseUrl,
          env: flags.env,
          k6: flags.k6,
          outDir: flags.outDir,
          dryRun: flags.dryRun,
          json: flags.json,
          junit: flags.junit,
          quiet: globals.quiet,
          color: globals.color,
          preflight: flags.preflight,
          extraArgs: k6Flags,
        });
      }),
    );
};
