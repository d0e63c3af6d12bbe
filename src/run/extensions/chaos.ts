// --chaos as a run extension: the experiment is planned and consented to
// before anything starts, injected once the load is steady (or at --at),
// rolled back on Ctrl-C, a hang-up, a live gate's stop or a runner's failure,
// and judged on users' recovery in the live timeline. The engine's
// guarantees (journal, watchdog, rollback) are the chaos engine's, unchanged.
import { InterruptedError, UsageError } from '../../errors.ts';
import { claimSignals } from '../../shared/signals.ts';
import { defaultRecoveryTargets, notJudged } from '../../live/phases.ts';
import { loadRunProfile } from '../../script/load.ts';
import { eventLine } from '../../chaos/render.ts';
import { analyseChaosRun, phasesBlock } from '../../report/result-phases.ts';
import { phasesText } from '../../report/phases-table.ts';
import { baselineHint, userCountOf } from '../../verdict/hints.ts';
import { confirmChaos, faultSeconds, prepareChaos, runChaosUnderLoad, writeChaosFiles, type ChaosOutcome } from '../../live-run/chaos.ts';
import { checkFit, holdStartSeconds, plannedLoadSeconds, steadyDeadlineSeconds } from '../../live-run/schedule.ts';
import type { RunExtension } from '../extension.ts';

const handled: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];

export const chaosExtension: RunExtension = {
  name: 'chaos',
  async open(host) {
    const o = host.request;
    const req = o.chaos;
    if (!req) return null;
    if (!o.live && !o.record) {
      throw new UsageError('--chaos needs per-second data to measure recovery, but --no-live was given without --record', { hint: 'drop --no-live, or add --record' });
    }
    const { pipeline } = o;
    const profile = await loadRunProfile(pipeline);
    const prepared = await prepareChaos(req, { cwd: pipeline.cwd, vars: { ...pipeline.processEnv, ...profile.env } });
    const holdStart = holdStartSeconds(profile.k6Options);
    const loadSeconds = plannedLoadSeconds(profile.k6Options);
    const recovery = req.recovery ?? defaultRecoveryTargets;
    const fit = checkFit({ at: req.at, holdStartSeconds: holdStart, loadSeconds, faultSeconds: faultSeconds(prepared.experiment), recoverySeconds: recovery.consecutiveSeconds });
    if (fit.error) throw new UsageError(fit.error, { hint: `pick an earlier --at, or a longer profile (loadctl list)` });
    if (fit.warning) host.ui.warn(fit.warning);
    host.shared.experiment = prepared.experiment;

    const controller = new AbortController();
    host.shared.abortFaults = () => controller.abort();
    let run: Promise<ChaosOutcome> | undefined;
    let outcome: ChaosOutcome | undefined;
    let startedAt: number | undefined;
    let pid: number | undefined;
    let signals = 0;
    let release = () => {};
    const onSignal = (name: NodeJS.Signals) => {
      signals += 1;
      if (signals > 1) return;
      host.note(`${name}: rolling back every fault first (Ctrl-C again will not skip the rollback)`);
      controller.abort();
      if (name !== 'SIGHUP') return;
      // k6 gets SIGINT/SIGTERM from the runner; a hang-up it would never see.
      if (pid !== undefined && !host.loadEnded()) {
        try { process.kill(pid, 'SIGINT'); } catch { /* k6 already gone */ }
      }
      host.hangUp();
    };
    return {
      dryRun: () => `${prepared.planText}\n(dry run: no container was changed)`,
      async confirm() {
        if (await confirmChaos(prepared, { yes: req.yes, interactive: o.interactive, profile: pipeline.profile }, (t) => host.ui.result(t))) return;
        throw new InterruptedError('not confirmed: nothing was started', { hint: 'answer y, or pass --yes' });
      },
      onStart(at, k6Pid) {
        startedAt = at;
        pid = k6Pid;
        // From here on a Ctrl-C must roll back, not kill loadctl.
        for (const s of handled) process.on(s, onSignal);
        release = claimSignals();
        host.loadStopped.addEventListener('abort', () => host.note('chaos: the load is being stopped; any fault still held is rolled back now'), { once: true });
        run = runChaosUnderLoad(prepared, {
          at: req.at, k6StartedAt: at, holdStartSeconds: holdStart,
          steadyDeadlineSeconds: steadyDeadlineSeconds(holdStart, loadSeconds, faultSeconds(prepared.experiment)),
          recent: host.recent, loadEnded: host.loadEnded, signal: controller.signal, endHold: host.loadStopped,
        }, pipeline.cwd, {
          onTrigger: (why) => {
            // Said before the fault: afterwards nobody could tell its errors from the baseline's.
            const failing = baselineHint(host.recentSeconds().slice(-10), { maxErrorRate: recovery.maxErrorRate, userCount: userCountOf(profile.env), baseUrl: profile.env.BASE_URL });
            if (failing) host.note(`chaos: ${failing}`);
            host.note(`chaos: ${why}; starting ${prepared.experiment.name}`);
          },
          onEvent: (event) => {
            host.emit(event);
            if (event.type === 'injected') host.setChaosActive(true);
            // Users lag the probes; keep per-second lines a little past the containers' recovery.
            if (event.type === 'recovered' || event.type === 'not-recovered') setTimeout(() => host.setChaosActive(false), 15_000).unref();
            if (event.type === 'probe-round') return;
            const line = eventLine(event, startedAt ?? event.at);
            if (line) host.note(`chaos ${line}`);
          },
        });
      },
      async afterLoad() {
        if (run) {
          let settled = false;
          void run.finally(() => { settled = true; });
          await Promise.resolve();
          if (!settled && !controller.signal.aborted) host.note('load finished before the experiment did; waiting for its rollback and recovery probes');
          outcome = await run;
        }
        for (const s of handled) process.off(s, onSignal);
        release();
      },
      async finish({ runDir, timeline }) {
        await writeChaosFiles(runDir, prepared, outcome?.full, pipeline.cwd);
        const chaos = outcome ?? { ran: false as const, experiment: prepared.experiment.name, reason: 'k6 never started' };
        const live = host.shared.liveGates;
        const stoppedBy = live?.reason && !live.userInterrupted;
        let analysis = null;
        let noRecoveryReason: string | undefined;
        if (chaos.ran && chaos.full) {
          analysis = timeline ? analyseChaosRun(timeline, chaos.full, req.recovery) : null;
          // The gate ended the load with the rollback: there was no time left to see users recover.
          if (analysis && stoppedBy) analysis = { ...analysis, recovery: notJudged(analysis.recovery, 'the live gate stopped the load when the fault was rolled back') };
          if (!timeline) noRecoveryReason = 'the live feed had no data; add --record for an exact timeline';
          else if (!analysis) noRecoveryReason = 'no fault window: nothing was injected';
        }
        host.shared.phases = analysis?.phases ?? null;
        if (analysis) {
          host.ui.result(phasesText({ phases: analysis.phases, phasesBySeries: analysis.bySeries }));
          host.ui.result(recoveryLine(analysis.recovery));
        }
        const phases = analysis ? phasesBlock(analysis) : undefined;
        return {
          say: { kind: 'chaos', chaos: {
            chaos, recovery: analysis?.recovery ?? null, ...(noRecoveryReason ? { noRecoveryReason } : {}), loadStopped: host.loadStopped.aborted,
            ...(stoppedBy ? { stoppedBy: `Prometheus gate "${live.doc.abort?.gate}"` } : {}),
          } },
          doc: { chaos: chaosSummary(prepared.experiment.name, outcome), ...phases },
          ...(phases ? { blocks: { phases } } : {}),
        };
      },
    };
  },
};

