// `loadctl run <profile>`: the command layer. It parses flags into a
// RunRequest, owns the console (spinner, table, --json), and returns the run's
// exit code. The work itself is the run use case, src/app/run.ts (silent).
import type { Command } from 'commander';
import type { RegisterCommand } from './types.ts';
import { UsageError } from '../errors.ts';
import { checkWhole, limits } from '../inputs/bounds.ts';
import { checkRunFlags } from './run-checks.ts';
import { resolve } from 'node:path';
import type { RunRequest, RunResult } from '../app/run.ts';

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
  /** --verbose: k6's stack for a script error. */
  verbose?: boolean;
  /** false skips the target health check (--no-preflight). */
  preflight?: boolean;
  /** false bundles without the scenario type check (--no-typecheck). */
  typecheck?: boolean;
  /** k6 flags passed through after `--`. */
  extraArgs?: readonly string[];
  /** Extra `--out` outputs and k6 environment, for callers such as the live feed. */
  outputs?: readonly string[];
  k6Env?: Record<string, string>;
  cwd?: string;
  /** The remote-write live feed (default on). */
  live?: boolean;
  /** k6's exact NDJSON record too (--record). */
  record?: boolean;
  /** An experiment to run under this load (--chaos). */
  chaos?: import('../live-run/chaos.ts').ChaosRequest;
  /** A Prometheus to judge the profile's gates in (--prometheus; env LOADCTL_PROMETHEUS). */
  prometheus?: string;
  /** Split over N k6 runners (--runners, --placement, --runner-image). */
  runners?: import('../runners/placements.ts').RunnersRequestOptions;
  /** --capacity settings for a staged profile's steps, e.g. p99=2s,errors=5%,window=5s. */
  capacity?: string;
  /** --find-limit: search for the highest arrival rate that holds (checked flags). */
  findLimit?: { startRate?: number; budgetSeconds: number; holdSeconds: number; maxVus?: number };
  /** Shipped invariants to check before the load and after recovery (--invariant). */
  invariants?: string[];
  /** Forward k6's remote-write and loadctl's markers here (--prometheus-rw; env LOADCTL_PROMETHEUS_RW). */
  prometheusRw?: string;
  /** --prometheus-abort: judge every gate live too; one that keeps failing stops the run. */
  prometheusAbort?: boolean;
  /** --allow-no-samples: k6 thresholds that may see no sample (checked). */
  allowNoSamples?: readonly string[];
  /** The load is this k6 script as it is; `profile` is then its path, as typed. */
  script?: { path: string; targets: import('../profiles/types.ts').Target[] };
  /** --preflight URL: check this address answers before k6 starts. */
  preflightUrl?: string;
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

export function parseVus(text: string, flag = '--vus'): number {
  const checked = checkWhole(flag, text, limits.vus);
  if (!checked.ok) throw new UsageError(checked.problem, { hint: `e.g. ${flag} 50` });
  return checked.value;
}

export async function runCommand(options: RunCommandOptions): Promise<number> {
  if (options.findLimit) {
    const { findLimitCommand } = await import('./find-limit.ts');
    const request = runRequestFrom(options, options.cwd ?? process.cwd());
    const { source } = request;
    if (source.kind !== 'profile') throw new UsageError('--find-limit does not apply to a k6 script', { hint: 'wrap the script in a profile with an executor (script: in docs/profiles.md)' });
    return findLimitCommand({
      request: { ...request, source: { ...source, overrides: { ...source.overrides, duration: undefined } } }, ...options.findLimit,
      ...(options.capacity !== undefined ? { capacity: options.capacity } : {}),
      json: Boolean(options.json), quiet: Boolean(options.quiet), verbose: Boolean(options.verbose), ...(options.color !== undefined ? { color: options.color } : {}),
    });
  }
  return (await runShown(options)).exitCode;
}

