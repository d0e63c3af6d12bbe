// loadctl's own series for the team's Prometheus, next to k6's: whether a run
// is on, whether a fault is in (so Grafana draws fault windows as annotations
// from a query), and one sample at the run's start and end. Pure.
import type { MarkerSeries } from './remote-write/encode.ts';

export interface MarkerState {
  profile: string;
  /** Tells runs apart: the time the run started, ISO. */
  run: string;
  /** Set with --chaos. */
  experiment?: string;
  faultActive: boolean;
}

/** Once a second while the run is on, and once more (running false) when it ends. */
export function markerTick(s: MarkerState, at: number, running: boolean): MarkerSeries[] {
  const out: MarkerSeries[] = [
    { labels: { __name__: 'loadctl_run_active', profile: s.profile, run: s.run }, samples: [{ value: running ? 1 : 0, timestamp: at }] },
  ];
  if (s.experiment !== undefined) {
    out.push({
      labels: { __name__: 'loadctl_fault_active', experiment: s.experiment, profile: s.profile, run: s.run },
      samples: [{ value: running && s.faultActive ? 1 : 0, timestamp: at }],
    });
  }
  return out;
}

export function markerEvent(s: MarkerState, event: 'start' | 'end', at: number): MarkerSeries {
  return { labels: { __name__: 'loadctl_run_event', event, profile: s.profile, run: s.run }, samples: [{ value: 1, timestamp: at }] };
}
