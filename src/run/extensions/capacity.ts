// A staged profile's capacity as a run extension: where each step of the
// load held or broke, from the live timeline and k6's own start (the first
// progress line), with the --capacity limits. Never part of the verdict.
import { capacityOf, startTracker } from '../../capacity/in-run.ts';
import type { RunExtension } from '../extension.ts';

export const capacityExtension: RunExtension = {
  name: 'capacity',
  async open(host) {
    const flag = host.request.capacity;
    const tracker = startTracker();
    let k6StartedAt: number | undefined;
    return {
      onProgress: (nowMs, elapsedMs) => tracker.progress(nowMs, elapsedMs),
      onStart: (at) => { k6StartedAt = at; },
      async finish({ profile, timeline }) {
        if (!profile) return undefined;
        const capacity = capacityOf(profile, timeline, tracker.startedAt(k6StartedAt ?? Date.now()), { ...(flag !== undefined ? { flag } : {}) });
        return capacity ? { doc: { capacity }, blocks: { capacity } } : undefined;
      },
    };
  },
};
