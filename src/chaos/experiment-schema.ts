// The experiment file format (chaos/<name>.yaml) and its pure validation:
// data in, either a typed experiment or every problem at once out. File I/O,
// variables and command-line overrides live in experiments.ts.
import { z } from 'zod';
import type { TargetSelector } from './fault.ts';
import { faultSchema, type FaultSpec } from './faults/registry.ts';
import { parseDuration } from '../shared/duration.ts';
import { durationProblem } from '../inputs/bounds.ts';
import { checkHostPort, checkHttpUrl } from '../inputs/url.ts';
import { unwrapUnions } from '../inputs/schema-issues.ts';
import { prometheusBlockSchema, type PrometheusBlock } from '../prometheus/config.ts';
import { invariantsSchema, type InvariantEntry } from '../invariants/schema.ts';

const duration = z.string().transform((text, ctx) => {
  const ms = parseDuration(text);
  if (ms === undefined) {
    ctx.addIssue({ code: 'custom', message: `"${text}" is not a duration (write e.g. 250ms, 30s, 2m)` });
    return z.NEVER;
  }
  // A timer past 24.8 days fires at once: the fault would hold for 1 ms.
  const tooLong = ms > 0 ? durationProblem(`"${text}"`, ms) : undefined;
  if (tooLong) {
    ctx.addIssue({ code: 'custom', message: tooLong });
    return z.NEVER;
  }
  return ms;
});

const name = z.string().regex(/^[a-z0-9][a-z0-9._-]*$/, 'use lowercase letters, digits, ".", "_" or "-"');


const targetSchema = z.strictObject({
  /** Exact container name: the default selector. */
  container: z.string().min(1).optional(),
  /** Compose project; with `service`, selects by com.docker.compose.* labels. */
  project: z.string().min(1).optional(),
  /** Compose service name; alone, it is looked for in the one compose project that has it. */
  service: z.string().min(1).optional(),
  /** Container names tried in order when no compose project has the service (the runbook's, then the bare one). */
  names: z.array(z.string().min(1)).min(1).optional(),
});

const probeBase = { name: z.string().min(1).optional(), timeout: duration.default(2000) };
const probeSchema = z.discriminatedUnion('type', [
  z.strictObject({
    type: z.literal('http'), ...probeBase,
    url: z.string().superRefine((text, ctx) => {
      const checked = checkHttpUrl('url', text);
      if (!checked.ok) ctx.addIssue({ code: 'custom', message: checked.problem });
    }),
    status: z.number().int().min(100).max(599).default(200),
    json: z.strictObject({ path: z.string().min(1), equals: z.union([z.string(), z.number(), z.boolean(), z.null()]) }).optional(),
  }),
  z.strictObject({
    type: z.literal('tcp'), ...probeBase,
    address: z.string().superRefine((text, ctx) => {
      const checked = checkHostPort('address', text);
      if (!checked.ok) ctx.addIssue({ code: 'custom', message: checked.problem });
    }),
  }),
  z.strictObject({
    type: z.literal('exec'), ...probeBase,
    target: z.string().min(1),
    command: z.array(z.string().min(1)).min(1),
  }),
]);

export const experimentSchema = z.strictObject({
  name,
  description: z.string().min(1),
  targets: z.record(z.string().regex(/^[a-z0-9][a-z0-9_-]*$/, 'target refs are lowercase words'), targetSchema)
    .refine((t) => Object.keys(t).length > 0, 'name at least one target'),
  steadyState: z.strictObject({ probes: z.array(probeSchema).min(1, 'name at least one probe') }),
  steps: z.array(z.strictObject({
    name: z.string().min(1).optional(),
    target: z.string().min(1),
    fault: faultSchema,
    duration,
  })).min(1, 'name at least one step'),
  recovery: z.strictObject({
    target: duration.default(30_000),
    interval: duration.default(250),
    healthyRounds: z.number().int().min(1).max(100).default(3),
    maxWait: duration.default(120_000),
  }).default({ target: 30_000, interval: 250, healthyRounds: 3, maxWait: 120_000 }),
  /** How long past the planned end the watchdog waits before it undoes a fault itself. */
  watchdogGrace: duration.default(10_000),
  /** System-side gates for runs under load with this experiment (docs/prometheus.md). */
  prometheus: prometheusBlockSchema.optional(),
  /** Checked before the load and after recovery in a run under load (docs/invariants.md). */
  invariants: invariantsSchema.optional(),
});

export type ExperimentFile = z.output<typeof experimentSchema>;
export type Probe = ExperimentFile['steadyState']['probes'][number];
export type NamedProbe = Probe & { name: string };

/** An experiment ready to run: defaults filled, durations in ms, selectors decided. */
export interface Experiment {
  name: string;
  description: string;
  /** Absolute path of the YAML file, or "" when built in code. */
  file: string;
  targets: Record<string, TargetSelector>;
  probes: NamedProbe[];
  steps: Array<{ name: string; target: string; fault: FaultSpec; durationMs: number }>;
  recovery: { targetMs: number; intervalMs: number; healthyRounds: number; maxWaitMs: number };
  watchdogGraceMs: number;
  prometheus?: PrometheusBlock;
  invariants?: InvariantEntry[];
}

export type ValidationResult =
  | { ok: true; data: ExperimentFile }
  | { ok: false; errors: string[] };

/**
 * Pure: checks one parsed YAML document. Every problem comes back at once as
 * "file: path: message", schema first, then the rules across fields.
 */
export function validateExperiment(input: unknown, file: string, expectedName?: string): ValidationResult {
  const parsed = experimentSchema.safeParse(input);
  if (!parsed.success) {
    return { ok: false, errors: unwrapUnions(parsed.error.issues).map((issue) => `${file}: ${formatPath(issue.path)}: ${issue.message}`) };
  }
  const data = parsed.data;
  const errors: string[] = [];
  const refs = Object.keys(data.targets);
  const known = refs.join(', ');
  if (expectedName !== undefined && data.name !== expectedName) {
    errors.push(`${file}: name: "${data.name}" differs from the file name "${expectedName}"; make them the same`);
  }
  for (const [ref, target] of Object.entries(data.targets)) {
    if (!target.container && !target.service) {
      errors.push(`${file}: targets.${ref}: give a container name, or a compose service (with a project, or names to try)`);
    }
  }
  data.steps.forEach((step, i) => {
    if (!refs.includes(step.target)) errors.push(`${file}: steps.${i}.target: unknown target "${step.target}" (targets: ${known})`);
  });
  data.steadyState.probes.forEach((probe, i) => {
    if (probe.type === 'exec' && !refs.includes(probe.target)) {
      errors.push(`${file}: steadyState.probes.${i}.target: unknown target "${probe.target}" (targets: ${known})`);
    }
  });
  return errors.length > 0 ? { ok: false, errors } : { ok: true, data };
}

function formatPath(path: ReadonlyArray<PropertyKey>): string {
  return path.length === 0 ? '(top level)' : path.map(String).join('.');
}
