// Invariants judged: the reading before the load and the one after recovery
// against the expectation. Pure: readings and k6's check counts go in, one
// result per invariant comes out.
import { DEFAULT_EXPECT, holds, limitOf, parseExpectation, type Expectation, type TermValues } from './expect.ts';
import { kindOf, type InvariantKind, type InvariantSpec } from './schema.ts';
import type { Reading } from './checks.ts';

export type Outcome = { reading: Reading } | { error: string; /** The invariant itself is wrong (its query or path), not the service. */ misconfigured?: true };
export type InvariantStatus = 'held' | 'broken' | 'skipped' | 'error';

export interface InvariantResult {
  name: string;
  kind: InvariantKind;
  expect: string;
  status: InvariantStatus;
  /** true when it counts against the run. */
  failed: boolean;
  reason: string;
  /** Reading before the load (null when skipped or unreadable). */
  before: (Reading & { held: boolean | null }) | null;
  after: (Reading & { held: boolean; limit: number }) | null;
}

export const expectationOf = (spec: InvariantSpec): Expectation => parseExpectation(spec.expect ?? DEFAULT_EXPECT) as Expectation;

/** Whether the reading before the load already breaks it (null when the expectation needs the run's figures). */
export function judgeBefore(spec: InvariantSpec, reading: Reading): boolean | null {
  const e = expectationOf(spec);
  const limit = limitOf(e, {});
  return 'limit' in limit ? holds(reading.value, e.op, limit.limit) : null;
}

/** Whether the reading after recovery holds, and the limit it was held to. */
export function judgeAfter(spec: InvariantSpec, reading: Reading, values: TermValues): { held: boolean; limit: number } | { missing: string } {
  const e = expectationOf(spec);
  const limit = limitOf(e, values);
  if ('missing' in limit) return limit;
  return { held: holds(reading.value, e.op, limit.limit), limit: limit.limit };
}

const rowsText = (r: Reading) => (r.rowCount === 0 ? '' : `; ${r.rowCount} offending row(s), first: ${JSON.stringify(r.rows[0])}`);

export function invariantResult(spec: InvariantSpec, o: { skipped?: string; before?: Outcome; after?: Outcome; values?: TermValues }): InvariantResult {
  const base = { name: spec.name, kind: kindOf(spec), expect: expectationOf(spec).text };
  if (o.skipped) return { ...base, status: 'skipped', failed: false, reason: o.skipped, before: null, after: null };
  const before = o.before && 'reading' in o.before ? { ...o.before.reading, held: judgeBefore(spec, o.before.reading) } : null;
  if (o.before && 'error' in o.before) return { ...base, status: 'error', failed: true, reason: `before the load: ${o.before.error}`, before: null, after: null };
  if (!o.after || 'error' in o.after) {
    return { ...base, status: 'error', failed: true, reason: `after recovery: ${o.after && 'error' in o.after ? o.after.error : 'not checked'}`, before, after: null };
  }
  const judged = judgeAfter(spec, o.after.reading, { ...o.values, ...(before ? { before: before.value } : {}) });
  if ('missing' in judged) return { ...base, status: 'error', failed: true, reason: `after recovery: no value for ${judged.missing}`, before, after: null };
  const after = { ...o.after.reading, ...judged };
  const brokenBefore = before?.held === false;
  if (after.held && !brokenBefore) {
    return { ...base, status: 'held', failed: false, reason: `${after.value} ${base.expect.replace(/^(\S+)\s+.*$/, '$1')} ${judged.limit} (expect ${base.expect})`, before, after };
  }
  const when = brokenBefore && !after.held ? 'before the load and after recovery' : brokenBefore ? 'before the load (already)' : 'after recovery';
  const shown = brokenBefore && after.held ? (before as Reading) : after;
  return { ...base, status: 'broken', failed: true, reason: `broken ${when}: value ${shown.value}, expected ${base.expect}${brokenBefore && after.held ? '' : ` (limit ${judged.limit})`}${rowsText(shown)}`, before, after };
}
