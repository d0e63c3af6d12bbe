// `invariants:` in a profile or an experiment: checks run before the load and
// again after recovery, each reading one value (and the rows that explain it)
// from PostgreSQL, Redis, an HTTP JSON endpoint or Prometheus. A string names
// a shipped invariant (src/invariants/shipped.ts). Pure: zod only.
import { z } from 'zod';
import { parseExpectation } from './expect.ts';
import { sqlProblem } from './sql-text.ts';

const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000 };
const ms = z.string().regex(/^\d+(\.\d+)?(ms|s|m)$/, { error: 'expected a duration such as "10s" or "500ms"' })
  .transform((t) => Math.round(Number.parseFloat(t) * (UNITS[/[a-z]+$/.exec(t)?.[0] ?? 's'] as number)));

const expectText = z.string().refine((t) => !('error' in parseExpectation(t)), {
  error: 'expected "<op> <terms>", e.g. "== 0", "<= before + 10" or ">= before + k6.checks.confirm 200"',
});

const source = {
  /** postgres://user@host:port/db and one query: its rows are the offending ones, or one number is the value. */
  sql: z.strictObject({
    url: z.string().min(1),
    query: z.string().min(1).superRefine((q, ctx) => { const problem = sqlProblem(q); if (problem) ctx.addIssue({ code: 'custom', message: problem }); }),
  }).optional(),
  /** Keys matching `keys` (a SCAN pattern) with no TTL or a TTL above `maxTtl` are the offending ones. */
  redis: z.strictObject({ url: z.string().min(1), keys: z.string().min(1), maxTtl: ms.optional() }).optional(),
  /** GET url; the JSON at `path` (dots, default the whole body): an array is the offending rows, a number the value. */
  http: z.strictObject({ url: z.string().min(1), path: z.string().optional() }).optional(),
  /** An instant query; the value is the sum of the series (the run's Prometheus unless `url` is given). */
  promql: z.strictObject({ query: z.string().min(1), url: z.string().optional() }).optional(),
};

export const invariantObjectSchema = z.strictObject({
  name: z.string().min(1),
  ...source,
  /** Default "== 0": no offending rows. */
  expect: expectText.optional(),
  /** After the load, keep checking up to this long until it holds (a consumer draining, a write being flushed). */
  within: ms.optional(),
  /** Environment variables it needs; unset, the invariant is listed as skipped instead of failing. */
  requires: z.array(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/)).optional(),
}).refine((o) => [o.sql, o.redis, o.http, o.promql].filter((s) => s !== undefined).length === 1, {
  error: 'give exactly one of sql, redis, http, promql',
});

export const invariantsSchema = z.array(z.union([z.string().min(1), invariantObjectSchema]));

export type InvariantSpec = z.output<typeof invariantObjectSchema>;
export type InvariantEntry = z.output<typeof invariantsSchema>[number];
export type InvariantKind = 'sql' | 'redis' | 'http' | 'promql';

export const kindOf = (s: InvariantSpec): InvariantKind => (s.sql ? 'sql' : s.redis ? 'redis' : s.http ? 'http' : 'promql');
