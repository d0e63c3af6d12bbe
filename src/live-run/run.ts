// `loadctl run` with its live feed, and with --chaos an experiment under the
// load: the remote-write receiver is started before k6, the experiment is
// started from k6's spawn and injected once the load is steady (or at --at),
// k6 keeps running through the recovery, and afterwards the run folder gets
// timeline.json, the chaos files, the phases in result.json and report.html.
// The pipeline (src/run/pipeline.ts) is used unchanged; this wraps it.
import { rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { InterruptedError, UsageError } from '../errors.ts';
import { claimSignals } from '../shared/signals.ts';
import { defaultRecoveryTargets } from '../live/phases.ts';
import type { Ui } from '../ui.ts';
import type { PipelineResult, RunEvents, RunPipelineOptions } from '../run/pipeline.ts';
import type { Timeline } from '../live/types.ts';
import type { TimelineEvent } from '../chaos/engine-types.ts';
import { formatK6Exit } from '../k6/exit-codes.ts';
import { stoppedBeforeLoad } from '../verdict/outcome.ts';
import { baselineHint, userCountOf } from '../verdict/hints.ts';
import { confirmChaos, faultSeconds, prepareChaos, runChaosUnderLoad, writeChaosFiles, type ChaosOutcome, type ChaosRequest, type PreparedChaos } from './chaos.ts';
import { createLiveDisplay } from './display.ts';
import { liveGatesInfo, liveGatesRun } from './live-gates.ts';
import { secondsWithRequests, startLiveFeed, type LiveFeed } from './live.ts';
import { finishRunFolder, type LiveRunResult } from './finish.ts';
import { runnersOption } from './runners.ts';
import { runnersExecutor } from '../runners/stage.ts';
import { checkFit, holdStartSeconds, plannedLoadSeconds, steadyDeadlineSeconds } from './schedule.ts';

export interface LiveRunOptions {
  pipeline: RunPipelineOptions;
  /** The remote-write live feed (default on; --no-live turns it off). */
  live: boolean;
  /** Also have k6 write its exact NDJSON record (--record), read into the timeline afterwards. */
  record: boolean;
  chaos?: ChaosRequest;
  /** --prometheus: gates are judged there after the load (LOADCTL_PROMETHEUS and the profile's prometheus.url otherwise). */
  prometheus?: string;
  /** --prometheus-abort: every gate is judged live too, and stops the run when it keeps failing. */
  prometheusAbort?: boolean;
  /** --prometheus-rw: forward k6's remote-write and loadctl's markers here (env LOADCTL_PROMETHEUS_RW). */
  prometheusRw?: string;
  /** --invariant: shipped invariants to check before the load and after recovery. */
  invariants?: string[];
  /** Each finished second of the live feed, as it comes (the --find-limit probes decide on it). */
  onSecond?: (second: import('../live/timeline.ts').LiveSecond) => void;
  /** --capacity settings for a staged profile's steps (checked already). */
  capacity?: string;
  /** stdin is a terminal (a human can confirm the experiment). */
  interactive: boolean;
  quiet: boolean;
  /** Split the test over N k6 runners (--runners N), locally or in Docker containers. */
  runners?: import('../runners/placements.ts').RunnersRequestOptions;
}

interface Plan {
  prepared: PreparedChaos;
  /** The profile's environment (BASE_URL, USER_COUNT), for the baseline hint. */
  env: Readonly<Record<string, string | undefined>>;
  eventLine: (event: TimelineEvent, startedAt: number) => string | null;
  holdStart: number;
  loadSeconds: number | null;
}

export async function runLive(o: LiveRunOptions, baseEvents: RunEvents, ui: Ui): Promise<LiveRunResult> {
  if (o.runners) {
    const { checkRunnersOptions } = await import('../runners/placements.ts');
    checkRunnersOptions(o.runners, { live: o.live, record: o.record });
  }
  const plan = o.chaos ? await planChaos(o, o.chaos, ui) : undefined;
  if (o.pipeline.dryRun) {
    const { runPipeline } = await import('../run/pipeline.ts');
    const result = await runPipeline(o.pipeline, baseEvents);
    if (result.kind !== 'dry-run') throw new Error('a dry run ran k6');
    if (plan) ui.result(`${plan.prepared.planText}\n(dry run: no container was changed)`);
    return result;
  }
  if (plan && !(await confirmChaos(plan.prepared, { yes: o.chaos?.yes ?? false, interactive: o.interactive, profile: o.pipeline.profile }, (t) => ui.result(t)))) {
    throw new InterruptedError('not confirmed: nothing was started', { hint: 'answer y, or pass --yes' });
  }

  let k6StartedAt: number | undefined;
  let k6Pid: number | undefined;
  let loadEnded = false;
  let runDir: string | undefined;
  const display = createLiveDisplay(ui, baseEvents, { quiet: o.quiet, startedAt: () => k6StartedAt });
  const { startTracker } = await import('../capacity/in-run.ts');
  const testStart = startTracker();
  let resolved: import('../profiles/types.ts').ResolvedProfile | undefined;
  // Runners in containers need the receiver on their networks' gateways, so the placement comes first.
  const placement = o.runners ? await (await import('../runners/placements.ts')).createPlacement(o.runners) : undefined;
  const rwUrl = o.prometheusRw ?? (o.pipeline.processEnv.LOADCTL_PROMETHEUS_RW || undefined);
  const forward = rwUrl && o.live && !o.pipeline.dryRun
    ? (await import('./forward.ts')).startRunForward(rwUrl, { profile: o.pipeline.profile, ...(plan ? { experiment: plan.prepared.experiment.name } : {}), warn: (line) => display.note(line) })
    : undefined;
  const feed: LiveFeed | undefined = o.live
    ? await startLiveFeed({
      ...(forward ? { onPush: forward.onPush } : {}),
      onSecond: (s) => { display.second(s); o.onSecond?.(s); liveGates.second(s.total); },
      onRejected: (reason) => ui.warn(`live feed: refused a push from k6 (${reason})`),
    }, placement?.receiverHosts).catch(async (error: unknown) => { await placement?.close(); throw error; })
    : undefined;
  const recordTmp = o.record ? join(o.pipeline.outDir, `.k6-record-${process.pid}-${Date.now()}.ndjson.gz`) : undefined;

  const controller = new AbortController();
  // A runner failed: the load is going, so holding a fault under it would measure nothing.
  const loadStopped = new AbortController();
  // Runners listen for SIGINT/SIGTERM themselves; a hang-up reaches them through this.
  const hangUp = new AbortController();
  const liveGates = liveGatesRun({
    base: o.pipeline.signals ?? process, chaos: plan !== undefined, feed: feed !== undefined,
    recovery: o.chaos?.recovery ?? defaultRecoveryTargets,
    abortChaos: () => controller.abort(), note: (line) => display.note(line), warn: (line) => display.note(line),
  });
  let signals = 0;
  const onSignal = (name: NodeJS.Signals) => {
    signals += 1;
    if (signals === 1) {
      display.note(`${name}: rolling back every fault first (Ctrl-C again will not skip the rollback)`);
      controller.abort();
      // k6 gets SIGINT/SIGTERM from the runner; a hang-up it would never see.
      if (name === 'SIGHUP' && k6Pid !== undefined && !loadEnded) {
        try { process.kill(k6Pid, 'SIGINT'); } catch { /* k6 already gone */ }
      }
      if (name === 'SIGHUP') hangUp.abort();
    }
  };
  const handled: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];
  let releaseSignals = () => {};
  let chaosRun: Promise<ChaosOutcome> | undefined;
  const events: RunEvents = {
    ...display.events,
    onProfile: (p) => { resolved = p; display.events.onProfile?.(p); },
    onProgress: (p, scenarios) => { testStart.progress(Date.now(), p.elapsedMs); display.events.onProgress?.(p, scenarios); },
    onRunDir: (dir) => { runDir = dir; display.events.onRunDir?.(dir); },
    // The gate's own stop was said already, with its reason; "Ctrl-C again to force" is not for it.
    onSignal: (signal, as) => { if (!liveGates.delivering()) display.events.onSignal?.(signal, as); },
    onSpawn: (pid) => {
      k6StartedAt = Date.now();
      k6Pid = pid;
      display.events.onSpawn?.(pid);
      forward?.started();
      void liveGates.start(k6StartedAt, gates);
      if (!plan) return;
      // From here on a Ctrl-C must roll back, not kill loadctl.
      for (const s of handled) process.on(s, onSignal);
      releaseSignals = claimSignals();
      chaosRun = runChaosUnderLoad(plan.prepared, {
        at: o.chaos!.at, k6StartedAt, holdStartSeconds: plan.holdStart,
        steadyDeadlineSeconds: steadyDeadlineSeconds(plan.holdStart, plan.loadSeconds, faultSeconds(plan.prepared.experiment)),
        recent: () => feed?.recent() ?? [], loadEnded: () => loadEnded, signal: controller.signal, endHold: loadStopped.signal,
      }, o.pipeline.cwd, {
        onTrigger: (why) => {
          // Said before the fault: afterwards nobody could tell its errors from the baseline's.
          const failing = baselineHint(feed?.recentSeconds().slice(-10) ?? [], {
            maxErrorRate: (o.chaos!.recovery ?? defaultRecoveryTargets).maxErrorRate, userCount: userCountOf(plan.env), baseUrl: plan.env.BASE_URL,
          });
          if (failing) display.note(`chaos: ${failing}`);
          display.note(`chaos: ${why}; starting ${plan.prepared.experiment.name}`);
        },
        onEvent: (event) => {
          liveGates.chaosEvent(event);
          if (event.type === 'injected') { display.setChaosActive(true); forward?.fault(true); }
          if (event.type === 'rolled-back') forward?.fault(false);
          // Users lag the probes; keep per-second lines a little past the containers' recovery.
          if (event.type === 'recovered' || event.type === 'not-recovered') setTimeout(() => display.setChaosActive(false), 15_000).unref();
          if (event.type === 'probe-round') return;
          const line = plan.eventLine(event, k6StartedAt ?? event.at);
          if (line) display.note(`chaos ${line}`);
        },
      });
    },
  };

  let result: PipelineResult;
  let returned = false;
  let chaos: ChaosOutcome | undefined;
  let timeline: Timeline | undefined;
  let gates: import('../prometheus/in-run.ts').PreparedGates | null = null;
  let invariants: import('../invariants/in-run.ts').PreparedInvariants | null = null;
  let forwarded: import('../live/forward.ts').ForwardStats | undefined;
  let liveOutcome: import('./live-gates.ts').LiveGatesOutcome | null = null;
  try {
    const { runPipeline } = await import('../run/pipeline.ts');
    result = await runPipeline({
      ...o.pipeline,
      beforeLoad: async (profile) => {
        await o.pipeline.beforeLoad?.(profile);
        const { prepareGates } = await import('../prometheus/in-run.ts');
        gates = await prepareGates({
          flag: o.prometheus, env: o.pipeline.processEnv.LOADCTL_PROMETHEUS, profile: profile.prometheus, experiment: plan?.prepared.experiment.prometheus,
          ...(o.prometheusAbort ? { abortAll: true } : {}),
        });
        if (!gates && o.prometheusAbort) {
          throw new UsageError('--prometheus-abort judges gates live, but no Prometheus was given', { hint: 'add --prometheus URL (or LOADCTL_PROMETHEUS, or prometheus.url in the profile), or drop --prometheus-abort' });
        }
        if (gates) ui.info(`Prometheus ${gates.client.url} answered; ${gates.settings.gates.length} gate(s) to judge after the load${liveGatesInfo(gates)}`);
        const { prepareInvariants } = await import('../invariants/in-run.ts');
        invariants = await prepareInvariants(
          [...(o.invariants ?? []), ...(profile.invariants ?? []), ...(plan?.prepared.experiment.invariants ?? [])],
          { ...o.pipeline.processEnv, ...profile.env }, gates?.client ?? null, { scenarioFile: profile.scenarioFile },
        );
        if (invariants) ui.info(`invariants read before the load: ${invariants.checks.map((c) => `${c.spec.name}${c.skipped ? ' (skipped)' : ''}`).join('; ')}`);
      },
      outputs: [...o.pipeline.outputs, ...(feed?.outputs ?? []), ...(recordTmp ? [`json=${recordTmp}`] : [])],
      k6Env: { ...o.pipeline.k6Env, ...(feed?.env ?? {}) },
      ...(feed ? { k6EnvFor: feed.envFor } : {}),
      ...(placement && feed ? {
        executor: runnersExecutor(runnersOption({
          count: o.runners!.count, placement, feed, events, note: (line) => display.note(line), stop: hangUp.signal,
          onFailure: (reason) => {
            if (chaosRun && !loadStopped.signal.aborted) display.note('chaos: the load is being stopped; any fault still held is rolled back now');
            loadStopped.abort(reason);
          },
        })),
      } : {}),
      signals: liveGates.signals,
    }, events);
    returned = true;
  } finally {
    loadEnded = true;
    liveOutcome = await liveGates.stop();
    display.stop();
    if (chaosRun) {
      let settled = false;
      void chaosRun.finally(() => { settled = true; });
      await Promise.resolve();
      if (!settled && !controller.signal.aborted) display.note('load finished before the experiment did; waiting for its rollback and recovery probes');
      chaos = await chaosRun;
    }
    for (const s of handled) process.off(s, onSignal);
    releaseSignals();
    await placement?.close();
    timeline = await feed?.close();
    forwarded = await forward?.finish();
    // A failed start leaves no half-written record outside any run folder.
    if (!returned && recordTmp) await rm(recordTmp, { force: true });
  }
  if (result.kind !== 'ran') throw new Error('the pipeline made a dry run of a real run');
  // In plain output the view's own spinner line already said it.
  if (ui.interactive) ui.info(formatK6Exit(result.report.k6.exitCode, result.report.k6.signal));

  let source: 'remote-write' | 'ndjson' | null = timeline && secondsWithRequests(timeline) > 0 ? 'remote-write' : null;
  // A k6 that refused its script or command line never sent anything: the feed is not the news.
  // Nor is it for a script that made no HTTP request: there was nothing to time.
  const madeRequests = result.report.results === undefined || (result.report.results.http.requests ?? 0) > 0;
  if (feed && source === null && madeRequests && !stoppedBeforeLoad(result.report.outcome, result.report.results !== undefined)) {
    ui.warn('live feed: k6 pushed no request data to loadctl\'s remote-write receiver (a k6 without experimental-prometheus-rw, or it could not reach 127.0.0.1); the verdict still comes from k6\'s summary, but there is no timeline (add --record for the exact NDJSON one)');
  }
  if (recordTmp) {
    const recorded = join(result.runDir, 'k6-record.ndjson.gz');
    const moved = await rename(recordTmp, recorded).then(() => true, () => false);
    if (moved) {
      const { aggregateNdjsonFile } = await import('../live/ndjson.ts');
      const exact = await aggregateNdjsonFile(recorded);
      if (secondsWithRequests(exact.timeline) > 0) {
        // The exact record wins for the phases; the live one is kept beside it.
        if (timeline && source) await writeFile(join(result.runDir, 'timeline-live.json'), `${JSON.stringify(timeline)}\n`);
        timeline = exact.timeline;
        source = 'ndjson';
      }
    } else {
      ui.warn('--record: k6 wrote no NDJSON record');
    }
  }
  if (plan) await writeChaosFiles(result.runDir, plan.prepared, chaos?.full, o.pipeline.cwd);
  return finishRunFolder({
    result, timeline: source ? timeline : undefined, source, pushes: feed?.pushes() ?? null, chaos, ui,
    experiment: plan?.prepared.experiment.name,
    loadStopped: loadStopped.signal.aborted,
    ...(o.chaos?.recovery ? { recoveryTargets: o.chaos.recovery } : {}),
    gates,
    ...(liveOutcome ? { liveGates: liveOutcome } : {}),
    invariants,
    ...(resolved ? { capacity: { profile: resolved, startedAt: testStart.startedAt(k6StartedAt ?? Date.now()), ...(o.capacity !== undefined ? { flag: o.capacity } : {}) } } : {}),
    ...(forwarded ? { forward: forwarded } : {}),
  });
}