/** The command's options as the run use case (src/app/run.ts) takes them. */
export function runRequestFrom(options: RunCommandOptions, cwd: string): RunRequest {
  return {
    source: options.script
      ? { kind: 'script', path: options.script.path, targets: options.script.targets, ...(options.allowNoSamples?.length ? { allowNoSamples: [...options.allowNoSamples] } : {}) }
      : { kind: 'profile', profile: options.profile, overrides: { vus: options.vus, duration: options.duration, baseUrl: options.baseUrl, env: parseEnvPairs(options.env), ...(options.allowNoSamples?.length ? { allowNoSamples: options.allowNoSamples } : {}) } },
    cwd,
    outDir: resolve(cwd, options.outDir ?? '.loadctl/runs'),
    ...(options.k6 !== undefined ? { k6Path: options.k6 } : {}),
    dryRun: Boolean(options.dryRun),
    preflight: options.preflight !== false,
    ...(options.preflightUrl !== undefined ? { preflightUrl: options.preflightUrl } : {}),
    typeCheck: options.typecheck !== false,
    extraArgs: [...(options.extraArgs ?? [])],
    outputs: [...(options.outputs ?? [])],
    k6Env: { ...options.k6Env },
    processEnv: process.env,
    live: options.live !== false, record: Boolean(options.record), interactive: Boolean(process.stdin.isTTY), quiet: Boolean(options.quiet),
    ...(options.chaos ? { chaos: options.chaos } : {}),
    ...(options.runners ? { runners: options.runners } : {}),
    ...(options.prometheus !== undefined ? { prometheus: options.prometheus } : {}),
    ...(options.prometheusRw !== undefined ? { prometheusRw: options.prometheusRw } : {}),
    ...(options.prometheusAbort ? { prometheusAbort: true } : {}),
    ...(options.invariants && options.invariants.length > 0 ? { invariants: options.invariants } : {}),
    ...(options.capacity !== undefined ? { capacity: options.capacity } : {}),
  };
}

/**
 * One run with the console of `loadctl run` (live lines, the table, --json,
 * --junit, the step summary); the use case's result is returned as it is, so
 * `gameday` and `demo` read the verdict from it, not from result.json.
 */
export async function runShown(options: RunCommandOptions): Promise<RunResult> {
  const [{ runTest }, { createUi }, render] = await Promise.all([
    import('../app/run.ts'),
    import('../ui.ts'),
    import('./run-output.ts'),
  ]);
  const cwd = options.cwd ?? process.cwd();
  const ui = createUi({ quiet: options.quiet, color: options.color, stream: options.json ? process.stderr : process.stdout });
  const view = render.createRunView(ui, { quiet: Boolean(options.quiet), verbose: Boolean(options.verbose), cwd });
  // The variables stand in for their flags and are checked as the flags are, also under --dry-run.
  if (options.prometheus === undefined) await prometheusFlag(process.env.LOADCTL_PROMETHEUS || undefined, 'LOADCTL_PROMETHEUS');
  if (options.prometheusRw === undefined && process.env.LOADCTL_PROMETHEUS_RW) {
    await prometheusFlag(process.env.LOADCTL_PROMETHEUS_RW, 'LOADCTL_PROMETHEUS_RW');
    if (options.live === false) ui.warn('LOADCTL_PROMETHEUS_RW is set, but --no-live turns the live feed off: nothing is forwarded');
  }
  // Every place this run will write, checked before any load or fault.
  const { assertWritable } = await import('../inputs/output-path.ts');
  await assertWritable([
    options.junit ? { flag: '--junit', path: options.junit, kind: 'file' } : undefined,
    { flag: '--out-dir', path: options.outDir ?? '.loadctl/runs', kind: 'dir' },
  ], cwd);
  const result = await runTest(runRequestFrom(options, cwd), { events: view.events, ui });
  if (result.kind === 'dry-run') {
    view.dryRun(result.commandLine, result.runDir);
    // The receiver's port is picked when a real run starts, so it is not in the command above.
    if (options.live !== false) ui.info('a real run adds the live feed: -o experimental-prometheus-rw with K6_PROMETHEUS_RW_* pointing at loadctl on 127.0.0.1 (--no-live leaves it out)');
    if (options.runners) {
      const { dryRunRunnerLines } = await import('../runners/placement.ts');
      for (const line of dryRunRunnerLines(options.runners.count, options.runners.placement, options.runners.engines)) ui.info(line);
    }
    return result;
  }
  const { blocks } = result;
  // The answer a staged run exists to give comes first, above the targets table.
  if (blocks.capacity) {
    const { capacityText } = await import('../capacity/render.ts');
    ui.result(capacityText(blocks.capacity));
  }
  view.finished(result.report);
  if (options.json) process.stdout.write(result.resultJson);
  await render.writeExtraReports(result.report, {
    junit: options.junit ? resolve(cwd, options.junit) : undefined,
    stepSummary: process.env.GITHUB_STEP_SUMMARY,
    chaos: blocks.phases ?? null,
    ...(blocks.prometheus ? { prometheus: blocks.prometheus } : {}),
    ...(blocks.invariants ? { invariants: blocks.invariants } : {}),
    ...(blocks.capacity ? { capacity: blocks.capacity } : {}),
  }, (line) => ui.warn(line));
  return result;
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
  /** --preflight URL, or false for --no-preflight. */
  preflight?: string | false;
  typecheck: boolean;
  stage: string[];
  iterations?: string;
  live: boolean;
  record?: boolean;
  chaos?: string;
  at?: string;
  loadDuration?: string;
  mode?: string;
  target: string[];
  yes?: boolean;
  recovery?: string;
  prometheus?: string;
  capacity?: string;
  findLimit?: string | boolean;
  maxVus?: string;
  budget?: string;
  runners?: string;
  placement?: string;
  runnerImage?: string;
  runnerNetwork?: string;
  dockerHost: string[];
  receiverHost?: string;
  plan?: boolean;
  calibrate?: string | boolean;
  mbPerVu?: string;
  runnerMemory?: string;
  invariant: string[];
  prometheusRw?: string;
  prometheusAbort?: boolean;
  allowNoSamples: string[];
}

