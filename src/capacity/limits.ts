// What a step must meet: the p99 (and p95) of every request and the error
// rate, second by second, with a failure counted only when it lasts a window
// of consecutive seconds. Taken from the profile's targets where the live
// feed can judge them, overridden by `--capacity p99=2s,errors=5%,window=5s`.
// Pure; problems come back as data.
import type { Target } from '../profiles/types.ts';
import { parseDuration } from '../shared/duration.ts';

export interface CapacityLimits {
  /** A second is bad when the p99 of its requests is at or above this (ms). */
  p99Ms: number;
  /** ...or its p95 at or above this (ms), when set. */
  p95Ms: number | null;
  /** ...or its error rate (0..1) at or above this. */
  errorRate: number;
  /** A step breaks on this many consecutive bad seconds. */
  windowSeconds: number;
}

export const defaultCapacityLimits: CapacityLimits = { p99Ms: 2000, p95Ms: null, errorRate: 0.05, windowSeconds: 5 };

const below = (t: Target) => t.op === '<' || t.op === '<=';

/**
 * The live feed times every request (http_req_duration) and counts failures,
 * so the targets it can judge per second are those; a p99 target on the
 * booking flow (booking_duration, the runbook's 2 s) stands in for the p99
 * when no target names http_req_duration's.
 */
export function limitsFromTargets(targets: readonly Target[]): CapacityLimits {
  const untagged = (t: Target) => !t.tags || Object.keys(t.tags).length === 0;
  const find = (metric: string, stat: Target['stat']) => targets.find((t) => t.metric === metric && t.stat === stat && below(t) && untagged(t));
  const p99 = find('http_req_duration', 'p99') ?? find('booking_duration', 'p99');
  const p95 = find('http_req_duration', 'p95');
  const errors = find('http_req_failed', 'rate');
  return {
    p99Ms: p99?.value ?? defaultCapacityLimits.p99Ms,
    p95Ms: p95?.value ?? null,
    errorRate: errors?.value ?? defaultCapacityLimits.errorRate,
    windowSeconds: defaultCapacityLimits.windowSeconds,
  };
}

const KEYS = ['p99', 'p95', 'errors', 'window'] as const;

/** `--capacity p99=2s,p95=1s,errors=5%,window=5s` over `base`; every problem at once. */
export function parseCapacityFlag(text: string, base: CapacityLimits): { ok: true; limits: CapacityLimits } | { ok: false; errors: string[] } {
  const limits = { ...base };
  const errors: string[] = [];
  const parts = text.split(',').map((p) => p.trim()).filter(Boolean);
  if (parts.length === 0) errors.push('--capacity: no settings given (e.g. p99=2s,errors=5%,window=5s)');
  for (const part of parts) {
    const eq = part.indexOf('=');
    const key = eq > 0 ? part.slice(0, eq) : part;
    const value = eq > 0 ? part.slice(eq + 1) : '';
    if (!(KEYS as readonly string[]).includes(key)) {
      errors.push(`--capacity: unknown setting "${key}" (known: ${KEYS.join(', ')})`);
    } else if (key === 'errors') {
      const m = /^(\d+(?:\.\d+)?)(%?)$/.exec(value);
      const rate = m ? (m[2] === '%' ? Number(m[1]) / 100 : Number(m[1])) : Number.NaN;
      if (!(rate > 0 && rate <= 1)) errors.push(`--capacity errors=${value}: expected a share above 0 and at most 100 %, such as 5% or 0.05`);
      else limits.errorRate = rate;
    } else {
      const ms = parseDuration(value) ?? Number.NaN;
      if (!(ms > 0) || ms > 24 * 3600_000) {
        errors.push(`--capacity ${key}=${value}: expected a duration above 0 and at most 24h, such as 2s or 300ms`);
      } else if (key === 'window') {
        if (ms % 1000 !== 0) errors.push(`--capacity window=${value}: expected whole seconds, such as 5s`);
        else limits.windowSeconds = ms / 1000;
      } else if (key === 'p99') limits.p99Ms = ms;
      else limits.p95Ms = ms;
    }
  }
  return errors.length > 0 ? { ok: false, errors } : { ok: true, limits };
}
