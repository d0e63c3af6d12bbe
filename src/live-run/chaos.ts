// The chaos half of a run under load: before k6 starts, load the experiment,
// check the journal, resolve the containers and get consent (so a bad name is
// exit 2 with nothing started); while k6 runs, wait for the moment to inject
// and run the engine in-process. Everything the engine guarantees applies
// unchanged: the journal, the watchdog, rollback on error and on Ctrl-C.
// Silent: it reports through callbacks.
import { createInterface } from 'node:readline';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ExitCode, LoadctlError, UsageError, type ExitCodeValue } from '../errors.ts';
import type { ChaosResult, TimelineEvent } from '../chaos/engine-types.ts';
import type { Experiment } from '../chaos/experiment-schema.ts';
import type { DockerWiring } from '../chaos/wiring.ts';
import type { SecondStats } from '../live/types.ts';
import type { RecoveryTargets } from '../live/phases.ts';
import type { ChaosSide } from './outcome.ts';
import { isSteady, MIN_BASELINE_SECONDS, type InjectAt } from './schedule.ts';

export interface ChaosRequest {
  experiment: string;
  at: InjectAt;
  /** Hold of every step (the experiment's own when unset). */
  duration?: string;
  mode?: string;
  targets: Record<string, string>;
  project?: string;
  yes: boolean;
  /** What a healthy second is and the recovery target (defaults: < 5 % errors, p99 < 2 s, 5 s in a row, < 30 s). */
  recovery?: RecoveryTargets;
}

export interface PreparedChaos {
  experiment: Experiment;
  docker: DockerWiring;
  planText: string;
  runId: string;
}

/** Everything that can refuse before load starts. `vars` fills ${NAME} in the file (process env + the profile's). */
export async function prepareChaos(req: ChaosRequest, ctx: { cwd: string; vars: Record<string, string | undefined> }): Promise<PreparedChaos> {
  if (req.mode !== undefined && req.mode !== 'stop' && req.mode !== 'kill-in-place') {
    throw new UsageError(`--mode ${req.mode}: unknown mode (known: stop, kill-in-place)`);
  }
  const [{ loadExperiment }, { assertNothingPending, journalPath }, { connectDocker, newRunId }, { planExperiment }, { renderPlan }] = await Promise.all([
    import('../chaos/experiments.ts'), import('../chaos/journal.ts'), import('../chaos/wiring.ts'), import('../chaos/engine.ts'), import('../chaos/render.ts'),
  ]);
  const experiment = await loadExperiment(req.experiment, {
    cwd: ctx.cwd,
    overrides: {
      ...(req.duration !== undefined ? { duration: req.duration } : {}),
      ...(req.mode !== undefined ? { mode: req.mode as 'stop' | 'kill-in-place' } : {}),
      ...(req.project !== undefined ? { project: req.project } : {}),
      targets: req.targets,
      vars: ctx.vars,
    },
  });
  // A leftover fault from a crashed run would make the plan fail for the wrong reason.
  assertNothingPending(journalPath(ctx.cwd));
  const docker = await connectDocker(ctx.vars as NodeJS.ProcessEnv);
  const plan = await planExperiment(experiment, docker.factory);
  const planText = renderPlan(experiment, { endpoint: docker.endpoint, targets: plan.targets, steps: plan.steps });
  return { experiment, docker, planText, runId: newRunId() };
}

/** Consent before breaking containers: --yes, or a "y" on a terminal; never silently. */
export async function confirmChaos(prepared: PreparedChaos, o: { yes: boolean; interactive: boolean; profile: string }, show: (text: string) => void): Promise<boolean> {
  if (o.yes) return true;
  if (!o.interactive) {
    throw new UsageError('refusing to change containers without confirmation: stdin is not a terminal', {
      hint: `add --yes to run unattended (CI), or --dry-run to see the plan: loadctl run ${o.profile} --chaos ${prepared.experiment.name} --dry-run`,
    });
  }
  show(prepared.planText);
  const names = prepared.experiment.steps.map((s) => s.target).join(', ');
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  const answer = await new Promise<string>((resolve) => rl.question(`Break ${names} on ${prepared.docker.endpoint} under load? [y/N] `, resolve));
  rl.close();
  return /^y(es)?$/i.test(answer.trim());
}

export interface UnderLoad {
  at: InjectAt;
  /** Unix ms when k6 was spawned. */
  k6StartedAt: number;
  /** Seconds after start before which "steady" is never declared (the profile's hold stage). */
  holdStartSeconds: number;
  /** Inject anyway this many seconds after start when the load never looked steady. */
  steadyDeadlineSeconds: number;
  /** The live feed's newest finished seconds (empty without a feed). */
  recent(): readonly SecondStats[];
  /** True once k6 has exited. */
  loadEnded(): boolean;
  signal: AbortSignal;
  /** Aborted when the load was stopped by a failure (a runner died): no injection, or the hold ends now. */
  endHold?: AbortSignal;
}

