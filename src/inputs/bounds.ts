// One table of numeric limits, used by the command-line flags and by the
// profile and experiment files alike, so a number refused on one path is
// refused on every path, with the same words. Pure.
import { parseDuration } from '../shared/duration.ts';

/** setTimeout's ceiling (2^31 - 1 ms, about 24.8 days): a longer timer fires at once. */
export const MAX_TIMER_MS = 2_147_483_647;

export interface WholeLimit {
  min: number;
  max: number;
  /** What the number counts, for messages: "virtual users". */
  of: string;
}

export const limits = {
  /** Peak VUs of a run (flag and profile fields alike). 100,000 is the largest shipped tier. */
  vus: { min: 1, max: 1_000_000, of: 'virtual users' },
  /** Iterations started per time unit by the arrival-rate executors. */
  rate: { min: 0, max: 10_000_000, of: 'iterations per time unit' },
  users: { min: 1, max: 1_000_000, of: 'accounts' },
  demoUsers: { min: 1, max: 100_000, of: 'accounts' },
  concurrency: { min: 1, max: 1000, of: 'requests in flight' },
  port: { min: 0, max: 65535, of: 'port' },
  events: { min: 1, max: 10_000, of: 'events' },
  seats: { min: 1, max: 100_000, of: 'seats per event' },
} as const satisfies Record<string, WholeLimit>;

export type Checked<T> = { ok: true; value: T } | { ok: false; problem: string };

/** A whole number typed by a user ("50"), within the limit. "1e9" and "99999999999999999999" are refused alike. */
export function checkWhole(name: string, text: string, limit: WholeLimit): Checked<number> {
  const trimmed = text.trim();
  const value = Number(trimmed);
  if (!/^\d+$/.test(trimmed) || value < limit.min || value > limit.max) {
    return { ok: false, problem: `${name} must be a whole number from ${limit.min} to ${limit.max.toLocaleString('en-US')}, got "${text}"` };
  }
  return { ok: true, value };
}

/** The same limit for a number that came from a file (already a number). */
export function wholeProblem(name: string, value: number, limit: WholeLimit): string | undefined {
  if (Number.isInteger(value) && value >= limit.min && value <= limit.max) return undefined;
  return `${name}: expected a whole number from ${limit.min} to ${limit.max.toLocaleString('en-US')} (${limit.of}), got ${value}`;
}

/** Readable form of the timer ceiling for messages. */
export const MAX_DURATION_TEXT = '24.8 days (596h)';

/**
 * Why a duration cannot be used, or undefined. `minMs` is the smallest
 * allowed: k6 refuses a constant executor shorter than 1 s, and a
 * zero-length hold means nothing runs.
 */
export function durationProblem(name: string, ms: number, minMs = 0): string | undefined {
  if (!Number.isFinite(ms) || ms > MAX_TIMER_MS) return `${name}: longer than the maximum of ${MAX_DURATION_TEXT}`;
  if (ms < minMs || ms <= 0) return `${name}: must be at least ${minMs >= 1000 ? `${minMs / 1000}s` : `${Math.max(minMs, 1)}ms`}`;
  return undefined;
}

/** A --duration flag for a load run: a k6 duration from 1 s (k6's own floor) to the timer ceiling. */
export function runDurationProblem(flag: string, text: string): string | undefined {
  const ms = parseDuration(text);
  if (ms === undefined) return `${flag}: expected a k6 duration such as 30s, 5m or 1m30s, got "${text}"`;
  return durationProblem(`${flag} ${text}`, ms, 1000);
}
