// Where the Prometheus and its gates come from: --prometheus, then
// LOADCTL_PROMETHEUS, then the profile's `prometheus.url`, then the
// experiment's; gates from the runbook's defaults, the profile and the
// experiment. The YAML block is one zod schema shared by profiles and
// experiments. Pure.
import { z } from 'zod';
import { checkHttpUrl } from '../inputs/url.ts';
import { DURATION_PATTERN, durationSeconds } from '../shared/duration.ts';
import { DEFAULT_GATES, GATE_SCOPES, parseGateExpression, type Gate, type GateScope } from './gates.ts';

const seconds = z.string().regex(DURATION_PATTERN, { error: 'expected a duration such as "1s" or "30s"' })
  .transform((t) => durationSeconds(t)!);

const expression = z.string().min(1).refine((t) => !('error' in parseGateExpression(t)), {
  error: 'expected "<PromQL> <op> <number>", e.g. "sum(rate(booking_lock_failures_total[1m])) * 60 < 10"',
});
const gateEntry = z.union([
  expression,
  z.strictObject({
    name: z.string().min(1).optional(),
    expr: expression,
    phases: z.array(z.enum(GATE_SCOPES as [GateScope, ...GateScope[]])).min(1).optional(),
    /** Judge it during the run too, and stop the run when it keeps failing (see `live`). */
    abortOnFail: z.boolean().optional(),
  }),
]);

/** `prometheus:` in a profile or an experiment. */
export const prometheusBlockSchema = z.strictObject({
  /** The Prometheus to query (overridden by --prometheus and LOADCTL_PROMETHEUS). */
  url: z.url({ protocol: /^https?$/, error: 'expected an http(s) URL such as http://localhost:9090' }).optional(),
  /** The runbook's key-metric gates (default true); each applies only where its metric exists. */
  defaultGates: z.boolean().optional(),
  /** Gates: "<PromQL> <op> <number>", or { name, expr, phases }; phases default to steady (baseline + after, or the whole run). */
  gates: z.array(gateEntry).optional(),
  /** Range-query step (default 1s). */
  step: seconds.refine((s) => s > 0, { error: 'expected a step above 0, such as "1s"' }).optional(),
  /** How long to wait after the load for Prometheus to scrape its end (default 20s). */
  settle: seconds.optional(),
  /** How gates with abortOnFail are judged during the run: an instant query every `every`, `failures` failing ones in a row stop it. */
  live: z.strictObject({
    every: seconds.refine((s) => s >= 1 && s <= 300, { error: 'expected 1s to 5m' }).optional(),
    failures: z.int().min(1, { error: 'expected 1 to 100 failing evaluations in a row' }).max(100, { error: 'expected 1 to 100 failing evaluations in a row' }).optional(),
  }).optional(),
}).superRefine((block, ctx) => {
  // Results, charts and the live stop are keyed by a gate's name: two of one name would report as one.
  const seen = new Map<string, number>(block.defaultGates === false ? [] : DEFAULT_GATES.map((g) => [g.name, -1]));
  for (const [i, entry] of (block.gates ?? []).entries()) {
    const name = typeof entry === 'string' ? entry : entry.name;
    if (name === undefined) continue;
    const first = seen.get(name);
    if (first !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['gates', i, ...(typeof entry === 'string' ? [] : ['name'])], message: `the gate name "${name}" is already used by ${first < 0 ? 'a default gate' : `gates.${first}`}; give each gate its own name` });
    } else seen.set(name, i);
  }
});
export type PrometheusBlock = z.output<typeof prometheusBlockSchema>;

export interface PrometheusSettings {
  url: string;
  /** Where the URL came from, for messages. */
  from: 'flag' | 'env' | 'profile' | 'experiment';
  gates: Gate[];
  stepSeconds: number;
  settleMs: number;
  /** Live judging of the gates with abortOnFail. */
  live: LiveSettings;
}

export interface LiveSettings {
  everyMs: number;
  /** Failing evaluations in a row that stop the run. */
  failures: number;
}

/** Every 5 s, 3 in a row: one bad scrape or a slow rule never stops a run, a real breach does within ~15 s. */
export const DEFAULT_LIVE: LiveSettings = { everyMs: 5000, failures: 3 };

function gatesOf(block: PrometheusBlock | undefined, source: Gate['source']): Gate[] {
  return (block?.gates ?? []).map((entry, i) => {
    const text = typeof entry === 'string' ? entry : entry.expr;
    const parsed = parseGateExpression(text) as Exclude<ReturnType<typeof parseGateExpression>, { error: string }>;
    return {
      name: typeof entry === 'string' ? text : entry.name ?? `${source} gate ${i + 1}`,
      ...parsed,
      scopes: typeof entry === 'string' ? ['steady'] : entry.phases ?? ['steady'],
      source,
      ...(typeof entry !== 'string' && entry.abortOnFail ? { abortOnFail: true } : {}),
    };
  });
}

/** null when no Prometheus was named anywhere: no gates, nothing to check. */
export function resolvePrometheus(input: {
  flag?: string;
  env?: string;
  profile?: PrometheusBlock;
  experiment?: PrometheusBlock;
  /** --prometheus-abort: every gate is judged live too. */
  abortAll?: boolean;
}): PrometheusSettings | null {
  const candidates: Array<[PrometheusSettings['from'], string | undefined]> = [
    ['flag', input.flag], ['env', input.env || undefined], ['profile', input.profile?.url], ['experiment', input.experiment?.url],
  ];
  const found = candidates.find(([, url]) => url !== undefined);
  if (!found) return null;
  const defaults = (input.profile?.defaultGates ?? input.experiment?.defaultGates ?? true) ? [...DEFAULT_GATES] : [];
  return {
    url: found[1] as string,
    from: found[0],
    gates: [...defaults, ...gatesOf(input.profile, 'profile'), ...gatesOf(input.experiment, 'experiment')]
      .map((g) => (input.abortAll ? { ...g, abortOnFail: true } : g)),
    stepSeconds: input.profile?.step ?? input.experiment?.step ?? 1,
    settleMs: Math.round((input.profile?.settle ?? input.experiment?.settle ?? 20) * 1000),
    live: {
      everyMs: Math.round((input.profile?.live?.every ?? input.experiment?.live?.every ?? DEFAULT_LIVE.everyMs / 1000) * 1000),
      failures: input.profile?.live?.failures ?? input.experiment?.live?.failures ?? DEFAULT_LIVE.failures,
    },
  };
}

/** A Prometheus URL must be http(s) with a valid host and port; returns the problem, or null. */
export function checkPrometheusUrl(name: string, text: string): string | null {
  const checked = checkHttpUrl(name, text);
  return checked.ok ? null : checked.problem.replace('http://localhost:8080', 'http://localhost:9090');
}
