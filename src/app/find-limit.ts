// `loadctl run <profile> --find-limit`: probes the system at one arrival rate
// after another (one k6 run each, constant-arrival-rate, the profile's
// scenario, targets and env), the live feed stopping a probe as soon as a
// window of bad seconds comes, until the search converges, the budget is
// spent or Ctrl-C. The decisions are src/capacity/search.ts; this file runs
// the probes, each one a run of the run use case (./run.ts).
import { EventEmitter } from 'node:events';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parse as parseYamlText } from 'yaml';
import { UsageError } from '../errors.ts';
import type { Ui } from '../ui.ts';
import type { RunEvents } from '../run/pipeline.ts';
import type { ProfileRunRequest } from './run.ts';
import { limits as bounds } from '../inputs/bounds.ts';
import { limitsFromTargets, parseCapacityFlag, type CapacityLimits } from '../capacity/limits.ts';
import { planSteps } from '../capacity/plan.ts';
import { judgeProbe, liveJudge, nextRate, probeRule, probeVus, searchOutcome, type Probe, type SearchOutcome, type SearchState } from '../capacity/search.ts';
import { msText, percentText, rateText } from '../capacity/words.ts';

export interface FindLimitOptions {
  /** The run's request (profile, cwd, outDir, k6, env...); the probes change only the executor. */
  request: ProfileRunRequest;
  holdSeconds: number;
  budgetSeconds: number;
  /** Iterations per second of the first probe; default: the profile's first arrival-rate step, else 10. */
  startRate?: number;
  capacityFlag?: string;
  /** --max-vus: no probe gets more VUs than this. */
  maxVus?: number;
  quiet: boolean;
  now?: () => number;
}

export interface FindLimitResult {
  outcome: SearchOutcome;
  limits: CapacityLimits;
  dir: string;
  json: string;
  exitCode: number;
}

/** Keys of the executor a probe replaces with its own. */
const EXECUTOR_KEYS = ['executor', 'stages', 'startVUs', 'vus', 'duration', 'startRate', 'timeUnit', 'preAllocatedVUs', 'maxVUs', 'gracefulRampDown', 'rate', 'gracefulStop'];

export async function findLimit(o: FindLimitOptions, events: RunEvents, ui: Ui, probeUi: Ui): Promise<FindLimitResult> {
  const now = o.now ?? Date.now;
  const began = now();
  const { loadProfile } = await import('../profiles/load.ts');
  const { source } = o.request;
  const profile = await loadProfile(source.profile, { cwd: o.request.cwd, overrides: source.overrides, processEnv: o.request.processEnv });
  const plan = planSteps(profile.k6Options);
  if (!plan || plan.steps.length === 0) {
    throw new UsageError(`--find-limit searches from a staged profile, but ${profile.name} has no stages that hold a level`, { hint: 'use a profile with steps, e.g. loadctl run stress --find-limit' });
  }
  if (!o.quiet) ui.info(`finding the limit of ${profile.name}: probes of ${o.holdSeconds} s each, within ${o.budgetSeconds} s`);
  let limits = limitsFromTargets(profile.targets);
  if (o.capacityFlag !== undefined) {
    const r = parseCapacityFlag(o.capacityFlag, limits);
    if (r.ok) limits = r.limits;
  }
  const spec = parseYamlText(await readFile(profile.file, 'utf8')) as Record<string, unknown>;
  for (const key of EXECUTOR_KEYS) delete spec[key];
  const start = o.startRate ?? (plan.unit === 'iterations/s' ? Math.max(1, Math.round(plan.steps[0]!.level)) : 10);
  const stamp = new Date(began).toISOString().replace(/[:.]/g, '-');
  const dir = join(o.request.outDir, `${stamp}-${profile.name}-find-limit`);
  await mkdir(dir, { recursive: true });

  const state: SearchState = { start, max: bounds.rate.max, probes: [] };
  const signals = new EventEmitter();
  let interrupted = false;
  const onSignal = (name: NodeJS.Signals) => () => { interrupted = true; signals.emit(name, name); };
  const onInt = onSignal('SIGINT');
  const onTerm = onSignal('SIGTERM');
  process.on('SIGINT', onInt);
  process.on('SIGTERM', onTerm);
  // What a probe costs besides its hold (k6 start, bundling, the grace at the end); learnt as it goes.
  let overhead = 5;
  let iterationSeconds = limits.p99Ms / 1000;
  let stop: SearchOutcome['stop'] = 'converged';
  try {
    for (let rate = nextRate(state); rate !== null; rate = nextRate(state)) {
      const elapsed = (now() - began) / 1000;
      if (elapsed + o.holdSeconds + overhead > o.budgetSeconds) { stop = 'budget'; break; }
      if (interrupted) { stop = 'interrupted'; break; }
      const probeStart = now();
      const probe = await runProbe({ o, spec, dir, profileName: profile.name, rate, limits, iterationSeconds, signals, probeUi, events, index: state.probes.length + 1 });
      if (interrupted) { stop = 'interrupted'; break; }
      state.probes.push(probe.probe);
      overhead = Math.max(overhead, (now() - probeStart) / 1000 - o.holdSeconds);
      if (probe.iterationMs !== null) iterationSeconds = Math.max(iterationSeconds, probe.iterationMs / 1000);
      if (!o.quiet) ui.info(probeLine(state.probes.length, probe.probe));
      if (rate >= state.max && probe.probe.verdict === 'held') { stop = 'max-rate'; break; }
      // A broken system needs a moment to drain its queues, or the next probe would start behind them.
      if (probe.probe.verdict === 'broke' && nextRate(state) !== null) await pause(limits.windowSeconds * 1000, () => interrupted);
    }
  } finally {
    process.off('SIGINT', onInt);
    process.off('SIGTERM', onTerm);
  }
  const outcome = searchOutcome(state, stop, o.budgetSeconds, (now() - began) / 1000, probeRule(limits, o.holdSeconds));
  const doc = { schema: 'loadctl/find-limit', version: 1, profile: profile.name, scenario: profile.scenario, holdSeconds: o.holdSeconds, limits, ...outcome };
  const json = `${JSON.stringify(doc, null, 2)}\n`;
  await writeFile(join(dir, 'find-limit.json'), json);
  const exitCode = stop === 'interrupted' ? 4 : outcome.limit === null ? 1 : 0;
  return { outcome, limits, dir, json, exitCode };
}

