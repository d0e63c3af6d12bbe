// The phases and recovery figures in the --json result document (and the run
// folder's result.json). Additive and optional: the document keeps
// `"version": 1`, and gains top-level `phases`, `phasesBySeries` and `recovery` only when a chaos
// experiment ran under load. See docs/result-json-phases.md.
import type { ChaosResult } from '../chaos/engine-types.ts';
import { analysePhases, type PhaseAnalysis, type PhaseStats, type RecoveryFigures, type RecoveryTargets } from '../live/phases.ts';
import type { Timeline } from '../live/types.ts';
import { faultWindowFromChaos } from './chaos-events.ts';

export interface RecoveryBlock extends RecoveryFigures {
  /** The targets the figures were judged against. */
  targets: RecoveryTargets;
}

export interface PhasesBlock {
  phases: PhaseStats[];
  /** The same four phases per endpoint tag ("name:book") and scenario ("scenario:browse"). */
  phasesBySeries: Record<string, PhaseStats[]>;
  recovery: RecoveryBlock;
}

/** The block to merge into the result document. */
export function phasesBlock(analysis: PhaseAnalysis): PhasesBlock {
  return { phases: analysis.phases, phasesBySeries: analysis.bySeries, recovery: { ...analysis.recovery, targets: analysis.targets } };
}

/**
 * Returns a copy of the result document with `phases` and `recovery` added.
 * Pure; the caller (the run command) writes it out. A failed recovery does
 * not rewrite the document's own verdict: the caller decides that, so the
 * exit code stays decided in one place.
 */
export function withPhases<T extends object>(doc: T, analysis: PhaseAnalysis): T & PhasesBlock {
  return { ...doc, ...phasesBlock(analysis) };
}

/**
 * The glue for `loadctl run --chaos`: the live feed's timeline and the chaos
 * engine's result in, the analysis out (null when nothing was injected or
 * rolled back, e.g. the steady state failed). Then `withPhases(doc, analysis)`.
 */
export function analyseChaosRun(
  timeline: Timeline,
  chaos: Pick<ChaosResult, 'experiment' | 'timeline'>,
  targets?: RecoveryTargets,
): PhaseAnalysis | null {
  const fault = faultWindowFromChaos(chaos);
  return fault ? analysePhases(timeline, fault, targets) : null;
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const isNum = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const isNumOrNull = (v: unknown) => v === null || isNum(v);

function isPhase(v: unknown): v is PhaseStats {
  return isObj(v) && typeof v.phase === 'string' && isNum(v.from) && isNum(v.to) && isNum(v.requests)
    && isNum(v.errorRate) && isNumOrNull(v.p95) && isNumOrNull(v.p99) && typeof v.verdict === 'string';
}

function isRecovery(v: unknown): v is RecoveryBlock {
  return isObj(v) && isNum(v.injectedAt) && isNum(v.rolledBackAt) && typeof v.recovered === 'boolean'
    && isNumOrNull(v.userRecoverySeconds) && isNumOrNull(v.containerRecoverySeconds) && isNumOrNull(v.gapSeconds)
    && (v.verdict === 'pass' || v.verdict === 'fail' || v.verdict === 'not-judged') && isObj(v.targets);
}

/** Reads the block back from a result document; null when absent or malformed. */
export function parsePhasesBlock(doc: unknown): PhasesBlock | null {
  if (!isObj(doc) || !Array.isArray(doc.phases) || !isRecovery(doc.recovery)) return null;
  if (!doc.phases.every(isPhase)) return null;
  const bySeries: Record<string, PhaseStats[]> = {};
  if (isObj(doc.phasesBySeries)) {
    for (const [key, list] of Object.entries(doc.phasesBySeries)) {
      if (Array.isArray(list) && list.every(isPhase)) bySeries[key] = list as PhaseStats[];
    }
  }
  return { phases: doc.phases as PhaseStats[], phasesBySeries: bySeries, recovery: doc.recovery };
}
