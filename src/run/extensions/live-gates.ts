// Live Prometheus gates as a run extension, with the capability "may stop the
// load": the pipeline listens to this extension's signal source, so a gate
// that keeps failing rolls back any fault and stops k6 with one SIGINT, as a
// Ctrl-C would. The loop and its decisions are src/live-run/live-gates.ts and
// src/prometheus/live*.ts.
import { defaultRecoveryTargets } from '../../live/phases.ts';
import { liveGatesRun, type LiveGatesRun } from '../../live-run/live-gates.ts';
import type { RunExtension } from '../extension.ts';

export const liveGatesExtension: RunExtension = {
  name: 'live-gates',
  async open(host) {
    const o = host.request;
    let gates: LiveGatesRun | undefined;
    return {
      // Made when the load is about to start (after any consent), so a refused run leaves no listener.
      signals(base) {
        gates = liveGatesRun({
          base, chaos: o.chaos !== undefined, feed: o.live, recovery: o.chaos?.recovery ?? defaultRecoveryTargets,
          abortChaos: () => host.shared.abortFaults?.(), note: host.note, warn: host.note,
        });
        return gates.signals;
      },
      stopping: () => gates?.delivering() ?? false,
      onSecond: (s) => gates?.second(s.total),
      onStart: (at) => { void gates?.start(at, host.shared.gates ?? null); },
      onEvent: (event) => gates?.chaosEvent(event),
      async afterLoad() { host.shared.liveGates = (await gates?.stop()) ?? null; },
      async finish() {
        const live = host.shared.liveGates;
        // A live gate's own SIGINT is not the user's: the run failed on that gate (exit 1), named.
        return live?.reason && !live.userInterrupted ? { say: { kind: 'stopped-by', reason: live.reason } } : undefined;
      },
    };
  },
};
