// The profile file format, as a zod schema. Pure: validateProfile returns data
// (the parsed profile or every problem found), never throws; load.ts does I/O.
// profiles/profile.schema.json is generated from this file
// (scripts/gen-profile-schema.mjs) so editors can complete profiles.
import { z } from 'zod';
import { durationProblem, limits, MAX_DURATION_TEXT, MAX_TIMER_MS } from '../inputs/bounds.ts';
import { DURATION_PATTERN, parseDuration } from '../shared/duration.ts';
import { prometheusBlockSchema } from '../prometheus/config.ts';
import { invariantsSchema } from '../invariants/schema.ts';
import { allowEntryProblem } from '../verdict/thresholds.ts';
import { unwrapUnions } from '../inputs/schema-issues.ts';

/** One k6 threshold expression: "p(99)<2000", "rate<0.05", "count>=1". */
export const THRESHOLD_EXPR_RE = /^\s*(avg|min|max|med|value|rate|count|p\(\d+(\.\d+)?\))\s*(<=|>=|<|>|===|==|!=)\s*-?\d+(\.\d+)?\s*$/;
/** "metric" or "metric{tag:value,tag2:value2}". */
export const METRIC_RE = /^[A-Za-z_][A-Za-z0-9_]*(\{[^{}]+\})?$/;

const duration = z.string()
  .regex(DURATION_PATTERN, { error: 'expected a k6 duration such as "30s", "5m" or "1m30s"' })
  .refine((d) => (parseDuration(d) ?? 0) <= MAX_TIMER_MS, { error: `expected at most ${MAX_DURATION_TEXT}` });
/** k6 refuses a constant executor that runs for less than a second. */
const runDuration = duration.refine((d) => (parseDuration(d) ?? 0) >= 1000, { error: 'expected at least 1s (k6 runs a constant executor for a second or more)' });
const count = (min: number, max: number = limits.rate.max) => z.number({ error: 'expected number' }).int({ error: 'expected an integer' })
  .min(min, { error: `expected a number >= ${min}` })
  .max(max, { error: `expected at most ${max.toLocaleString('en-US')}` });
const vuCount = (min: number) => count(min, limits.vus.max);

const stage = z.strictObject({
  duration,
  target: count(0),
});

const thresholdEntry = z.union([
  z.string().regex(THRESHOLD_EXPR_RE, { error: 'expected a k6 threshold such as "p(99)<2000" or "rate<0.05"' }),
  z.strictObject({
    threshold: z.string().regex(THRESHOLD_EXPR_RE, { error: 'expected a k6 threshold such as "p(99)<2000"' }),
    abortOnFail: z.boolean().optional(),
    delayAbortEval: duration.optional(),
  }),
]);

/** k6 thresholds, in k6's own syntax: { "http_req_duration{name:login}": ["p(95)<500"] }. */
const thresholds = z.record(
  z.string().regex(METRIC_RE, { error: 'expected a metric name, optionally with tags: http_req_duration{name:login}' }),
  z.array(thresholdEntry).min(1),
);

/** A bound: milliseconds or "2s"/"500ms" for trends, 0.05 or "5%" for rates, a count otherwise. */
const bound = z.union([
  z.number(),
  z.string().regex(/^\d+(\.\d+)?(ms|s|%)$/, { error: 'expected a number, or a string such as "2s", "500ms" or "5%"' }),
]);

/**
 * A loadctl target, judged by loadctl (an empty metric FAILS). Either the
 * object form `{ metric, stat, below }` or the short k6-like string form
 * `"booking_duration p(99)<2000"`.
 */
const targetObject = z.strictObject({
  name: z.string().min(1).optional(),
  metric: z.string().regex(METRIC_RE, { error: 'expected a metric name, optionally with tags: http_req_duration{name:hold_seats}' }),
  stat: z.enum(['avg', 'min', 'med', 'max', 'p50', 'p90', 'p95', 'p99', 'rate', 'count']),
  below: bound.optional(),
  atMost: bound.optional(),
  above: bound.optional(),
  atLeast: bound.optional(),
});
// A percentile reads "p(95)" as in k6 thresholds or "p95" as in the object form's `stat`.
export const TARGET_STRING_RE = /^\s*([A-Za-z_][A-Za-z0-9_]*(\{[^{}]+\})?)\s+(avg|min|med|max|rate|count|p\((?:50|90|95|99)\)|p(?:50|90|95|99))\s*(<=|>=|<|>)\s*(\d+(\.\d+)?(ms|s|%)?)\s*$/;
const targetString = z.string().regex(TARGET_STRING_RE, {
  error: 'expected "<metric> <stat><op><value>", e.g. "booking_duration p(99)<2000" or "booking_duration p99<2s"',
});
const target = z.union([targetString, targetObject]);

/** A k6 script's path, relative to the profile file's folder. */
const scriptPath = z.string({ error: 'expected the path of a k6 script, e.g. ../load/booking-load-test.js' })
  .regex(/\.(m?js|cjs|m?ts|cts)$/i, { error: 'expected the path of a .js or .ts k6 script' });

