// The body of `loadctl chaos <experiment>`: load, resolve, plan, confirm,
// run with Ctrl-C handled, then print and file the result. Loaded lazily by
// src/commands/chaos.ts so `loadctl --help` never pays for dockerode.
import { createInterface } from 'node:readline';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { assertWritable } from '../inputs/output-path.ts';
import { claimSignals } from '../shared/signals.ts';
import { appendStepSummary } from '../shared/step-summary.ts';
import { dirname, join, resolve } from 'node:path';
import { ExitCode, UsageError } from '../errors.ts';
import type { Ui } from '../ui.ts';
import { createRunFolder, writeResultDocument } from '../shared/run-folder.ts';
import { exitCodeFor, planExperiment, runExperiment } from './engine.ts';
import type { TimelineEvent } from './engine-types.ts';
import { listExperiments, loadExperiment } from './experiments.ts';
import { assertNothingPending, journalPath, pendingIntents, readJournal } from './journal.ts';
import { eventLine, renderJunit, renderMarkdown, renderPlan, renderTable, resultDocument, verdictLine } from './render.ts';
import { connectDocker, engineDeps, newRunId } from './wiring.ts';

export interface ChaosOptions {
  cwd: string;
  experiment: string | undefined;
  duration?: string;
  mode?: string;
  target: string[];
  project?: string;
  dryRun: boolean;
  yes: boolean;
  json: boolean;
  junit?: string;
  outDir: string;
  /** stdin is a terminal: a human can answer the confirmation. */
  interactive: boolean;
  env: NodeJS.ProcessEnv;
}

