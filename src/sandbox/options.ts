// Pure parsing of the sandbox's command-line options: strings in, a checked
// SandboxOptions or every problem at once out.
import type { SandboxOptions } from './server.ts';
import { parseBreaks } from './breaks.ts';
import { checkHost } from '../inputs/url.ts';
import { MAX_DURATION_TEXT, MAX_TIMER_MS } from '../inputs/bounds.ts';
import { parseDuration as parseK6Duration } from '../shared/duration.ts';

/** "5m", "30s", "1500ms", "1h" (k6's grammar), or a bare number of seconds; undefined when malformed. */
export function parseDuration(text: string): number | undefined {
  const trimmed = text.trim();
  const ms = parseK6Duration(/^\d+(\.\d+)?$/.test(trimmed) ? `${trimmed}s` : trimmed);
  return ms === undefined ? undefined : Math.round(ms);
}

export interface RawSandboxOptions {
  port?: string;
  host?: string;
  redis?: string;
  holdTtl?: string;
  events?: string;
  seats?: string;
  /** Bookings recorded in this PostgreSQL too (postgres://...). */
  postgres?: string;
  /** Off-by-default break modes, comma separated (src/sandbox/breaks.ts). */
  break?: string;
}

export type Parsed<T> = { ok: true; value: T } | { ok: false; errors: string[] };

function intIn(name: string, raw: string | undefined, min: number, max: number, errors: string[]): number | undefined {
  if (raw === undefined) return undefined;
  if (!/^\d+$/.test(raw.trim()) || Number(raw) < min || Number(raw) > max) {
    errors.push(`${name} must be a whole number from ${min} to ${max}, got "${raw}"`);
    return undefined;
  }
  return Number(raw);
}

export function parseSandboxOptions(raw: RawSandboxOptions): Parsed<SandboxOptions> {
  const errors: string[] = [];
  const value: SandboxOptions = {};
  const port = intIn('--port', raw.port, 0, 65535, errors);
  if (port !== undefined) value.port = port;
  if (raw.host !== undefined) {
    // Refused here, before the server's listen() would look the name up.
    const host = checkHost('--host', raw.host);
    if (host.ok) value.host = host.value;
    else errors.push(host.problem);
  }
  const events = intIn('--events', raw.events, 1, 10_000, errors);
  if (events !== undefined) value.events = events;
  const seats = intIn('--seats', raw.seats, 1, 100_000, errors);
  if (seats !== undefined) value.seatsPerEvent = seats;
  if (raw.holdTtl !== undefined) {
    const ms = parseDuration(raw.holdTtl);
    if (ms === undefined || ms < 1000) errors.push(`--hold-ttl must be a duration of at least 1s such as 30s, 5m or 1500ms, got "${raw.holdTtl}"`);
    else if (ms > MAX_TIMER_MS) errors.push(`--hold-ttl ${raw.holdTtl}: longer than the maximum of ${MAX_DURATION_TEXT}`);
    else value.holdTtlMs = ms;
  }
  if (raw.postgres !== undefined) {
    if (!/^postgres(ql)?:\/\//.test(raw.postgres)) errors.push(`--postgres must be a URL such as postgres://postgres@127.0.0.1:5432/ticketing, got "${raw.postgres}"`);
    else value.postgresUrl = raw.postgres;
  }
  if (raw.break !== undefined) {
    const parsed = parseBreaks(raw.break);
    if ('error' in parsed) errors.push(`--break: ${parsed.error}`);
    else value.breaks = parsed.modes;
  }
  if (raw.redis !== undefined) {
    let url: URL | undefined;
    try { url = new URL(raw.redis); } catch { /* reported below */ }
    if (!url || (url.protocol !== 'redis:' && url.protocol !== 'rediss:')) errors.push(`--redis must be a URL such as redis://127.0.0.1:6379, got "${raw.redis}"`);
    else value.redisUrl = raw.redis;
  }
  return errors.length > 0 ? { ok: false, errors } : { ok: true, value };
}