const common = {
  /** One line shown by `loadctl list`. */
  description: z.string({ error: 'expected a one-line description' }).min(1),
  /** Scenario file name in scenarios/, without .ts. Either this or `script`. */
  scenario: z.string({ error: 'expected a scenario name such as "booking-load"' }).regex(/^[a-z0-9][a-z0-9_-]*$/, {
    error: 'expected a scenario name (lower case letters, digits, - and _)',
  }).optional(),
  /** A team's own k6 script instead of a shipped scenario; the profile's executor, when it has one, replaces the script's shape. */
  script: scriptPath.optional(),
  gracefulStop: duration.optional(),
  thresholds: thresholds.optional(),
  /** Extra targets; they replace a default target with the same metric and stat. */
  targets: z.array(target).optional(),
  /** Set false to drop loadctl's default targets (booking P99 < 2 s, error rate < 5 %). */
  defaultTargets: z.boolean().default(true),
  /**
   * Endpoints (values of the `name` tag) to report one by one. k6 only reports
   * a submetric a threshold names, so each gets an always-true threshold.
   * Default: the endpoints of scenarios/lib; [] turns the breakdown off.
   */
  endpoints: z.array(z.string().regex(/^[A-Za-z0-9_.-]+$/, { error: 'expected an endpoint name tag such as "hold_seats"' })).optional(),
  /**
   * k6 thresholds allowed to see no sample (a threshold whose metric got none
   * fails otherwise): a metric key for all its thresholds, or key and expression.
   */
  allowNoSamples: z.array(z.string().superRefine((v, ctx) => {
    const problem = allowEntryProblem(v);
    if (problem) ctx.addIssue({ code: 'custom', message: `${problem}; e.g. "http_req_failed{status:500}" or "errors count<10"` });
  })).optional(),
  /** Environment for the scenario (__ENV): BASE_URL, USER_COUNT, PATH_*... */
  env: z.record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/), z.union([z.string(), z.number(), z.boolean()])).optional(),
  /** Any other k6 options, passed through as they are (e.g. discardResponseBodies). */
  options: z.record(z.string(), z.unknown()).optional(),
  /** System-side gates judged in Prometheus after the run (docs/prometheus.md). */
  prometheus: prometheusBlockSchema.optional(),
  /** Checks before the load and after recovery: nothing lost, nothing doubled (docs/invariants.md). */
  invariants: invariantsSchema.optional(),
};

const rampingVus = z.strictObject({
  ...common,
  executor: z.literal('ramping-vus'),
  startVUs: vuCount(0).default(0),
  stages: z.array(stage).min(1),
  gracefulRampDown: duration.optional(),
});
const constantVus = z.strictObject({
  ...common,
  executor: z.literal('constant-vus'),
  vus: vuCount(1),
  duration: runDuration,
});
const rampingArrivalRate = z.strictObject({
  ...common,
  executor: z.literal('ramping-arrival-rate'),
  startRate: count(0).default(0),
  timeUnit: duration.default('1s'),
  preAllocatedVUs: vuCount(1),
  maxVUs: vuCount(1).optional(),
  stages: z.array(stage).min(1),
});
const constantArrivalRate = z.strictObject({
  ...common,
  executor: z.literal('constant-arrival-rate'),
  rate: count(1),
  timeUnit: duration.default('1s'),
  duration: runDuration,
  preAllocatedVUs: vuCount(1),
  maxVUs: vuCount(1).optional(),
});

export const profileSchema = z.discriminatedUnion(
  'executor',
  [rampingVus, constantVus, rampingArrivalRate, constantArrivalRate],
  { error: 'expected one of: ramping-vus, constant-vus, ramping-arrival-rate, constant-arrival-rate' },
);

/**
 * A profile around a team's own k6 script that keeps the script's shape
 * (its stages, scenarios, vus/duration): no executor, and the profile only
 * adds targets, thresholds, env, Prometheus gates and invariants. A script
 * is not the ticketing scenario, so no default targets and no endpoint
 * breakdown unless asked for.
 */
export const scriptProfileSchema = z.strictObject({
  ...common,
  script: scriptPath,
  defaultTargets: z.boolean().default(false),
});

export type ProfileSpec = z.output<typeof profileSchema>;
export type ScriptProfileSpec = z.output<typeof scriptProfileSchema>;
export type ProfileInput = z.input<typeof profileSchema>;
export type TargetSpec = z.output<typeof target>;
export type Executor = ProfileSpec['executor'];

export type Validation<T> = { ok: true; value: T } | { ok: false; problems: string[] };

/** "stages.0.target" from zod's path. */
function pathOf(path: ReadonlyArray<PropertyKey>): string {
  return path.length === 0 ? '(top level)' : path.map(String).join('.');
}

/** zod says "Invalid input: expected number, received string"; keep the useful half. */
function tidy(message: string): string {
  return message.replace(/^Invalid input: /, '').replace(/^(expected .+), received undefined$/, 'required ($1)');
}

function issueLines(label: string, issue: z.core.$ZodIssue): string[] {
  // An unknown key is almost always a typo: name the key itself.
  if (issue.code === 'unrecognized_keys') {
    return issue.keys.map((k) => `${label}: ${pathOf([...issue.path, k])}: unknown field`);
  }
  return [`${label}: ${pathOf(issue.path)}: ${tidy(issue.message)}`];
}

