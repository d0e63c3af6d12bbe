// Turns what the chaos engine recorded (src/chaos/engine-types.ts) into the
// report's experiment timeline and fault window. Pure.
import type { ChaosResult, TimelineEvent } from '../chaos/engine-types.ts';
import type { FaultWindow } from '../live/types.ts';

/** One mark on the experiment timeline of the HTML report. */
export interface ExperimentEvent {
  /** Unix ms. */
  at: number;
  label: string;
}

const secs = (ms: number) => `${Number((ms / 1000).toFixed(3))} s`;

function label(e: TimelineEvent): string | null {
  switch (e.type) {
    case 'resolved': return `targets resolved: ${e.targets.map((t) => `${t.ref} → ${t.containers.map((c) => c.name).join(', ')}`).join('; ')}`;
    case 'steady-state': return `steady state ${e.ok ? 'held' : 'FAILED'} (${e.results.map((r) => `${r.name} ${r.ok ? 'ok' : r.detail}`).join(', ')})`;
    case 'planned': return null; // the `injected` line repeats the intent
    case 'injected': return `step ${e.step} injected: ${e.intent} (for ${secs(e.durationMs)})`;
    case 'step-failed': return `step ${e.step} failed: ${e.message}`;
    case 'interrupted': return `interrupted during ${e.phase}`;
    case 'rollback-started': return `rollback started (${e.undos} undo step${e.undos === 1 ? '' : 's'})`;
    case 'undo': return `undo ${e.spec.kind} ${e.spec.container.name}: ${e.ok ? 'ok' : `FAILED ${e.error ?? ''}`.trim()}`;
    case 'rolled-back': return e.failures === 0 ? 'rolled back' : `rolled back with ${e.failures} failed undo step(s)`;
    case 'observed': return `observed: ${Object.entries(e.observations).map(([k, v]) => `${k}=${String(v)}`).join(', ')}`;
    case 'probe-round': return `probes ${e.healthy ? 'healthy' : 'unhealthy'} (${e.results.map((r) => `${r.name} ${r.ok ? 'ok' : r.detail}`).join(', ')})`;
    case 'recovered': return `probes: containers recovered ${secs(e.recoveryMs)} after rollback`;
    case 'not-recovered': return `probes: not recovered after waiting ${secs(e.waitedMs)}`;
    default: return null;
  }
}

/** The experiment's events as timeline lines; probe rounds only when health changes (they come every second). */
export function experimentEventsFromChaos(events: readonly TimelineEvent[]): ExperimentEvent[] {
  const out: ExperimentEvent[] = [];
  let lastHealth: boolean | undefined;
  for (const e of events) {
    if (e.type === 'probe-round') {
      if (e.healthy === lastHealth) continue;
      lastHealth = e.healthy;
    }
    const text = label(e);
    if (text !== null) out.push({ at: e.at, label: text });
  }
  return out;
}

/** The fault window for the phase maths; null when nothing was injected or rolled back. */
export function faultWindowFromChaos(result: Pick<ChaosResult, 'experiment' | 'timeline'>): FaultWindow | null {
  const { injectedAt, rolledBackAt, recoveredAt } = result.timeline;
  if (injectedAt === null || rolledBackAt === null) return null;
  const fault: FaultWindow = { experiment: result.experiment, injectedAt, rolledBackAt };
  if (recoveredAt !== null) fault.probesRecoveredAt = recoveredAt;
  return fault;
}