export interface ChaosCallbacks {
  onEvent?(event: TimelineEvent): void;
  /** Why the fault goes in now ("load steady at ...", "offset reached"). */
  onTrigger?(why: string): void;
}

export type ChaosOutcome = ChaosSide & { full?: ChaosResult };

const POLL_MS = 200;

/** Decides, every POLL_MS, whether to inject now, wait, or give up. Pure. */
export function triggerDecision(u: Pick<UnderLoad, 'at' | 'k6StartedAt' | 'holdStartSeconds' | 'steadyDeadlineSeconds'>, now: number, recent: readonly SecondStats[]): string | null {
  const elapsed = (now - u.k6StartedAt) / 1000;
  if (u.at.kind === 'offset') return elapsed * 1000 >= u.at.ms ? `offset ${u.at.ms / 1000}s reached` : null;
  if (elapsed < u.holdStartSeconds) return null;
  const sinceHold = recent.filter((s) => s.t * 1000 >= u.k6StartedAt + u.holdStartSeconds * 1000);
  if (isSteady(sinceHold)) {
    const last = sinceHold[sinceHold.length - 1] as SecondStats;
    return `load steady at ${last.requests} req/s`;
  }
  if (elapsed < u.steadyDeadlineSeconds) return null;
  // No feed at all (--no-live --record): the clock is all there is.
  if (recent.length === 0) return `no live data after ${Math.round(elapsed)}s; injecting on time instead`;
  // A feed that has not yet shown a baseline keeps the fault out, deadline or not.
  const served = sinceHold.filter((s) => s.requests > 0).length;
  if (served < MIN_BASELINE_SECONDS) return null;
  return `load not steady after ${Math.round(elapsed)}s; injecting anyway after ${served} s of baseline`;
}

export async function runChaosUnderLoad(prepared: PreparedChaos, u: UnderLoad, cwd: string, cb: ChaosCallbacks = {}): Promise<ChaosOutcome> {
  const name = prepared.experiment.name;
  for (;;) {
    if (u.signal.aborted) return { ran: false, experiment: name, reason: 'interrupted before injection', exitCode: ExitCode.Interrupted };
    if (u.endHold?.aborted) return { ran: false, experiment: name, reason: 'the load was stopped before the moment to inject' };
    if (u.loadEnded()) return { ran: false, experiment: name, reason: 'the load ended before the moment to inject; use a longer profile or an earlier --at' };
    const why = triggerDecision(u, Date.now(), u.recent());
    if (why !== null) {
      cb.onTrigger?.(why);
      break;
    }
    await new Promise((r) => setTimeout(r, POLL_MS));
  }
  const [{ runExperiment }, { engineDeps }] = await Promise.all([import('../chaos/engine.ts'), import('../chaos/wiring.ts')]);
  try {
    const result = await runExperiment(prepared.experiment, engineDeps(prepared.docker, { cwd, runId: prepared.runId, signal: u.signal, ...(u.endHold ? { endHold: u.endHold } : {}) }), { onEvent: cb.onEvent });
    return { ran: true, result, full: result };
  } catch (error) {
    // Refused before anything was touched (pending journal, lock held, target gone).
    const exitCode: ExitCodeValue = error instanceof LoadctlError ? error.exitCode : ExitCode.Environment;
    return { ran: false, experiment: name, reason: (error as Error).message, exitCode };
  }
}

/** The same files `loadctl chaos` leaves, so `loadctl report` reads either run folder alike. */
export async function writeChaosFiles(runDir: string, prepared: PreparedChaos, result: ChaosResult | undefined, cwd: string): Promise<void> {
  await writeFile(join(runDir, 'experiment.json'), `${JSON.stringify(prepared.experiment, null, 2)}\n`);
  if (!result) return;
  const { journalPath, readJournal } = await import('../chaos/journal.ts');
  const lines = readJournal(journalPath(cwd)).filter((r) => typeof r.id === 'string' && r.id.startsWith(`${prepared.runId}/`)).map((r) => JSON.stringify(r)).join('\n');
  await writeFile(join(runDir, 'chaos-journal.jsonl'), lines ? `${lines}\n` : '');
  await writeFile(join(runDir, 'chaos.json'), `${JSON.stringify(result, null, 2)}\n`);
}

/** Total hold of the experiment's steps, in seconds. */
export function faultSeconds(experiment: Pick<Experiment, 'steps'>): number {
  return experiment.steps.reduce((sum, s) => sum + s.durationMs, 0) / 1000;
}
