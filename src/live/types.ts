// The contract between the live feed (remote-write receiver, NDJSON reader),
// the phase/recovery maths and the HTML report.

/** Per-second figures for one series (all traffic, or one endpoint tag or scenario). */
export interface SecondStats {
  /** Unix time of the second's start, in whole seconds. */
  t: number;
  requests: number;
  /** Failed requests (http_req_failed true). */
  failures: number;
  /** failures / requests, 0 when no requests. */
  errorRate: number;
  /** Latency percentiles of http_req_duration in ms; null when no requests. */
  p50: number | null;
  p95: number | null;
  p99: number | null;
  /**
   * Exact feed (the NDJSON record) only, and only in `total`: the runs of
   * failed responses in this second, to the request, by response time. Each
   * is [first failure, last failure, first success after it or null] in Unix
   * ms. At most 32 (the first 16 and the last 16). Absent when none failed.
   */
  failRuns?: FailRun[];
  /** Exact feed only, in `total`: Unix ms of the second's first successful response (null when none succeeded). */
  firstOkAt?: number | null;
}

/** [first failure, last failure, first success after it or null], Unix ms. */
export type FailRun = [number, number, number | null];

/** Everything the live feed knows after (or during) a run, second by second. */
export interface Timeline {
  /** Seconds in order, no gaps (a second with no requests has requests 0). */
  total: SecondStats[];
  /** Keyed by "name:<endpoint tag>" or "scenario:<name>". */
  series: Record<string, SecondStats[]>;
  /**
   * k6's dropped_iterations as the feed saw it grow: [Unix ms, count so far],
   * one entry per change. An arrival-rate step that dropped iterations never
   * delivered its rate. Absent when k6 dropped none.
   */
  dropped?: Array<[number, number]>;
}

/** Marks on the timeline, in Unix milliseconds. */
export interface FaultWindow {
  experiment: string;
  injectedAt: number;
  rolledBackAt: number;
  /** Container-level recovery from the probes, when measured. */
  probesRecoveredAt?: number;
}
