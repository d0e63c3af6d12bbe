// How far back a gate's query looks, and which of its samples a phase may be
// judged on. Pure. A sample of `rate(x[1m])` at t describes (t - 1m, t]: in the
// minute after a fault, it still counts the fault's failures, so an "after"
// phase judged from its first second fails for what happened before it.
//
// The rule: a phase that follows another phase of the run (fault, recovery,
// after) is judged on the samples whose whole look-back lies inside it
// (from + look-back <= t <= to). A phase shorter than its look-back has no such
// sample, so it is judged once, at its end, with every range shortened to the
// phase's length: the phase as a whole. The baseline and the whole run keep
// every sample from their start: what their look-back sees is the system
// before the load, not another phase of this run.
import type { WindowName } from './gates.ts';

const UNIT: Record<string, number> = { ms: 0.001, s: 1, m: 60, h: 3600, d: 86_400, w: 604_800, y: 31_536_000 };
const DURATION = '(?:\\d+(?:ms|s|m|h|d|w|y))+';
// Strings are matched first so a bracket inside a label value is left alone.
const TOKENS = new RegExp(
  `"(?:[^"\\\\]|\\\\.)*"|'(?:[^'\\\\]|\\\\.)*'|\`[^\`]*\`|\\[\\s*(${DURATION})\\s*(:\\s*(?:${DURATION})?\\s*)?\\]|\\boffset\\s+(-?${DURATION})`,
  'gi',
);

export function durationSecondsOf(text: string): number {
  let total = 0;
  for (const m of text.matchAll(/(\d+)(ms|s|m|h|d|w|y)/gi)) total += Number(m[1]) * (UNIT[(m[2] as string).toLowerCase()] as number);
  return total;
}

/** Seconds before t that a sample at t reads: the longest range plus the longest offset (0 for a plain gauge). */
export function lookbackSeconds(query: string): number {
  let range = 0;
  let offset = 0;
  for (const m of query.matchAll(TOKENS)) {
    if (m[1] !== undefined) range = Math.max(range, durationSecondsOf(m[1]));
    if (m[3] !== undefined && !m[3].startsWith('-')) offset = Math.max(offset, durationSecondsOf(m[3]));
  }
  return range + offset;
}

/** The query with every range longer than `seconds` cut to it (a subquery's step is kept). */
export function shortenRanges(query: string, seconds: number): string {
  const cut = `${Math.max(1, Math.floor(seconds))}s`;
  return query.replace(TOKENS, (whole, range: string | undefined, sub: string | undefined) => {
    if (range === undefined || durationSecondsOf(range) <= seconds) return whole;
    return `[${cut}${sub ?? ''}]`;
  });
}

/** Phases whose start is another phase's end: a look-back from inside them can reach into that one. */
const FOLLOWS_ANOTHER: ReadonlySet<WindowName> = new Set(['fault', 'recovery', 'after']);

export type JudgedSpan =
  /** Judge the range query's samples at from <= t < to (or <= to when `inclusive`). */
  | { kind: 'samples'; from: number; to: number; inclusive: boolean; lookback: number }
  /** Judge one instant query of `query` at `at`: the phase as a whole. */
  | { kind: 'whole'; at: number; query: string; lookback: number; shortenedTo: number };

/** Which samples a phase [from, to) is judged on, for a query with this look-back. */
export function judgedSpan(window: WindowName, from: number, to: number, query: string): JudgedSpan {
  const lookback = lookbackSeconds(query);
  if (!FOLLOWS_ANOTHER.has(window) || lookback === 0) return { kind: 'samples', from, to, inclusive: false, lookback };
  // A sample at the phase's end still looks back only over the phase: it belongs to it.
  if (from + lookback <= to) return { kind: 'samples', from: from + lookback, to, inclusive: true, lookback };
  const length = to - from;
  return { kind: 'whole', at: to, query: shortenRanges(query, length), lookback, shortenedTo: Math.max(1, Math.floor(length)) };
}

/** May a live evaluation at `now` in a phase begun at `from` judge this query (its look-back inside the phase)? */
export function liveLookbackInside(window: WindowName, from: number, now: number, query: string): boolean {
  return !FOLLOWS_ANOTHER.has(window) || now - lookbackSeconds(query) >= from;
}
