// `loadctl gameday`: the reference stack up (or your system), test users,
// then every experiment under load, one after the other, each rolled back and
// the stack healthy again before the next. The per-experiment run is exactly
// `loadctl run <profile> --chaos <experiment>` (its own folder, report.html);
// this file sequences them and writes the day's tables and index page.
import { writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import Table from 'cli-table3';
import { EnvironmentError, ExitCode, InterruptedError, LoadctlError, UsageError } from '../errors.ts';
import { claimSignals } from '../shared/signals.ts';
import type { Ui } from '../ui.ts';
import type { RunCommandOptions } from '../commands/run.ts';
import type { RunResult } from '../app/run.ts';
import type { Experiment } from '../chaos/experiment-schema.ts';
import { listExperiments, loadExperiment } from '../chaos/experiments.ts';
import { defaultHelperImage, tcImageEnv } from '../chaos/faults/common.ts';
import { formatDuration } from '../shared/duration.ts';
import { createRunFolder } from '../shared/run-folder.ts';
import { type ImageKey, chooseImages, planStack, stackEndpoints } from '../stack/definition.ts';
import { StackDocker } from '../stack/docker.ts';
import { stackUp } from '../stack/up.ts';
import { waitHealthy } from '../stack/health.ts';
import { renderIndexHtml } from './html.ts';
import { experimentCells, experimentTable, experimentTableHead, gameDayExitCode, rowFromRun, rowWithout, strictRows, summaryLine, type GameDayRow, type RunDoc } from './outcome.ts';

export interface GameDayOptions {
  cwd: string;
  /** Experiments to run, in order; empty runs every one `loadctl list` shows. */
  experiments: string[];
  profile: string;
  vus?: number;
  /** Each fault's hold (the experiment's own when unset). */
  hold?: string;
  /** The load's hold per experiment (default: the fault's hold + 45 s, room for recovery). */
  loadDuration?: string;
  users: number;
  k6?: string;
  /** Each run judges its gates and PromQL invariants here (--prometheus, else LOADCTL_PROMETHEUS); checked to answer already. */
  prometheus?: string;
  outDir: string;
  strict: boolean;
  /** Bring the reference stack up first (idempotent); false aims at a running system. */
  up: boolean;
  project: string;
  portOffset: number;
  images: Partial<Record<ImageKey, string>>;
  baseUrl?: string;
  quiet: boolean;
  color?: boolean;
  yes: boolean;
  interactive: boolean;
  env: NodeJS.ProcessEnv;
}

export interface GameDayDeps {
  /** One run with `loadctl run`'s console (commands/run.ts runShown); its result is read, not result.json. */
  run: (options: RunCommandOptions) => Promise<RunResult>;
  confirm: (question: string) => Promise<boolean>;
}

const netemKinds = new Set(['latency', 'packet-loss']);

function describeFault(e: Experiment): string {
  return e.steps.map((s) => {
    const f = s.fault as Record<string, unknown> & { kind: string };
    const detail = f.kind === 'latency' ? ` ${String(f.delayMs)}ms` : f.kind === 'packet-loss' ? ` ${String(f.percent)}%`
      : f.kind === 'bandwidth' ? ` ${String(f.rate)}` : f.kind === 'memory-limit' ? ` ${String(f.memory)}` : f.kind === 'stop' ? ` (${String(f.mode)})` : '';
    return `${f.kind}${detail} on ${s.target}`;
  }).join(', ');
}

export async function runGameDay(o: GameDayOptions, deps: GameDayDeps, ui: Ui): Promise<number> {
  const known = (await listExperiments(o.cwd)).map((e) => e.name);
  const names = o.experiments.length > 0 ? o.experiments : known;
  const unknown = names.filter((n) => !known.includes(n));
  if (unknown.length > 0) throw new UsageError(`unknown experiment${unknown.length > 1 ? 's' : ''} ${unknown.join(', ')} (known: ${known.join(', ')})`, { hint: 'loadctl list' });
  const experiments = await Promise.all(names.map((name) => loadExperiment(name, { cwd: o.cwd, overrides: { vars: o.env, ...(o.hold ? { duration: o.hold, durationFlag: '--hold' } : {}) } })));
  if (!o.yes) {
    if (!o.interactive) throw new UsageError('refusing to break containers without confirmation: stdin is not a terminal', { hint: 'add --yes to run the game day unattended (CI)' });
    if (!(await deps.confirm(`Run ${names.length} experiment(s) (${names.join(', ')}) against ${o.up ? `stack ${o.project}` : 'your system'}? [y/N] `))) {
      ui.result('not confirmed: nothing was changed');
      return ExitCode.Interrupted;
    }
  }

  let interrupted = false;
  const controller = new AbortController();
  // The run under way handles Ctrl-C itself (rollback first); this stops the sequence.
  const onSignal = () => { interrupted = true; controller.abort(); };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  const releaseSignals = claimSignals();
  try {
    const docker = new StackDocker(o.env);
    // Without --up the stack was started apart (`stack up --port-offset N`): its booking service is where the offset puts it.
    let baseUrl = o.baseUrl ?? o.env.BASE_URL ?? stackEndpoints({ portOffset: o.portOffset })['booking-service'];
    let stack: ReturnType<typeof planStack> | undefined;
    let invariantEnv: Record<string, string> = {};
    let scraped = 'your system\'s services';
    if (o.up) {
      await docker.ping();
      stack = planStack({ project: o.project, portOffset: o.portOffset, images: chooseImages(o.images, o.env) });
      const { serviceBundle } = await import('../stack/command.ts');
      ui.info(`game day: stack ${o.project} on ${docker.endpoint}`);
      await stackUp(stack, { docker, serviceFile: serviceBundle, onProgress: (line) => ui.info(line), signal: controller.signal });
      const endpoints = stackEndpoints({ portOffset: o.portOffset });
      baseUrl = endpoints['booking-service'];
      // The shipped invariants read these: each experiment is checked for lost or doubled bookings.
      invariantEnv = { DATABASE_URL: endpoints.postgres, REDIS_URL: endpoints.redis };
      scraped = `${new URL(endpoints['booking-service']).host} and ${new URL(endpoints['kafka-consumer']).host}`;
    }
    const tcImage = o.env[tcImageEnv] || defaultHelperImage;
    let netem: string | undefined;
    if (experiments.some((e) => e.steps.some((s) => netemKinds.has(s.fault.kind)))) {
      await docker.ensureImage(tcImage, `--tc-image or ${tcImageEnv}`, (line) => ui.info(line)).then(
        async () => { netem = await docker.netemMissing(tcImage); },
        // Without the tc image the network experiments fail with that one line themselves.
        () => undefined,
      );
    }
    await createUsers(baseUrl, o.users, ui);
    await prometheusReady(o, experiments, scraped, controller.signal, ui);

    const dayDir = await createRunFolder(o.outDir, 'gameday', new Date());
    ui.info(`game day folder ${dayDir}`);
    const rows: GameDayRow[] = [];
    const runDirs: string[] = [];
    let stopReason: string | undefined;
    for (const e of experiments) {
      const input = { experiment: e.name, fault: describeFault(e), holdSeconds: Math.max(...e.steps.map((s) => s.durationMs)) / 1000 };
      if (interrupted || stopReason) {
        rows.push(rowWithout(input, 'NOT RUN', stopReason ?? 'the game day was interrupted before it'));
        continue;
      }
      if (netem && e.steps.some((s) => netemKinds.has(s.fault.kind))) {
        ui.info(`game day: ${e.name} skipped: ${netem}`);
        rows.push(rowWithout(input, 'SKIPPED', netem));
        continue;
      }
      ui.info(`game day: ${e.name} (${input.fault}, hold ${formatDuration(input.holdSeconds * 1000)}) under ${o.profile}`);
      const outDir = join(dayDir, e.name);
      let result: RunResult;
      try {
        result = await deps.run({
          profile: o.profile, cwd: o.cwd, outDir, baseUrl, quiet: o.quiet, ...(o.color !== undefined ? { color: o.color } : {}),
          duration: o.loadDuration ?? `${input.holdSeconds + 45}s`, env: { USER_COUNT: String(o.users), BASE_URL: baseUrl, ...invariantEnv },
          ...(o.vus !== undefined ? { vus: o.vus } : {}), ...(o.k6 ? { k6: o.k6 } : {}), ...(o.prometheus ? { prometheus: o.prometheus } : {}),
          chaos: { experiment: e.name, at: { kind: 'steady' }, ...(o.hold ? { duration: o.hold } : {}), targets: {}, ...(stack ? { project: o.project } : {}), yes: true },
        });
      } catch (error) {
        if (error instanceof InterruptedError) interrupted = true;
        const reason = error instanceof LoadctlError ? error.message : String(error);
        rows.push(rowWithout(input, interrupted ? 'INTERRUPTED' : 'ERROR', reason));
        continue;
      }
      if (result.exitCode === ExitCode.Interrupted) interrupted = true;
      if (result.kind === 'ran') {
        runDirs.push(result.runDir);
        rows.push(rowFromRun({ ...input, relativeRunDir: relative(dayDir, result.runDir) }, result.document as RunDoc));
      } else {
        rows.push(rowWithout(input, 'ERROR', `the run left no result (exit ${result.exitCode})`));
      }
      if (!interrupted && stack) {
        // Recovered before the next: every service healthy again, whatever the run's verdict.
        const containers = stack.containers.map((c) => ({ id: c.name, name: c.name }));
        await waitHealthy(docker, containers, { onProgress: (line) => ui.info(line), timeoutMs: 90_000, signal: controller.signal }).catch((error: unknown) => {
          if (controller.signal.aborted) interrupted = true;
          else stopReason = `the stack was not healthy after ${e.name}: ${(error as Error).message}`;
        });
      }
    }
    return await finish(dayDir, rows, runDirs, o, ui);
  } finally {
    releaseSignals();
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

/** Says once what a day without Prometheus leaves unjudged; with one, waits until it has scraped what the PromQL invariants read. */
async function prometheusReady(o: GameDayOptions, experiments: readonly Experiment[], scraped: string, signal: AbortSignal, ui: Ui): Promise<void> {
  if (!o.prometheus) {
    ui.info('game day: no Prometheus (--prometheus or LOADCTL_PROMETHEUS): no gate is judged, and the PromQL invariants (backlog-drains) are listed as not checked');
    return;
  }
  const { promqlInvariantQueries, waitForScrape } = await import('./prometheus.ts');
  const empty = await waitForScrape(o.prometheus, promqlInvariantQueries(experiments.map((e) => e.invariants)), { timeoutMs: 30_000, signal });
  if (empty.length > 0) {
    ui.warn(`Prometheus at ${o.prometheus} has no data for ${empty.join(', ')} after 30 s: is it scraping ${scraped}? The invariants that read it will be listed as not checked`);
  }
}

async function createUsers(baseUrl: string, count: number, ui: Ui): Promise<void> {
  const [{ setupUsers }, { createProgress }] = await Promise.all([import('../users/setup.ts'), import('../ui.ts')]);
  const progress = createProgress(ui, 'game day: creating users', count);
  const made = await setupUsers({ baseUrl, count, prefix: 'testuser', domain: 'loadtest.com', password: 'LoadTest123!', concurrency: 20 }, { onProgress: (done) => progress.update(done) });
  progress.done();
  if (made.failed === 0) return;
  const reason = made.failures[0]?.reason ?? 'no reason given';
  const message = `game day: ${made.failed} of ${count} test users could not be created at ${baseUrl} (${reason})`;
  // Nothing listening is the environment (exit 3); an API that answered and refused is the input (exit 2).
  if (/\b(ECONNREFUSED|ECONNRESET|ETIMEDOUT|ENOTFOUND|EAI_AGAIN|EHOSTUNREACH)\b/.test(reason)) {
    throw new EnvironmentError(message, { hint: 'start the system first (loadctl stack up, with the same --port-offset), give --base-url where it runs, or drop --no-up to let the game day start the stack' });
  }
  throw new UsageError(message, { hint: 'check --base-url points at the ticketing API (loadctl setup-users --base-url <url> shows what it answers)' });
}

async function finish(dayDir: string, rows: GameDayRow[], runDirs: string[], o: GameDayOptions, ui: Ui): Promise<number> {
  const [{ loadRunFolder }, { benchmarkCells, benchmarkMarkdown }] = await Promise.all([import('../report/run-folder.ts'), import('../report/benchmark-table.ts')]);
  const records = [];
  for (const dir of runDirs) {
    try { records.push(await loadRunFolder(dir)); } catch { /* a run that left no summary has no benchmark row */ }
  }
  if (o.strict) rows = strictRows(rows);
  const code = gameDayExitCode(rows, { strict: o.strict });
  const summary = summaryLine(rows, code);
  // One row per run, named by its experiment: every run of the day has the same profile.
  const benchmark = records.map((run) => {
    const cells = benchmarkCells(run);
    const experiment = run.phases?.recovery?.experiment;
    return experiment ? [`${cells[0] ?? ''} under ${experiment}`, ...cells.slice(1)] : cells;
  });
  const markdown = `## Benchmarks\n\n${benchmarkMarkdown(benchmark)}\n## Experiments\n\n${experimentTable(rows)}\n${summary}\n`;
  await writeFile(join(dayDir, 'gameday.md'), markdown);
  await writeFile(join(dayDir, 'gameday.json'), `${JSON.stringify({ schema: 'loadctl/gameday', version: 1, exitCode: code, summary, experiments: rows }, null, 2)}\n`);
  await writeFile(join(dayDir, 'index.html'), renderIndexHtml({ title: 'loadctl game day', generatedAt: new Date(), summary, rows, benchmark }));
  if (o.env.GITHUB_STEP_SUMMARY) await writeFile(o.env.GITHUB_STEP_SUMMARY, `# Game day\n\n${markdown}`, { flag: 'a' });
  ui.result(`\n${benchmarkMarkdown(benchmark)}`);
  const table = new Table({ head: experimentTableHead, wordWrap: true, colWidths: [20, 20, 6, 9, 9, 9, 22, 30, 36], style: { head: [], border: [] } });
  for (const r of rows) table.push(experimentCells(r));
  ui.result(table.toString());
  ui.result(summary);
  ui.result(`index: ${join(dayDir, 'index.html')}`);
  return code;
}
