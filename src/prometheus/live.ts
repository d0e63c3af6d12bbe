// Doing half of the live gates: while k6 runs, every `everyMs` each gate with
// abortOnFail that is judged in the phase in force gets one instant query;
// live-decide.ts says whether the run must stop. Silent: warnings and the
// abort go to callbacks; the run (src/live-run/run.ts) stops k6 and rolls the
// fault back. A Prometheus that stops answering is a warning, never an abort.
import type { PrometheusClient } from './client.ts';
import type { Gate } from './gates.ts';
import type { LiveSettings } from './config.ts';
import { classify, decideLive, liveWindow, type LiveAbort, type LiveEvaluation, type LiveMarks } from './live-decide.ts';

/** The `live` block of the `prometheus` document. */
export interface LiveGatesDoc {
  everySeconds: number;
  failures: number;
  gates: string[];
  /** Evaluations made, per kind. */
  evaluations: { pass: number; fail: number; 'no-data': number; unanswered: number };
  /** Set when a gate stopped the run. */
  abort: LiveAbort | null;
}

export interface LiveGatesInput {
  client: PrometheusClient;
  gates: readonly Gate[];
  settings: LiveSettings;
  /** The marks so far (read at every evaluation). */
  marks(): LiveMarks;
  onAbort(abort: LiveAbort): void;
  onWarn(line: string): void;
  /** Unix ms; Date.now by default. */
  now?: () => number;
}

export interface LiveGates {
  /** Stops the loop (after the current evaluation) and returns what it saw. */
  stop(): Promise<LiveGatesDoc>;
}

export function startLiveGates(input: LiveGatesInput): LiveGates {
  const now = input.now ?? Date.now;
  const gates = input.gates.filter((g) => g.abortOnFail);
  // Only the newest `failures` evaluations of a gate can make a streak; older ones are dropped.
  const recent = new Map<string, LiveEvaluation[]>();
  const counts = { pass: 0, fail: 0, 'no-data': 0, unanswered: 0 };
  let abort: LiveAbort | null = null;
  let stopped = false;
  let away = false;
  let timer: NodeJS.Timeout | undefined;
  let wake: () => void = () => {};

  async function round(): Promise<void> {
    for (const gate of gates) {
      if (stopped || abort) return;
      const at = now() / 1000;
      const window = liveWindow(gate, input.marks(), at);
      if (!window) continue;
      const answer = await input.client.query(gate.query, at).catch((error: unknown) => ({ error: (error as Error).message }));
      // The load ended while the query was out: nothing is left to stop.
      if (stopped) return;
      if ('error' in answer && !away) {
        away = true;
        input.onWarn(`live gates: Prometheus at ${input.client.url} did not answer (${answer.error}); not judging live until it does, never stopping the run for it`);
      } else if (!('error' in answer) && away) {
        away = false;
        input.onWarn(`live gates: Prometheus at ${input.client.url} answers again`);
      }
      const evaluation = classify(gate, window.name, at, answer);
      counts[evaluation.kind] += 1;
      const kept = [...(recent.get(gate.name) ?? []), evaluation].slice(-input.settings.failures);
      recent.set(gate.name, kept);
      abort = decideLive(kept, input.settings.failures);
      if (abort) input.onAbort(abort);
    }
  }

  const loop = (async () => {
    while (!stopped && !abort) {
      await new Promise<void>((resolve) => { wake = resolve; timer = setTimeout(resolve, input.settings.everyMs); });
      if (stopped) break;
      await round();
    }
  })();

  return {
    async stop() {
      stopped = true;
      clearTimeout(timer);
      wake();
      // A query still out (a Prometheus that hangs) must not hold up the end of the run.
      await Promise.race([loop, new Promise((r) => setTimeout(r, 100).unref())]);
      return {
        everySeconds: input.settings.everyMs / 1000,
        failures: input.settings.failures,
        gates: gates.map((g) => g.name),
        evaluations: counts,
        abort,
      };
    },
  };
}