async function pause(ms: number, stopped: () => boolean): Promise<void> {
  const until = Date.now() + ms;
  while (Date.now() < until && !stopped()) await new Promise((r) => setTimeout(r, Math.min(250, until - Date.now())));
}

function probeLine(n: number, p: Probe): string {
  const figures = `${rateText(p.requestRate)}, p99 ${msText(p.p99)}, ${percentText(p.errorRate)} errors`;
  return p.verdict === 'held'
    ? `probe ${n}: ${p.rate} iterations/s held (${figures})`
    : `probe ${n}: ${p.rate} iterations/s broke${p.brokeAfterSeconds !== null ? ` ${p.brokeAfterSeconds} s in` : ''}: ${p.reasons.join(', ')} (${figures})`;
}

interface ProbeRun {
  o: FindLimitOptions;
  spec: Record<string, unknown>;
  dir: string;
  profileName: string;
  rate: number;
  limits: CapacityLimits;
  iterationSeconds: number;
  signals: EventEmitter;
  probeUi: Ui;
  events: RunEvents;
  index: number;
}

async function runProbe(r: ProbeRun): Promise<{ probe: Probe; iterationMs: number | null }> {
  const vus = probeVus(r.rate, r.iterationSeconds, r.limits.p99Ms, Math.min(bounds.vus.max, r.o.maxVus ?? bounds.vus.max));
  const grace = Math.ceil(r.limits.p99Ms / 1000) + 1;
  const file = join(r.dir, `${r.profileName}-at-${r.rate}.yaml`);
  const spec = { ...r.spec, executor: 'constant-arrival-rate', rate: r.rate, timeUnit: '1s', duration: `${r.o.holdSeconds}s`, preAllocatedVUs: vus, maxVUs: vus, gracefulStop: `${grace}s` };
  // JSON is YAML: the probe's profile is the user's, with the executor replaced.
  await writeFile(file, `${JSON.stringify(spec, null, 2)}\n`);
  const judge = liveJudge(r.limits);
  let stoppedEarly = false;
  const { runTest } = await import('./run.ts');
  const { request } = r.o;
  const { overrides } = request.source;
  // A probe is a plain run of the probe's profile: gates, invariants and chaos are not part of the search.
  const result = await runTest({
    source: { kind: 'profile', profile: file, overrides: { baseUrl: overrides.baseUrl, env: overrides.env } },
    cwd: request.cwd, outDir: request.outDir, ...(request.k6Path !== undefined ? { k6Path: request.k6Path } : {}),
    dryRun: request.dryRun, typeCheck: request.typeCheck !== false, extraArgs: request.extraArgs,
    ...(request.outputs ? { outputs: request.outputs } : {}), ...(request.k6Env ? { k6Env: request.k6Env } : {}), processEnv: request.processEnv,
    signals: r.signals, preflight: request.preflight && r.index === 1,
    live: true, record: false, interactive: false, quiet: true,
    onSecond: (s) => {
      if (stoppedEarly || !judge.second(s.total)) return;
      // The live feed decides: a window of bad seconds ends the probe now, not at its planned end.
      stoppedEarly = true;
      r.signals.emit('SIGINT', 'SIGINT');
    },
  }, { events: r.events, ui: r.probeUi });
  if (result.kind !== 'ran') throw new Error('a probe ran as a dry run');
  const { timeline } = result;
  const metric = (key: string) => result.report.results?.metrics[key];
  const iterations = result.report.results ? metric('iterations')?.raw.count ?? 0 : null;
  const dropped = result.report.results ? metric('dropped_iterations')?.raw.count ?? 0 : null;
  const probe = judgeProbe({
    rate: r.rate, seconds: timeline?.total ?? [], holdSeconds: r.o.holdSeconds, limits: r.limits, iterations, dropped, stoppedEarly,
  });
  return { probe: { ...probe, k6Seconds: Math.round(result.report.k6.durationMs / 100) / 10, runDir: result.runDir }, iterationMs: metric('iteration_duration')?.stats.avg ?? null };
}
