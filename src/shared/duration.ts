// The one duration grammar of loadctl: k6's (Go's time.ParseDuration, plus k6's
// leading days), so a profile, a flag, an experiment and k6 itself read "1m30s",
// "500ms", "1.5h" or "2d12h" alike. One difference, on purpose: a bare number,
// which k6 takes as milliseconds, is refused here, so "30" is never 30 ms by
// surprise; a caller that wants bare seconds (the sandbox's flags) says so.
// PromQL's durations ("5m", "1w", no fractions) are another language and stay
// in src/prometheus/lookback.ts.

const UNIT_MS: Record<string, number> = { ns: 1e-6, us: 1e-3, µs: 1e-3, μs: 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
const PART = /(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|μs|ms|s|m|h)/y;
const DAYS = /^(\d+)d/;

/** The pattern of a k6 duration, for schemas that validate text before parsing it. */
export const DURATION_PATTERN = /^(?=[\d.])(?:\d+d)?(?:(?:\d+(?:\.\d*)?|\.\d+)(?:ns|us|µs|μs|ms|s|m|h))*$/;

/** Milliseconds in a k6 duration ("1m30s" -> 90000, "2d" -> 172800000); undefined when it is not one. */
export function parseDuration(text: string): number | undefined {
  const trimmed = text.trim();
  const days = DAYS.exec(trimmed);
  let ms = days ? Number(days[1]) * 86_400_000 : 0;
  let at = days ? days[0].length : 0;
  if (at === trimmed.length && !days) return undefined;
  PART.lastIndex = at;
  while (at < trimmed.length) {
    const m = PART.exec(trimmed);
    if (!m) return undefined;
    ms += Number(m[1]) * UNIT_MS[m[2]!]!;
    at = PART.lastIndex;
  }
  return Number.isFinite(ms) ? ms : undefined;
}

/** Seconds in a k6 duration, for readers that count in seconds; undefined when it is not one. */
export function durationSeconds(text: string): number | undefined {
  const ms = parseDuration(text);
  return ms === undefined ? undefined : ms / 1000;
}

/**
 * The shortest readable form, which parseDuration reads back: 250ms, 1.5s, 30s,
 * 2m, 1m30s, 2h, 1h30m. Under a second it counts whole ms; under a minute,
 * seconds to a tenth; above, whole seconds (a measured 61.4 s reads 1m1s).
 */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms)) return String(ms);
  if (ms < 1000) return `${Math.round(ms)}ms`;
  if (ms < 60_000) return `${Number((ms / 1000).toFixed(ms % 1000 === 0 ? 0 : 1))}s`;
  const total = Math.round(ms / 1000);
  const parts: Array<[number, string]> = [[Math.floor(total / 3600), 'h'], [Math.floor(total / 60) % 60, 'm'], [total % 60, 's']];
  return parts.filter(([n]) => n > 0).map(([n, unit]) => `${n}${unit}`).join('');
}