async function planChaos(o: LiveRunOptions, req: ChaosRequest, ui: Ui): Promise<Plan> {
  if (!o.live && !o.record) {
    throw new UsageError('--chaos needs per-second data to measure recovery, but --no-live was given without --record', { hint: 'drop --no-live, or add --record' });
  }
  const { loadRunProfile } = await import('../script/load.ts');
  const profile = await loadRunProfile(o.pipeline);
  const prepared = await prepareChaos(req, { cwd: o.pipeline.cwd, vars: { ...o.pipeline.processEnv, ...profile.env } });
  const holdStart = holdStartSeconds(profile.k6Options);
  const loadSeconds = plannedLoadSeconds(profile.k6Options);
  const fit = checkFit({
    at: req.at, holdStartSeconds: holdStart, loadSeconds, faultSeconds: faultSeconds(prepared.experiment),
    recoverySeconds: (req.recovery ?? defaultRecoveryTargets).consecutiveSeconds,
  });
  if (fit.error) throw new UsageError(fit.error, { hint: `pick an earlier --at, or a longer profile (loadctl list)` });
  if (fit.warning) ui.warn(fit.warning);
  const { eventLine } = await import('../chaos/render.ts');
  return { prepared, eventLine, holdStart, loadSeconds, env: profile.env };
}

