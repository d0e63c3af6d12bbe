// After the load: the timeline, the phases and the recovery verdict go into
// the run folder (timeline.json, result.json, report.html); the outcome is
// decided once, by decideRunOutcome, from the load's facts and each feature's say.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Ui } from '../ui.ts';
import type { PipelineResult } from '../run/pipeline.ts';
import type { Timeline } from '../live/types.ts';
import type { RecoveryTargets } from '../live/phases.ts';
import type { RunReport } from '../report/model.ts';
import type { ChaosOutcome } from './chaos.ts';
import { decideRunOutcome, type Say } from '../run/decide.ts';
import { writeResultDocument } from '../shared/run-folder.ts';

export interface FinishInput {
  result: Extract<PipelineResult, { kind: 'ran' }>;
  /** The timeline used for the phases; undefined when no feed had data. */
  timeline: Timeline | undefined;
  source: 'remote-write' | 'ndjson' | null;
  /** Remote-write pushes received; null when the feed was off. */
  pushes: number | null;
  /** Set when --chaos was given (undefined chaos = the experiment never started to run). */
  experiment?: string;
  chaos: ChaosOutcome | undefined;
  /** The load was stopped early by a failure (a runner died), so users had no load to recover under. */
  loadStopped?: boolean;
  /** The --recovery settings; the defaults when unset. */
  recoveryTargets?: RecoveryTargets;
  ui: Ui;
  now?: () => Date;
  /** The profile and k6's start, for the capacity of a staged profile's steps. */
  capacity?: { profile: import('../profiles/types.ts').ResolvedProfile; startedAt: number; flag?: string };
  /** Prometheus gates checked before the load, to judge now. */
  gates?: import('../prometheus/in-run.ts').PreparedGates | null;
  /** What the live gates saw, and whether one stopped the run. */
  liveGates?: import('./live-gates.ts').LiveGatesOutcome;
  /** Invariants read before the load, to read again and judge now. */
  invariants?: import('../invariants/in-run.ts').PreparedInvariants | null;
  /** What --prometheus-rw forwarded (never part of the verdict). */
  forward?: import('../live/forward.ts').ForwardStats;
}

/** A finished run as the use case reads it: the pipeline's report plus what the run folder got. */
export type LiveRunResult =
  | Extract<PipelineResult, { kind: 'dry-run' }>
  | {
    kind: 'ran'; runDir: string; report: RunReport; resultJson: string; document: Record<string, unknown>; timeline?: Timeline;
    /** Phases and users' recovery, when a chaos experiment ran under this load. */
    phases?: import('../report/result-phases.ts').PhasesBlock;
    /** The Prometheus gates' verdicts, when a Prometheus was given. */
    prometheus?: import('../prometheus/in-run.ts').PrometheusDoc;
    /** The invariants' verdicts, when any were declared. */
    invariants?: import('../invariants/in-run.ts').InvariantsDoc;
    /** Where a staged profile's steps broke, when it has steps. */
    capacity?: import('../capacity/analyse.ts').CapacityBlock;
  };