export async function runChaosCommand(o: ChaosOptions, ui: Ui): Promise<number> {
  if (!o.experiment) {
    const known = (await listExperiments(o.cwd)).map((e) => e.name);
    throw new UsageError(`name an experiment (known: ${known.join(', ') || 'none'})`, { hint: 'loadctl chaos redis-failure --dry-run' });
  }
  if (o.mode !== undefined && o.mode !== 'stop' && o.mode !== 'kill-in-place') {
    throw new UsageError(`--mode ${o.mode}: unknown mode (known: stop, kill-in-place)`);
  }
  if (o.project !== undefined && !/^[a-z0-9][a-z0-9_-]*$/.test(o.project)) {
    throw new UsageError(`--project "${o.project}" is not a compose project name (lowercase letters, digits, "-" and "_")`, { hint: 'docker compose ls shows the projects' });
  }
  // Where the results go is checked before any container is touched.
  await assertWritable([
    o.junit ? { flag: '--junit', path: o.junit, kind: 'file' } : undefined,
    { flag: '--out-dir', path: o.outDir, kind: 'dir' },
  ], o.cwd);
  const experiment = await loadExperiment(o.experiment, {
    cwd: o.cwd,
    overrides: {
      ...(o.duration !== undefined ? { duration: o.duration } : {}),
      ...(o.mode !== undefined ? { mode: o.mode } : {}),
      ...(o.project !== undefined ? { project: o.project } : {}),
      targets: parseTargets(o.target),
      vars: o.env,
    },
  });
  // Before anything reads container state: a leftover fault would make the
  // plan fail for the wrong reason ("container is exited").
  const journal = journalPath(o.cwd);
  if (o.dryRun) {
    const left = pendingIntents(readJournal(journal));
    if (left.length > 0) ui.warn(`a previous experiment was not rolled back (${left.map((e) => e.intent).join('; ')}); run \`loadctl chaos recover\``);
  } else {
    assertNothingPending(journal);
  }
  const docker = await connectDocker(o.env, { onProgress: (line) => ui.info(line) });
  const plan = await planExperiment(experiment, docker.factory);
  const planText = renderPlan(experiment, { endpoint: docker.endpoint, targets: plan.targets, steps: plan.steps });
  if (o.dryRun) {
    if (o.json) {
      process.stdout.write(`${JSON.stringify({ schema: 'loadctl/chaos-plan', version: 1, experiment: experiment.name, endpoint: docker.endpoint, targets: plan.targets, steps: plan.steps.map(({ undoLines: _, ...s }) => s) }, null, 2)}\n`);
    }
    ui.result(`${planText}\n(dry run: nothing was changed)`);
    return ExitCode.Ok;
  }

  if (!o.yes) {
    if (!o.interactive) {
      throw new UsageError('refusing to change containers without confirmation: stdin is not a terminal', {
        hint: `add --yes to run unattended (CI), or --dry-run to see the plan: loadctl chaos ${experiment.name} --dry-run`,
      });
    }
    ui.result(planText);
    const names = plan.targets.flatMap((t) => t.containers.map((c) => c.name)).join(', ');
    if (!(await confirm(`Break ${names} on ${docker.endpoint}? [y/N] `))) {
      ui.result('not confirmed: nothing was changed');
      return ExitCode.Interrupted;
    }
  }

  const runId = newRunId();
  const runDir = await createRunFolder(resolve(o.cwd, o.outDir), `chaos-${experiment.name}`, new Date());
  await writeFile(join(runDir, 'experiment.json'), `${JSON.stringify(experiment, null, 2)}\n`);
  ui.info(`run folder ${runDir}`);

  const controller = new AbortController();
  let signals = 0;
  const onSignal = (name: NodeJS.Signals) => {
    signals += 1;
    if (signals === 1) {
      ui.warn(`${name}: stopping; rolling back every fault first (pressing Ctrl-C again will not skip the rollback)`);
      controller.abort();
    } else {
      ui.warn(`${name} again: still waiting for the rollback to finish; a kill -9 would leave the undo to the watchdog or \`loadctl chaos recover\``);
    }
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  process.on('SIGHUP', onSignal);
  const release = claimSignals();
  let lastHealth: boolean | undefined;
  const startedAt = Date.now();
  const onEvent = (event: TimelineEvent) => {
    if (event.type === 'probe-round') {
      if (event.healthy !== lastHealth) {
        const bad = event.results.filter((r) => !r.ok).map((r) => `${r.name}: ${r.detail}`).join('; ');
        ui.info(`+${((event.at - startedAt) / 1000).toFixed(2)}s probes ${event.healthy ? 'healthy' : `unhealthy (${bad})`}`);
      }
      lastHealth = event.healthy;
      return;
    }
    const line = eventLine(event, startedAt);
    if (line) ui.info(line);
  };
  let result;
  try {
    result = await runExperiment(experiment, engineDeps(docker, { cwd: o.cwd, runId, signal: controller.signal }), { onEvent });
  } catch (error) {
    // Refused before anything ran (pending journal, lock, target gone): no half run folder.
    await rm(runDir, { recursive: true, force: true });
    throw error;
  } finally {
    release();
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    process.off('SIGHUP', onSignal);
  }

  const doc = resultDocument(result, experiment, { endpoint: docker.endpoint, runDir });
  const runLines = readJournal(journal).filter((r) => r.id.startsWith(`${runId}/`)).map((r) => JSON.stringify(r)).join('\n');
  await writeFile(join(runDir, 'chaos-journal.jsonl'), runLines ? `${runLines}\n` : '');
  await writeFile(join(runDir, 'chaos-timeline.json'), `${JSON.stringify(result.events, null, 2)}\n`);
  await writeResultDocument(runDir, doc);
  // The engine's own result, which `loadctl report` reads for the fault window and events.
  await writeFile(join(runDir, 'chaos.json'), `${JSON.stringify(result, null, 2)}\n`);
  const summaryProblem = o.env.GITHUB_STEP_SUMMARY ? await appendStepSummary(o.env.GITHUB_STEP_SUMMARY, `${renderMarkdown(result)}\n`) : undefined;
  if (summaryProblem) ui.warn(summaryProblem);
  if (o.junit) {
    const path = resolve(o.cwd, o.junit);
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, renderJunit(result));
  }
  ui.result(renderTable(result));
  const verdict = verdictLine(result);
  ui.result(result.status === 'passed' ? ui.colors.green(verdict) : ui.colors.red(verdict));
  if (result.error?.hint) ui.result(`  fix: ${result.error.hint}`);
  if (result.rollbackFailures.length > 0) ui.result('  fix: loadctl chaos recover');
  if (o.json) process.stdout.write(`${JSON.stringify(doc, null, 2)}\n`);
  return exitCodeFor(result);
}

/** `--target ref=name` (repeatable) to a map; one clear line for a malformed one. */
export function parseTargets(values: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const value of values) {
    const at = value.indexOf('=');
    if (at <= 0 || at === value.length - 1) {
      throw new UsageError(`--target ${value}: expected ref=container-name`, { hint: 'e.g. --target redis=my-redis (refs are listed by --dry-run)' });
    }
    out[value.slice(0, at)] = value.slice(at + 1);
  }
  return out;
}

function confirm(question: string): Promise<boolean> {
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  return new Promise((resolveAnswer) => {
    rl.question(question, (answer) => {
      rl.close();
      resolveAnswer(/^y(es)?$/i.test(answer.trim()));
    });
  });
}