export const register: RegisterCommand = (program, runAction) => {
  program
    .command('run')
    .description('run a load profile with k6 and judge it against its targets')
    .argument('<profile>', 'a k6 script (.js or .ts, run as `k6 run` would), a profile name (`loadctl list`) or the path of a .yaml file')
    .argument('[k6-flags...]', 'extra k6 flags, after `--` (e.g. -- --http-debug)')
    .option('-u, --vus <n>', 'a script: k6\'s --vus; a profile: peak virtual users (scales its stages)')
    .option('-d, --duration <d>', 'a script: k6\'s --duration; a profile: hold duration, k6 syntax (30s, 5m, 1m30s), with --chaos the fault\'s hold')
    .option('-s, --stage <d:t>', 'a script: k6\'s --stage, e.g. 30s:10 (repeatable)', (v: string, acc: string[]) => [...acc, v], [] as string[])
    .option('-i, --iterations <n>', 'a script: k6\'s --iterations')
    .option('--base-url <url>', 'target base URL (env BASE_URL; for a script only an env var it may read)')
    .option('-e, --env <K=V>', 'environment for the script or scenario, k6\'s --env (repeatable)', (v: string, acc: string[]) => [...acc, v], [] as string[])
    .option('--k6 <path>', 'k6 binary (default: K6_BIN, then PATH)')
    .option('--out-dir <dir>', 'where run folders go', '.loadctl/runs')
    .option('--dry-run', 'resolve and bundle, print the exact k6 command, run nothing')
    .option('--json', 'print the result document (schema loadctl/run-result v1) on stdout')
    .option('--junit <file>', 'write JUnit XML: one testcase per target and k6 threshold')
    .option('--preflight <url>', 'check this URL answers before starting (a script gets no check otherwise)')
    .option('--no-preflight', 'skip the target health check before starting')
    .option('--no-typecheck', 'bundle without type-checking the scenario (the check is cached, so it costs only after an edit)')
    .option('--no-live', 'no live feed (k6 remote-write into loadctl): no live line, timeline or charts')
    .option('--record', 'also keep k6\'s exact NDJSON record (k6-record.ndjson.gz; costs k6 ~40 % at high rates)')
    .option('--chaos <experiment>', 'run this chaos experiment (chaos/<name>.yaml) under the load; with it --duration is the fault\'s hold')
    .option('--at <offset>', 'with --chaos: inject at this time after k6 starts (60s), or "steady" (default: once the load holds steady)')
    .option('--load-duration <d>', 'with --chaos: the load\'s hold duration (what --duration is without --chaos)')
    .option('--mode <mode>', 'with --chaos: stop fault mode, stop | kill-in-place')
    .option('--target <spec>', 'a script: a target judged after the run, "<metric> <stat> < <value>" (e.g. "http_req_duration p95 < 500"); with --chaos, ref=container for a target ref (repeatable)', (v: string, acc: string[]) => [...acc, v], [] as string[])
    .option('-y, --yes', 'with --chaos: do not ask before breaking containers (required without a terminal)')
    .option('--recovery <settings>', 'with --chaos: healthy second and target, e.g. target=30s,errors=5%,p99=2s,seconds=5 (the defaults)')
    .option('--find-limit [start-rate]', 'search for the highest arrival rate (iterations/s) that meets the targets: one constant-arrival-rate probe after another, each --duration long (30s), stopped by the live feed when it breaks')
    .option('--max-vus <n>', 'with --find-limit: no probe gets more VUs than this (default: as many as the rate needs, up to loadctl\'s bound)')
    .option('--budget <d>', 'with --find-limit: the time the whole search may take (default 10m)')
    .option('--capacity <settings>', 'for a staged profile: what a step must hold, e.g. p99=2s,errors=5%,window=5s (default: the targets\' p99 and error rate, 5 s in a row)')
    .option('--prometheus <url>', 'judge Prometheus gates (the runbook\'s key metrics, the profile\'s and experiment\'s own) per phase after the load (env LOADCTL_PROMETHEUS)')
    .option('--prometheus-abort', 'judge every gate during the run too (an instant query every 5 s) and stop the run, exit 1, when one fails 3 times in a row; a gate\'s own abortOnFail: true does it for that gate')
    .option('--runners <n>', 'split the test over n k6 runners (execution segments), one merged verdict')
    .option('--placement <where>', 'with --runners: local (k6 processes, the default) or docker (k6 containers)')
    .option('--runner-image <image>', 'with --placement docker: the image with k6 (default grafana/k6:<local k6 version>)')
    .option('--plan', 'print how many runners of what memory the profile needs, and check `ulimit -n`; runs nothing')
    .option('--calibrate [vus]', 'with --plan: measure MB per VU with two short real k6 runs (a fifth of vus, then vus; default 100) against the target')
    .option('--mb-per-vu <mb>', 'with --plan: k6 memory per VU for this scenario (default: 0.66, measured on booking-load)')
    .option('--runner-memory <size>', 'with --plan: memory of one runner, e.g. 8GB (the default)')
    .option('--runner-network <name>', 'with --placement docker: run on this bridge network (default: one loadctl creates)')
    .option('--docker-host <url>', 'with --placement docker: an engine to run runners on, DOCKER_HOST style (unix://, tcp://, ssh://), =W for a weight; repeatable or a comma list (default: DOCKER_HOST or the local socket)', (v: string, acc: string[]) => [...acc, v], [] as string[])
    .option('--receiver-host <host>', 'with --placement docker: the address of this machine the runners push the live feed to (required for an engine on another machine)')
    .option('--prometheus-rw <url>', 'forward what k6 sends to the live feed, unchanged, to this remote-write URL, plus loadctl_run_active / loadctl_fault_active markers (env LOADCTL_PROMETHEUS_RW)')
    .option('--invariant <name>', 'check this shipped invariant before the load and after recovery (repeatable): no-double-sale, confirmed-stored, locks-expire, backlog-drains', (v: string, acc: string[]) => [...acc, v], [] as string[])
    .option('--allow-no-samples <threshold>', 'let this k6 threshold see no sample (it fails otherwise): a metric key for all its thresholds, or key and expression, e.g. "http_req_failed{status:500}" (repeatable)', (v: string, acc: string[]) => [...acc, v], [] as string[])
    .addHelpText('after', '\nExit codes: 0 targets met, 1 targets/thresholds failed, 2 usage/config error,\n3 environment (k6 missing, target unreachable), 4 interrupted/aborted, 5 script error.')
    .action((profile: string, k6Flags: string[], flags: RunFlags, command: Command) =>
      runAction(async () => {
        const globals = command.optsWithGlobals<{ quiet?: boolean; color?: boolean; verbose?: boolean }>();
        const dashdash = process.argv.indexOf('--');
        const afterDashes = dashdash >= 0 ? process.argv.slice(dashdash + 1) : [];
        if (k6Flags.length > afterDashes.length) {
          throw new UsageError(`unexpected argument "${k6Flags[0]}"`, { hint: 'k6 flags go after `--`, e.g. loadctl run spike -- --http-debug' });
        }
        const { isScriptPath, isMetricTarget } = await import('../script/flags.ts');
        const script = isScriptPath(profile) ? (await import('../script/command.ts')).scriptRunParts(profile, flags) : undefined;
        if (!script) (await import('../script/command.ts')).checkProfileFlags(profile, flags);
        if (!script) (await import('../k6/shape-flags.ts')).refuseShapeFlags(k6Flags, profile);
        const containerRefs = flags.target.filter((t) => !isMetricTarget(t));
        const chaosOnly = ([['--at', flags.at], ['--mode', flags.mode], ['--recovery', flags.recovery], ['--target', containerRefs.length > 0 ? 'x' : undefined]] as const).find(([, v]) => v !== undefined);
        if (flags.chaos === undefined && chaosOnly) {
          throw new UsageError(`${chaosOnly[0]} only applies with --chaos <experiment>`, { hint: `e.g. loadctl run ${profile} --chaos redis-failure ${chaosOnly[0]} ...` });
        }
        await checkRunFlags(flags);
        const { allowEntryProblem } = await import('../verdict/thresholds.ts');
        const badAllow = flags.allowNoSamples.map(allowEntryProblem).find((p) => p !== undefined);
        if (badAllow) throw new UsageError(`--allow-no-samples ${badAllow}`, { hint: 'e.g. --allow-no-samples "http_req_failed{status:500}" or --allow-no-samples "errors count<10"' });
        const chaos = flags.chaos === undefined ? undefined : await chaosRequest({ ...flags, target: containerRefs, ...(script ? { duration: undefined } : {}) });
        const { checkCapacityFlag } = await import('../capacity/in-run.ts');
        const capacityProblem = checkCapacityFlag(flags.capacity);
        if (capacityProblem) throw new UsageError(capacityProblem, { hint: 'e.g. --capacity p99=2s,errors=5%,window=5s' });
        const { checkFindLimitFlags } = await import('./find-limit.ts');
        const search = checkFindLimitFlags(profile, { ...flags, runners: flags.runners });
        if (flags.plan) {
          const { planCommand } = await import('../runners/plan-command.ts');
          const plan = await planCommand({
            profile, cwd: process.cwd(), processEnv: process.env, outDir: resolve(process.cwd(), flags.outDir ?? '.loadctl/runs'),
            ...(flags.calibrate !== undefined ? { calibrate: flags.calibrate } : {}), ...(flags.k6 !== undefined ? { k6Path: flags.k6 } : {}),
            overrides: { vus: flags.vus === undefined ? undefined : parseVus(flags.vus), duration: flags.duration, baseUrl: flags.baseUrl, env: parseEnvPairs(flags.env) },
            ...(flags.mbPerVu !== undefined ? { mbPerVu: flags.mbPerVu } : {}),
            ...(flags.runnerMemory !== undefined ? { runnerMemory: flags.runnerMemory } : {}),
          });
          process.stdout.write(`${plan.lines.join('\n')}\n`);
          return 0;
        }
        for (const [flag, v] of [['--mb-per-vu', flags.mbPerVu], ['--runner-memory', flags.runnerMemory], ['--calibrate', flags.calibrate]] as const) {
          if (v !== undefined) throw new UsageError(`${flag} only applies with --plan`, { hint: `e.g. loadctl run ${profile} --plan ${flag} ...` });
        }
        const { runnersFromFlags } = await import('../runners/flags.ts');
        const runners = runnersFromFlags(flags, process.env, k6Flags);
        if (runners?.placement === 'docker' && !script) {
          const { loadProfile } = await import('../profiles/load.ts');
          const resolved = await loadProfile(profile, { cwd: process.cwd(), overrides: { baseUrl: flags.baseUrl, env: parseEnvPairs(flags.env) }, processEnv: process.env });
          (await import('../runners/flags.ts')).refuseLoopbackTarget(resolved.env.BASE_URL);
        }
        return runCommand({
          profile,
          // A script's overrides are k6 flags (script.k6Args), applied by k6 itself.
          ...(script ? { script: script.script, ...(script.preflightUrl !== undefined ? { preflightUrl: script.preflightUrl } : {}) } : {
            vus: flags.vus === undefined ? undefined : parseVus(flags.vus),
            duration: chaos ? flags.loadDuration : flags.loadDuration ?? flags.duration,
            baseUrl: flags.baseUrl,
            env: flags.env,
            ...(typeof flags.preflight === 'string' ? { preflightUrl: flags.preflight } : {}),
          }),
          k6: flags.k6,
          outDir: flags.outDir,
          dryRun: flags.dryRun,
          json: flags.json,
          junit: flags.junit,
          quiet: globals.quiet,
          color: globals.color,
          verbose: globals.verbose,
          preflight: flags.preflight !== false,
          typecheck: flags.typecheck,
          extraArgs: [...(script?.k6Args ?? []), ...k6Flags],
          live: flags.live,
          record: flags.record,
          prometheus: await prometheusFlag(flags.prometheus),
          ...(flags.capacity !== undefined ? { capacity: flags.capacity } : {}),
          ...(flags.findLimit !== undefined ? { findLimit: search } : {}),
          invariants: flags.invariant,
          ...(flags.prometheusRw !== undefined ? { prometheusRw: (await prometheusRwFlag(flags.prometheusRw, flags.live)) as string } : {}),
          ...(flags.prometheusAbort ? { prometheusAbort: true } : {}),
          ...(flags.allowNoSamples.length > 0 ? { allowNoSamples: flags.allowNoSamples } : {}),
          chaos,
          ...(runners ? { runners } : {}),
        });
      }),
    );
};

