// The contract between profiles (src/profiles), the bundler (src/k6/bundle.ts),
// the runner (src/k6/run.ts) and the verdict (src/verdict). Change it only with
// all four in view.
import type { TargetStat } from '../results/types.ts';

export type { TargetStat };
export type TargetOp = '<' | '<=' | '>' | '>=';

/**
 * One Milestone target, judged by loadctl itself (not by k6): a metric with no
 * samples FAILS, unlike a k6 threshold.
 */
export interface Target {
  /** Human label, e.g. "booking P99". */
  name: string;
  /** k6 metric name, e.g. "http_req_duration" or "booking_duration". */
  metric: string;
  /** Submetric tags, e.g. { name: "book" } for http_req_duration{name:book}. */
  tags?: Record<string, string>;
  stat: TargetStat;
  op: TargetOp;
  /** Milliseconds for time trends, a fraction 0..1 for rates, a count otherwise. */
  value: number;
}

export interface ProfileOverrides {
  vus?: number;
  /** k6 duration string, e.g. "30s", "5m". */
  duration?: string;
  baseUrl?: string;
  env?: Record<string, string>;
  /** --allow-no-samples: k6 thresholds that may see no sample, added to the profile's allowNoSamples. */
  allowNoSamples?: readonly string[];
}

/** A profile after YAML parse, schema validation, defaults and overrides. */
export interface ResolvedProfile {
  name: string;
  description: string;
  /** Absolute path of the YAML file it came from. */
  file: string;
  /** Scenario name, e.g. "spike". */
  scenario: string;
  /** Absolute path of scenarios/<scenario>.ts. */
  scenarioFile: string;
  /**
   * k6 options exported by the bundle (`export const options`): scenarios
   * (executor, stages...), thresholds in k6's syntax, tags, etc.
   */
  k6Options: Record<string, unknown>;
  targets: Target[];
  /** Environment for the k6 process: BASE_URL, user prefix, paths... */
  env: Record<string, string>;
  /** The profile's `prometheus:` block (gates judged after the run), when it has one. */
  prometheus?: import('../prometheus/config.ts').PrometheusBlock;
  /** k6 thresholds that may see no sample (profile allowNoSamples plus --allow-no-samples); see verdict/thresholds.ts. */
  allowNoSamples?: string[];
  /**
   * Set when the load is a user's own k6 script (`loadctl run file.js`, or a
   * profile's `script:`): it is bundled as k6 would run it (open() beside it,
   * no strict type check), and with ownShape its options keep their own
   * stages/scenarios; k6Options then only adds thresholds and trend stats.
   */
  script?: { ownShape: boolean };
  /** The profile's `invariants:`, when it has any. */
  invariants?: import('../invariants/schema.ts').InvariantEntry[];
}
