// Live Prometheus gates inside `loadctl run`: the marks of the run (k6's
// start, the fault's injection and rollback, users' recovery on the live
// feed) for the loop in src/prometheus/live.ts, and the one way a gate stops
// the run: the fault is rolled back (the chaos engine's abort signal) and k6
// gets one SIGINT through the signal source the pipeline listens to, exactly
// as a Ctrl-C would reach it, so k6 stops gracefully and writes its summary.
import { EventEmitter } from 'node:events';
import type { SignalSource } from '../k6/run.ts';
import type { TimelineEvent } from '../chaos/engine-types.ts';
import type { SecondStats } from '../live/types.ts';
import { isHealthySecond, type RecoveryTargets } from '../live/phases.ts';
import type { PreparedGates } from '../prometheus/in-run.ts';
import type { LiveAbort, LiveMarks } from '../prometheus/live-decide.ts';
import type { LiveGates, LiveGatesDoc } from '../prometheus/live.ts';

export interface LiveGatesOutcome {
  doc: LiveGatesDoc;
  /** The reason every output names, when a gate stopped the run. */
  reason: string | null;
  /** The user pressed Ctrl-C too: the run is interrupted (exit 4), whatever the gate did. */
  userInterrupted: boolean;
}

export interface LiveGatesRun {
  /** The pipeline's signal source: the user's signals plus the gate's own SIGINT. */
  signals: SignalSource;
  start(k6StartedAt: number, gates: PreparedGates | null): Promise<void>;
  chaosEvent(event: TimelineEvent): void;
  second(s: SecondStats): void;
  stop(): Promise<LiveGatesOutcome | null>;
  /** True while the gate's own SIGINT is being delivered (listeners run synchronously): not the user's. */
  delivering(): boolean;
}

export function liveGatesRun(o: {
  base: SignalSource;
  chaos: boolean;
  /** The live feed is on: users' recovery comes from its seconds, else from the probes. */
  feed: boolean;
  recovery: RecoveryTargets;
  /** Rolls back a running fault (or keeps one from going in). */
  abortChaos(): void;
  note(line: string): void;
  warn(line: string): void;
}): LiveGatesRun {
  const own = new EventEmitter();
  const marks: LiveMarks = { start: 0, chaos: o.chaos };
  let healthy: number[] = [];
  let loop: LiveGates | undefined;
  let reason: string | null = null;
  let userInterrupted = false;
  let delivering = false;
  const onUser = () => { userInterrupted = true; };
  o.base.on('SIGINT', onUser);
  o.base.on('SIGTERM', onUser);
  const signals: SignalSource = {
    on(event, listener) { o.base.on(event, listener); own.on(event, listener); return signals; },
    off(event, listener) { o.base.off(event, listener); own.off(event, listener); return signals; },
  };
  return {
    signals,
    async start(k6StartedAt, gates) {
      if (!gates || !gates.settings.gates.some((g) => g.abortOnFail)) return;
      marks.start = k6StartedAt / 1000;
      const [{ startLiveGates }, { abortReason }, { createPrometheusClient }] = await Promise.all([
        import('../prometheus/live.ts'), import('../prometheus/live-decide.ts'), import('../prometheus/client.ts'),
      ]);
      const { everyMs } = gates.settings.live;
      loop = startLiveGates({
        // A query may not outlast its interval by much: a hung Prometheus is then an unanswered evaluation.
        client: createPrometheusClient(gates.settings.url, { timeoutMs: Math.min(10_000, Math.max(2000, everyMs)) }), gates: gates.settings.gates, settings: gates.settings.live, marks: () => marks,
        onWarn: o.warn,
        onAbort: (abort: LiveAbort) => {
          const gate = gates.settings.gates.find((g) => g.name === abort.gate) ?? { op: '<' as const, value: 0 };
          reason = abortReason(abort, gate, marks.start);
          o.note(`${reason}: rolling back any fault and stopping k6`);
          o.abortChaos();
          delivering = true;
          try { own.emit('SIGINT'); } finally { delivering = false; }
        },
      });
    },
    chaosEvent(event) {
      if (event.type === 'injected' && marks.injectedAt === undefined) marks.injectedAt = event.at / 1000;
      if (event.type === 'rolled-back') marks.rolledBackAt = event.at / 1000;
      // Without a feed the probes are all there is to say the system is back.
      if (event.type === 'recovered' && !o.feed && marks.recoveredAt === undefined) marks.recoveredAt = event.at / 1000;
    },
    second(s) {
      // Users' recovery as the phases count it: the first of N healthy seconds after the rollback.
      if (marks.rolledBackAt === undefined || marks.recoveredAt !== undefined || s.t < Math.floor(marks.rolledBackAt)) return;
      healthy = isHealthySecond(s, o.recovery) ? [...healthy, s.t] : [];
      if (healthy.length >= o.recovery.consecutiveSeconds) marks.recoveredAt = healthy[0] as number;
    },
    delivering: () => delivering,
    async stop() {
      o.base.off('SIGINT', onUser);
      o.base.off('SIGTERM', onUser);
      if (!loop) return null;
      return { doc: await loop.stop(), reason, userInterrupted };
    },
  };
}

/** "; 1 also judged live (every 5 s; 3 failing in a row stop the run)", or nothing. */
export function liveGatesInfo(gates: PreparedGates): string {
  const live = gates.settings.gates.filter((g) => g.abortOnFail).length;
  if (live === 0) return '';
  const { everyMs, failures } = gates.settings.live;
  return `; ${live} also judged live (every ${everyMs / 1000} s; ${failures} failing in a row stop the run)`;
}
