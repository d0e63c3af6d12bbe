// Byte- and char-level helpers for the NDJSON scanner (src/live/ndjson.ts):
// k6's fixed line shapes, and readers for the few fields the timeline needs.

const ascii = (s: string): Uint8Array => Buffer.from(s, 'latin1');
export const POINT_PREFIX = ascii('{"metric":"');
export const METRIC_DECL = ascii('{"type":"Metric"');
const POINT_TYPE = ascii('","type":"Point"');
export const HTTP_REQ = ascii('http_req');
// k6 v0.49 and v2 both write a Point as metric, type, then data starting with time.
const TIME_TAIL = '","type":"Point","data":{"time":"';
export const REQS_TAIL = ascii(`s${TIME_TAIL}`);
export const FAILED_TAIL = ascii(`_failed${TIME_TAIL}`);
export const DURATION_TAIL = ascii(`_duration${TIME_TAIL}`);

/** A Point line of some metric we do not need: skip it unread. */
export function isOtherPoint(b: Buffer, nameAt: number, end: number): boolean {
  const q = b.indexOf(34 /* " */, nameAt);
  return q > 0 && q < end && bytesAt(b, q, POINT_TYPE);
}

export function bytesAt(b: Buffer, at: number, pattern: Uint8Array): boolean {
  if (at + pattern.length > b.length) return false;
  for (let i = 0; i < pattern.length; i++) if (b[at + i] !== pattern[i]) return false;
  return true;
}

export interface Point {
  metric: string;
  time: string;
  value: number;
  tags: Record<string, string>;
}

/** A line the scanners did not recognise, through JSON.parse: its Point, or null (counted in `stats`). */
export function parsePointLine(line: string, stats: { parsed: number; bad: number }): Point | null {
  stats.parsed++;
  try {
    return asPoint(JSON.parse(line));
  } catch {
    stats.bad++;
    return null;
  }
}

export function asPoint(doc: unknown): Point | null {
  if (typeof doc !== 'object' || doc === null) return null;
  const d = doc as { type?: unknown; metric?: unknown; data?: { time?: unknown; value?: unknown; tags?: unknown } };
  if (d.type !== 'Point' || typeof d.metric !== 'string' || typeof d.data !== 'object' || d.data === null) return null;
  const { time, value, tags } = d.data;
  if (typeof time !== 'string' || typeof value !== 'number') return null;
  const t = typeof tags === 'object' && tags !== null ? (tags as Record<string, string>) : {};
  return { metric: d.metric, time, value, tags: t };
}

/** A tag's value, null when absent, false when escaped (let JSON.parse decide). */
export function tagValue(s: string, key: string, from: number, end: number): string | null | false {
  const k = s.indexOf(key, from);
  if (k < 0 || k > end) return null;
  const at = k + key.length;
  const q = s.indexOf('"', at);
  if (q < 0 || q > end) return false;
  const value = utf8(s.slice(at, q));
  return value.includes('\\') ? false : value;
}

/** Re-reads a latin1-decoded slice as the UTF-8 it was; ASCII (the usual case) passes untouched. */
export function utf8(latin1: string): string {
  // eslint-disable-next-line no-control-regex
  return /[^\x00-\x7f]/.test(latin1) ? Buffer.from(latin1, 'latin1').toString('utf8') : latin1;
}

/** A JSON number between `from` and `to`, without allocating for the common plain decimal. */
export function parseNumber(s: string, from: number, to: number): number {
  let i = from;
  let neg = false;
  if (s.charCodeAt(i) === 45) {
    neg = true;
    i++;
  }
  let int = 0;
  let digits = 0;
  let c = s.charCodeAt(i);
  while (c >= 48 && c <= 57) {
    int = int * 10 + (c - 48);
    digits++;
    c = s.charCodeAt(++i);
  }
  let frac = 0;
  let scale = 1;
  if (c === 46) {
    c = s.charCodeAt(++i);
    while (c >= 48 && c <= 57) {
      frac = frac * 10 + (c - 48);
      scale *= 10;
      digits++;
      c = s.charCodeAt(++i);
    }
  }
  // Exponents, or more digits than a double holds exactly: let Number() round.
  if (i !== to || digits === 0 || digits > 15) return Number(s.slice(from, to));
  // Two exact integers divide to the correctly rounded decimal, as JSON.parse gives.
  const v = (int * scale + frac) / scale;
  return neg ? -v : v;
}

/**
 * NDJSON bytes into lines, found with memchr on the raw chunk (far faster
 * than scanning a string); only a line that straddles two chunks is copied.
 */
export class LineSplitter {
  private rest: Buffer | null = null;

  constructor(private readonly line: (b: Buffer, start: number, end: number) => void) {}

  write(buf: Buffer): void {
    let start = 0;
    if (this.rest !== null) {
      const nl = buf.indexOf(10);
      if (nl < 0) {
        this.rest = Buffer.concat([this.rest, buf]);
        return;
      }
      const joined = Buffer.concat([this.rest, buf.subarray(0, nl)]);
      this.rest = null;
      if (joined.length > 0) this.line(joined, 0, joined.length);
      start = nl + 1;
    }
    for (;;) {
      const nl = buf.indexOf(10, start);
      if (nl < 0) break;
      if (nl > start) this.line(buf, start, nl);
      start = nl + 1;
    }
    // A copy: the caller may reuse its buffer.
    if (start < buf.length) this.rest = Buffer.from(buf.subarray(start));
  }

  /** The last line, when the stream did not end in a newline (blank: nothing). */
  end(): void {
    const tail = this.rest;
    this.rest = null;
    if (tail !== null && tail.toString('latin1').trim() !== '') this.line(tail, 0, tail.length);
  }
}
