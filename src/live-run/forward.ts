// --prometheus-rw for one run: k6's pushes forwarded unchanged, and loadctl's
// markers (run on, fault in, start and end) once a second from k6's start to
// the end of the run. A failing endpoint is one warning; the figures go to
// result.json's `forward` block; the verdict never depends on it.
import { basename } from 'node:path';
import type { IncomingHttpHeaders } from 'node:http';
import { createForwarder, type ForwardStats } from '../live/forward.ts';
import { markerEvent, markerTick, type MarkerState } from '../live/markers.ts';

export interface RunForward {
  onPush(body: Uint8Array, headers: IncomingHttpHeaders): void;
  /** k6 started: the start marker, then a tick every second. */
  started(): void;
  fault(active: boolean): void;
  /** The end marker, then waits for the queue (bounded) and returns the figures. */
  finish(): Promise<ForwardStats>;
}

export function startRunForward(url: string, o: { profile: string; experiment?: string; warn: (line: string) => void }): RunForward {
  const forwarder = createForwarder(url, {
    onFirstFailure: (error) => o.warn(`--prometheus-rw: forwarding to ${forwarder.stats().url} failed (${error}); the run goes on, its verdict does not depend on it`),
  });
  const state: MarkerState = {
    profile: basename(o.profile).replace(/\.ya?ml$/, ''), run: new Date().toISOString(), faultActive: false,
    ...(o.experiment !== undefined ? { experiment: o.experiment } : {}),
  };
  let timer: NodeJS.Timeout | undefined;
  let began = false;
  return {
    onPush: (body, headers) => forwarder.push(body, headers),
    started() {
      if (began) return;
      began = true;
      const now = Date.now();
      forwarder.markers([markerEvent(state, 'start', now), ...markerTick(state, now, true)]);
      timer = setInterval(() => forwarder.markers(markerTick(state, Date.now(), true)), 1000);
      timer.unref();
    },
    fault(active) {
      if (state.faultActive === active) return;
      state.faultActive = active;
      // The edge itself, not a second later: the annotation starts where the fault did.
      if (began) forwarder.markers(markerTick(state, Date.now(), true));
    },
    async finish() {
      clearInterval(timer);
      if (began) {
        const now = Date.now();
        forwarder.markers([...markerTick(state, now, false), markerEvent(state, 'end', now)]);
      }
      return forwarder.close();
    },
  };
}