type Recovery = NonNullable<ReturnType<typeof analyseChaosRun>>['recovery'];

function recoveryLine(r: Recovery): string {
  const container = r.containerRecoverySeconds === null ? 'no probe figure' : `containers ${r.containerRecoverySeconds} s`;
  const gap = r.gapSeconds === null ? '' : `, gap ${r.gapSeconds} s`;
  return r.verdict === 'not-judged'
    ? `recovery: ${r.reason}`
    : `recovery: users ${r.userRecoverySeconds === null ? 'never' : `${r.userRecoverySeconds} s`} (${container}${gap}); ${r.verdict.toUpperCase()}: ${r.reason}`;
}

function chaosSummary(experiment: string, chaos: ChaosOutcome | undefined) {
  if (!chaos || !chaos.ran || !chaos.full) {
    return { experiment, ran: false, reason: chaos && !chaos.ran ? chaos.reason : 'k6 never started' };
  }
  const r = chaos.full;
  return {
    experiment, ran: true, runId: r.runId, status: r.status,
    injectedAt: r.timeline.injectedAt, rolledBackAt: r.timeline.rolledBackAt, probesRecoveredAt: r.timeline.recoveredAt,
    containerRecoveryMs: r.recovery.measuredMs, rollbackComplete: r.rollbackFailures.length === 0,
    error: r.error ?? null,
  };
}