/** Rules zod cannot express per field. Returns "path: message" strings. */
function crossFieldProblems(spec: ProfileSpec): string[] {
  const problems: string[] = [];
  if ((spec.executor === 'ramping-arrival-rate' || spec.executor === 'constant-arrival-rate') && spec.maxVUs !== undefined && spec.maxVUs < spec.preAllocatedVUs) {
    problems.push(`maxVUs: expected at least preAllocatedVUs (${spec.preAllocatedVUs}), got ${spec.maxVUs}`);
  }
  if (spec.executor === 'ramping-vus' || spec.executor === 'ramping-arrival-rate') {
    const start = spec.executor === 'ramping-vus' ? spec.startVUs : spec.startRate;
    if (Math.max(start, ...spec.stages.map((s) => s.target)) === 0) problems.push('stages: expected at least one stage with a target above 0');
    const totalMs = spec.stages.reduce((sum, s) => sum + (parseDuration(s.duration) ?? 0), 0);
    if (totalMs <= 0) problems.push('stages: the stages last 0s in total, so nothing would run; give the hold stage a duration such as 1m');
    else if (durationProblem('stages', totalMs)) problems.push(`stages: together longer than the maximum of ${MAX_DURATION_TEXT}`);
  }
  if (spec.executor === 'ramping-vus') {
    const over = spec.stages.findIndex((s) => s.target > limits.vus.max);
    if (over >= 0) problems.push(`stages.${over}.target: expected at most ${limits.vus.max.toLocaleString('en-US')} virtual users`);
  }
  problems.push(...sourceProblems(spec));
  return problems;
}

/** Rules every profile shape shares: one source of load, options that do not fight the profile's fields, well-formed targets. */
function sourceProblems(spec: ProfileSpec | ScriptProfileSpec): string[] {
  const problems: string[] = [];
  if (spec.scenario !== undefined && spec.script !== undefined) problems.push('script: give either scenario (a shipped one) or script (your own k6 script), not both');
  if (spec.scenario === undefined && spec.script === undefined) problems.push('scenario: required (a scenario name such as "booking-load"), or script: the path of your own k6 script');
  for (const key of ['scenarios', 'thresholds', 'summaryTrendStats', 'stages', 'vus', 'duration', 'iterations']) {
    if (spec.options && key in spec.options) problems.push(`options.${key}: set by loadctl from the profile; use the profile's own fields (executor, stages, thresholds...)`);
  }
  (spec.targets ?? []).forEach((t, i) => {
    if (typeof t === 'string') return;
    const bounds = [t.below, t.atMost, t.above, t.atLeast].filter((b) => b !== undefined);
    if (bounds.length !== 1) problems.push(`targets.${i}: expected exactly one of below, atMost, above, atLeast`);
  });
  return problems;
}

/**
 * Validates a parsed YAML document. `label` prefixes every problem
 * ("profiles/spike.yaml: stages.0.target: expected number").
 */
export function validateProfile(raw: unknown, label: string): Validation<ProfileSpec> {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    return { ok: false, problems: [`${label}: (top level): expected a mapping with description, scenario, executor...`] };
  }
  const parsed = profileSchema.safeParse(raw);
  if (!parsed.success) return { ok: false, problems: unwrapUnions(parsed.error.issues).flatMap((i) => issueLines(label, i)) };
  const extra = crossFieldProblems(parsed.data);
  if (extra.length > 0) return { ok: false, problems: extra.map((p) => `${label}: ${p}`) };
  return { ok: true, value: parsed.data };
}

/** A profile that names a script and no executor keeps the script's own shape. */
export function keepsScriptShape(raw: unknown): boolean {
  return typeof raw === 'object' && raw !== null && !Array.isArray(raw) && 'script' in raw && !('executor' in raw);
}

/** Validates a script profile without an executor (see scriptProfileSchema). */
export function validateScriptProfile(raw: unknown, label: string): Validation<ScriptProfileSpec> {
  const parsed = scriptProfileSchema.safeParse(raw);
  if (!parsed.success) return { ok: false, problems: parsed.error.issues.flatMap((i) => issueLines(label, i)) };
  const extra = sourceProblems(parsed.data);
  if (extra.length > 0) return { ok: false, problems: extra.map((p) => `${label}: ${p}`) };
  return { ok: true, value: parsed.data };
}

/** The JSON Schema editors use to complete profiles (draft-07: what yaml-language-server knows best). */
export function profileJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(z.union([profileSchema, scriptProfileSchema]), { target: 'draft-7', io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
  return {
    $schema: schema.$schema,
    $id: 'https://loadctl.dev/profile.schema.json',
    title: 'loadctl profile',
    description: 'A load profile: a scenario (or your own k6 script), executor and stages (or the script\'s own), k6 thresholds, targets and env. Generated from src/profiles/schema.ts by scripts/gen-profile-schema.ts; do not edit.',
    ...Object.fromEntries(Object.entries(schema).filter(([k]) => k !== '$schema')),
  };
}