export async function finishRunFolder(input: FinishInput): Promise<LiveRunResult> {
  const { result, timeline, ui } = input;
  const [{ toResultDocument }, { analyseChaosRun, phasesBlock }] = await Promise.all([
    import('../report/json.ts'), import('../report/result-phases.ts'),
  ]);
  if (timeline) await writeFile(join(result.runDir, 'timeline.json'), `${JSON.stringify(timeline)}\n`);

  let report: RunReport = result.report;
  let analysis = null;
  // A live gate's own SIGINT is not the user's: the run failed on that gate (exit 1), named.
  const stoppedBy = input.liveGates?.reason && !input.liveGates.userInterrupted ? input.liveGates.reason : undefined;
  const says: Say[] = stoppedBy ? [{ kind: 'stopped-by', reason: stoppedBy }] : [];
  if (input.experiment !== undefined) {
    const chaos = input.chaos ?? { ran: false as const, experiment: input.experiment, reason: 'k6 never started' };
    let noRecoveryReason: string | undefined;
    if (chaos.ran && chaos.full) {
      analysis = timeline ? analyseChaosRun(timeline, chaos.full, input.recoveryTargets) : null;
      if (analysis && stoppedBy) {
        // The gate ended the load with the rollback: there was no time left to see users recover.
        const { notJudged } = await import('../live/phases.ts');
        analysis = { ...analysis, recovery: notJudged(analysis.recovery, 'the live gate stopped the load when the fault was rolled back') };
      }
      if (!timeline) noRecoveryReason = 'the live feed had no data; add --record for an exact timeline';
      else if (!analysis) noRecoveryReason = 'no fault window: nothing was injected';
    }
    says.push({ kind: 'chaos', chaos: {
      chaos, recovery: analysis?.recovery ?? null, ...(noRecoveryReason ? { noRecoveryReason } : {}), loadStopped: input.loadStopped === true,
      ...(stoppedBy ? { stoppedBy: `Prometheus gate "${input.liveGates?.doc.abort?.gate}"` } : {}),
    } });
    if (analysis) {
      const { phasesText } = await import('../report/phases-table.ts');
      ui.result(phasesText({ phases: analysis.phases, phasesBySeries: analysis.bySeries }));
      const r = analysis.recovery;
      const container = r.containerRecoverySeconds === null ? 'no probe figure' : `containers ${r.containerRecoverySeconds} s`;
      const gap = r.gapSeconds === null ? '' : `, gap ${r.gapSeconds} s`;
      ui.result(r.verdict === 'not-judged'
        ? `recovery: ${r.reason}`
        : `recovery: users ${r.userRecoverySeconds === null ? 'never' : `${r.userRecoverySeconds} s`} (${container}${gap}); ${r.verdict.toUpperCase()}: ${r.reason}`);
    }
  }

  let prometheus: import('../prometheus/in-run.ts').PrometheusDoc | undefined;
  if (input.gates) {
    const [{ judgeRunGates, gateProblems }, { gateLines }] = await Promise.all([
      import('../prometheus/in-run.ts'), import('../prometheus/render.ts'),
    ]);
    const live = input.liveGates ? { ...input.liveGates.doc, reason: input.liveGates.reason } : undefined;
    prometheus = await judgeRunGates(input.gates, { timeline, report, phases: analysis?.phases ?? null, runDir: result.runDir, ...(live ? { live } : {}) });
    says.push({ kind: 'problems', problems: gateProblems(prometheus) });
    for (const line of gateLines(prometheus)) ui.result(line);
  }
  let invariants: import('../invariants/in-run.ts').InvariantsDoc | undefined;
  if (input.invariants) {
    const [{ judgeInvariants, invariantProblems }, { invariantLines }] = await Promise.all([
      import('../invariants/in-run.ts'), import('../invariants/render.ts'),
    ]);
    invariants = await judgeInvariants(input.invariants, report.results, result.runDir);
    says.push({ kind: 'problems', problems: invariantProblems(invariants) });
    for (const line of invariantLines(invariants)) ui.result(line);
  }

  const { capacityOf } = await import('../capacity/in-run.ts');
  const capacity = input.capacity ? capacityOf(input.capacity.profile, timeline, input.capacity.startedAt, input.capacity) : undefined;
  const fw = input.forward;
  if (fw && (fw.failed > 0 || fw.dropped > 0)) {
    ui.warn(`--prometheus-rw ${fw.url}: ${fw.forwarded} bodies forwarded, ${fw.failed} failed, ${fw.dropped} dropped${fw.lastError ? ` (last: ${fw.lastError})` : ''}; the verdict does not depend on it`);
  }

  report = { ...report, outcome: decideRunOutcome(result.facts, says) };
  const base = toResultDocument(report);
  const extra = {
    live: { source: input.source, pushes: input.pushes, seconds: timeline?.total.length ?? 0 },
    ...(input.forward ? { forward: input.forward } : {}),
    ...(input.experiment !== undefined ? { chaos: chaosSummary(input.experiment, input.chaos) } : {}),
  };
  const phases = analysis ? phasesBlock(analysis) : undefined;
  const doc = { ...base, ...(capacity ? { capacity } : {}), ...extra, ...phases, ...(prometheus ? { prometheus } : {}), ...(invariants ? { invariants } : {}) };
  const resultJson = await writeResultDocument(result.runDir, doc);

  try {
    const { writeHtmlReport } = await import('../report/html-file.ts');
    await writeHtmlReport(result.runDir, (input.now ?? (() => new Date()))());
  } catch (error) {
    // The verdict stands without the pictures; say why they are missing.
    ui.warn(`report.html was not written: ${(error as Error).message}`);
  }
  return { kind: 'ran', runDir: result.runDir, report, resultJson, document: doc, ...(timeline ? { timeline } : {}), ...(phases ? { phases } : {}), ...(prometheus ? { prometheus } : {}), ...(invariants ? { invariants } : {}), ...(capacity ? { capacity } : {}) };
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
