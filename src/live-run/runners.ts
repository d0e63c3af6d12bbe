// What `loadctl run --runners N` adds to a live run: the pipeline's runners
// option wired to the live feed (merged histograms, who has pushed) and to the
// display. The load starts when the runners are released together, not when
// they were spawned paused, so k6's "start" for the chaos trigger, --at and the
// live lines is the release; a runner that fails stops the whole load, so a
// fault held under it is ended at once (the callback).
import type { RunEvents } from '../run/pipeline.ts';
import type { RunnersOption } from '../runners/step.ts';
import type { Placement } from '../runners/placement.ts';
import type { LiveFeed } from './live.ts';

export function runnersOption(o: {
  count: number;
  placement: Placement;
  feed: Pick<LiveFeed, 'finals' | 'reported'>;
  events: Pick<RunEvents, 'onSpawn'>;
  note: (line: string) => void;
  /** The first runner failure: the load is being stopped. */
  onFailure: (reason: string) => void;
  /** Aborted on a hang-up: the runners are stopped as on Ctrl-C. */
  stop: AbortSignal;
}): RunnersOption {
  return {
    stop: o.stop,
    count: o.count, placement: o.placement, histograms: o.feed.finals, reported: o.feed.reported,
    callbacks: {
      onStarted: (list) => o.note(`${list.length} runners started paused (${list.map((r) => r.where).join(', ')})`),
      onReleased: (spread) => {
        o.note(`released ${o.count} runners together (within ${spread} ms); setup() ran once, on runner 0`);
        o.events.onSpawn?.(undefined);
      },
      onNote: o.note,
      onSignal: (name, action) => o.note(`${name}: ${action}`),
      onFailure: o.onFailure,
    },
  };
}
