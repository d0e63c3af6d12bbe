// What a k6 run measured, in one shape whichever file it came from (the
// handleSummary data loadctl injects, or k6's --summary-export fallback).

/** A statistic k6 reports for a metric, and so one a target may name. */
export type TargetStat = 'avg' | 'min' | 'med' | 'max' | 'p50' | 'p90' | 'p95' | 'p99' | 'rate' | 'count';

export type MetricType = 'trend' | 'rate' | 'counter' | 'gauge';

export interface MetricResult {
  /** The key as k6 wrote it, e.g. "http_req_duration{name:book}". */
  key: string;
  /** The metric without tags, e.g. "http_req_duration". */
  metric: string;
  /** Submetric tags; empty for a whole metric. */
  tags: Record<string, string>;
  type: MetricType;
  /** "time" for durations in ms, "data" for bytes; undefined when the file does not say. */
  contains: 'time' | 'data' | 'default' | undefined;
  /** Figures a target can name. Percentiles k6 did not compute are absent. */
  stats: Partial<Record<TargetStat, number>>;
  /** Every value k6 reported, under k6's own names ("p(99)", "passes", "value"). */
  raw: Record<string, number>;
  /**
   * How many samples k6 aggregated, when knowable: rates (passes + fails),
   * counters (count), trends only when `count` is in summaryTrendStats.
   */
  samples: number | undefined;
  /** True when k6 saw no samples (or, for a trend without `count`, every stat is 0). */
  empty: boolean;
}

export interface ThresholdResult {
  /** Metric key the threshold is on, e.g. "http_req_duration{name:book}". */
  metric: string;
  /** k6 threshold expression, e.g. "p(99)<2000". */
  expression: string;
  ok: boolean;
  /** Declared in the profile but absent from k6's summary: counted as failed. */
  missing?: boolean;
  /** k6's figure for the expression, as k6 prints it: "p(95)=1.2s", "rate=0.5%". */
  figure?: string;
  /** The (sub)metric got no sample: k6 says held on nothing, loadctl fails it unless allowed. */
  noSamples?: boolean;
  /** The user allowed this threshold to see no sample (--allow-no-samples). */
  allowedEmpty?: boolean;
  /** Runners only: why the verdict is what it is when the merged figure is within its error of the bound. */
  note?: string;
}

export interface CheckResult {
  /** Group path plus name, e.g. "::search::search 200". */
  path: string;
  name: string;
  passes: number;
  fails: number;
}

export interface RunResults {
  /** live-feed: an interrupted cluster run's figures from the remote-write feed alone (src/runners/k8s/feed-results.ts). */
  source: 'handleSummary' | 'summary-export' | 'live-feed';
  /** Test run duration from k6's state (handleSummary only). */
  durationMs: number | undefined;
  metrics: Record<string, MetricResult>;
  thresholds: ThresholdResult[];
  checks: { passes: number; fails: number; rate: number | undefined; list: CheckResult[] };
  /** The script's groups by path ("::api", "::api::login"), in k6's order. */
  groups?: string[];
  http: {
    requests: number | undefined;
    /** Requests per second over the run. */
    requestRate: number | undefined;
    /** Share of requests k6 counted as failed (http_req_failed), 0..1. */
    errorRate: number | undefined;
    duration: Partial<Record<TargetStat, number>> | undefined;
  };
  iterations: { count: number | undefined; rate: number | undefined };
  /** Submetrics by their `name` tag (one endpoint each): tag value -> metric -> result. */
  endpoints: Record<string, Record<string, MetricResult>>;
  /** Submetrics by their `scenario` tag. */
  scenarios: Record<string, Record<string, MetricResult>>;
}

export type ParseOutcome = { ok: true; results: RunResults } | { ok: false; error: string };
