// --prometheus-rw as a run extension: k6's pushes forwarded unchanged and
// loadctl's markers (run on, fault in) from k6's start to the load's end; a
// failing endpoint is one warning and the figures go to result.json's
// `forward` block. Never part of the verdict.
import type { ForwardStats } from '../../live/forward.ts';
import { startRunForward } from '../../live-run/forward.ts';
import type { RunExtension } from '../extension.ts';

export const forwardExtension: RunExtension = {
  name: 'forward',
  async open(host) {
    const o = host.request;
    const url = o.prometheusRw ?? (o.pipeline.processEnv.LOADCTL_PROMETHEUS_RW || undefined);
    if (!url || !o.live || o.pipeline.dryRun) return null;
    const experiment = host.shared.experiment?.name;
    const forward = startRunForward(url, { profile: o.pipeline.profile, ...(experiment !== undefined ? { experiment } : {}), warn: host.note });
    let stats: ForwardStats | undefined;
    return {
      onPush: forward.onPush,
      onStart: () => forward.started(),
      onEvent(event) {
        if (event.type === 'injected') forward.fault(true);
        if (event.type === 'rolled-back') forward.fault(false);
      },
      async afterLoad() { stats = await forward.finish(); },
      async finish() {
        if (!stats) return undefined;
        if (stats.failed > 0 || stats.dropped > 0) {
          host.ui.warn(`--prometheus-rw ${stats.url}: ${stats.forwarded} bodies forwarded, ${stats.failed} failed, ${stats.dropped} dropped${stats.lastError ? ` (last: ${stats.lastError})` : ''}; the verdict does not depend on it`);
        }
        return { doc: { forward: stats } };
      },
    };
  },
};