/** --chaos and its companions as the live-run module takes them; bad values are usage errors. */
async function chaosRequest(flags: RunFlags): Promise<import('../live-run/chaos.ts').ChaosRequest> {
  const [{ parseInjectAt }, { parseTargets }, { parseRecoveryFlag }] = await Promise.all([
    import('../live-run/schedule.ts'), import('../chaos/command.ts'), import('../live-run/recovery-flag.ts'),
  ]);
  const at = parseInjectAt(flags.at);
  if ('error' in at) throw new UsageError(at.error, { hint: 'e.g. --at 60s, or leave it out to inject once the load is steady' });
  const recovery = parseRecoveryFlag(flags.recovery);
  if (!recovery.ok) throw new UsageError(recovery.errors.join('; '), { hint: 'e.g. --recovery target=30s,errors=5%,p99=2s,seconds=5' });
  return {
    experiment: flags.chaos as string,
    at,
    ...(flags.duration !== undefined ? { duration: flags.duration } : {}),
    ...(flags.mode !== undefined ? { mode: flags.mode } : {}),
    targets: parseTargets(flags.target),
    yes: Boolean(flags.yes),
    recovery: recovery.targets,
  };
}

async function prometheusFlag(text: string | undefined, name = '--prometheus'): Promise<string | undefined> {
  if (text === undefined) return undefined;
  const { checkPrometheusUrl } = await import('../prometheus/config.ts');
  const problem = checkPrometheusUrl(name, text);
  const example = /prometheus-rw|_RW$/i.test(name) ? 'http://localhost:9090/api/v1/write' : 'http://localhost:9090';
  if (problem) throw new UsageError(problem, { hint: name.startsWith('--') ? `e.g. ${name} ${example}` : `set ${name} to a URL such as ${example}, or unset it` });
  return text;
}

/** --prometheus-rw forwards the live feed's pushes, so it needs the feed. */
async function prometheusRwFlag(text: string, live: boolean): Promise<string | undefined> {
  if (!live) throw new UsageError('--prometheus-rw forwards what k6 pushes to the live feed, but --no-live turns the feed off', { hint: 'drop --no-live, or --prometheus-rw' });
  return prometheusFlag(text, '--prometheus-rw');
}
