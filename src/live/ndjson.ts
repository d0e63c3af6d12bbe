// The opt-in exact record: k6's `--out json=FILE` NDJSON, streamed into the
// same per-second Timeline as the live feed, with exact percentiles (k6's
// own interpolation) from every http_req_duration point.
//
// Speed: k6 writes ~13 lines per request and only three matter (http_reqs,
// http_req_failed, http_req_duration). Lines are found with memchr on the raw
// bytes and classified by their fixed prefix there, so the other ten never
// become strings. The three become one-byte (latin1) strings that a targeted
// scanner reads for time, value and two tags, without JSON.parse; a line it
// does not recognise goes through JSON.parse, so any valid NDJSON counts.
//
// Memory: points are in time order per VU, not globally, so a second stays
// open for `lateSeconds` after the newest point. Only open seconds hold
// durations; a point later than that still counts (requests, failures) but
// no longer moves that second's percentiles.
import { createReadStream } from 'node:fs';
import { createGunzip } from 'node:zlib';
import { bytesAt, LineSplitter, parsePointLine, DURATION_TAIL, FAILED_TAIL, HTTP_REQ, isOtherPoint, METRIC_DECL, parseNumber, POINT_PREFIX, REQS_TAIL, tagValue } from './ndjson-scan.ts';
import { SecondWindow } from './ndjson-window.ts';
import type { OnSecond } from './timeline.ts';
import type { Timeline } from './types.ts';

export interface NdjsonOptions {
  lateSeconds?: number;
  onSecond?: OnSecond;
}

export interface NdjsonStats {
  lines: number;
  /** Point lines of the three metrics the timeline uses. */
  points: number;
  /** Lines the scanner handed to JSON.parse. */
  parsed: number;
  /** Lines that were not JSON (e.g. the torn last line of a killed run). */
  bad: number;
}

const KIND_REQS = 0;
const KIND_FAILED = 1;
const KIND_DURATION = 2;

export class NdjsonAggregator {
  private readonly window: SecondWindow;
  private readonly lines = new LineSplitter((b, start, end) => this.line(b, start, end));
  // Cache of the minute the last time stamp fell in: its prefix and epoch seconds.
  private minutePrefix = '';
  private minuteEpoch = 0;
  /** The fraction of a second of the time stamp second() read last, in µs. */
  private fracUs = 0;
  readonly stats: NdjsonStats = { lines: 0, points: 0, parsed: 0, bad: 0 };

  constructor(options: NdjsonOptions = {}) {
    this.window = new SecondWindow(options.lateSeconds ?? 10, options.onSecond);
  }

  write(chunk: Buffer | string): void {
    this.lines.write(typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk);
  }

  /** Flushes the last line and every open second. */
  end(): Timeline {
    this.lines.end();
    return this.window.finish();
  }

  timeline(): Timeline {
    return this.window.timeline();
  }

  /** What is held right now (open seconds, stored durations): flat however long the stream. */
  get held(): { openSeconds: number; durations: number; late: number; implausible: number } {
    return this.window.held;
  }

  /**
   * Classifies a line on its bytes; only the three metrics the timeline
   * uses become a (latin1, one byte per char) string for the scanner.
   */
  private line(b: Buffer, start: number, end: number): void {
    this.stats.lines++;
    if (bytesAt(b, start, POINT_PREFIX)) {
      const m = start + POINT_PREFIX.length;
      if (bytesAt(b, m, HTTP_REQ)) {
        const rest = m + HTTP_REQ.length;
        let kind = -1;
        let after = 0;
        if (bytesAt(b, rest, REQS_TAIL)) {
          kind = KIND_REQS;
          after = rest + REQS_TAIL.length;
        } else if (bytesAt(b, rest, FAILED_TAIL)) {
          kind = KIND_FAILED;
          after = rest + FAILED_TAIL.length;
        } else if (bytesAt(b, rest, DURATION_TAIL)) {
          kind = KIND_DURATION;
          after = rest + DURATION_TAIL.length;
        } else if (isOtherPoint(b, m, end)) {
          return;
        }
        if (kind >= 0 && this.scan(b.toString('latin1', start, end), kind, after - start)) return;
      } else if (isOtherPoint(b, m, end)) {
        return; // a metric the timeline does not use, skipped unread
      }
    } else if (bytesAt(b, start, METRIC_DECL)) {
      return;
    }
    this.fallback(b.toString('utf8', start, end));
  }

  /** Reads time, value and tags from k6's fixed layout; false sends the line to JSON.parse. */
  private scan(s: string, kind: number, timeAt: number): boolean {
    const end = s.length;
    const sec = this.second(s, timeAt);
    if (sec === null) return false;
    const v = s.indexOf('","value":', timeAt + 19);
    if (v < 0 || v > end) return false;
    const valueAt = v + 10;
    const comma = s.indexOf(',"tags":{', valueAt);
    if (comma < 0 || comma > end) return false;
    const value = parseNumber(s, valueAt, comma);
    if (Number.isNaN(value)) return false;
    const name = tagValue(s, '"name":"', comma, end);
    const scenario = tagValue(s, '"scenario":"', comma, end);
    if (name === false || scenario === false) return false;
    this.stats.points++;
    this.window.add(sec, kind, value, name, scenario, kind === KIND_FAILED ? sec * 1e6 + this.fracUs : undefined);
    return true;
  }

  /** Epoch second of an RFC 3339 time at `at`; null when it is not in the expected shape. */
  private second(s: string, at: number): number | null {
    if (this.minutePrefix === '' || !s.startsWith(this.minutePrefix, at)) {
      const prefix = s.slice(at, at + 16);
      const epoch = Date.parse(`${prefix}:00Z`);
      if (Number.isNaN(epoch) || s.charCodeAt(at + 16) !== 58 /* : */) return null;
      this.minutePrefix = prefix;
      this.minuteEpoch = epoch / 1000;
    }
    const d1 = s.charCodeAt(at + 17) - 48;
    const d2 = s.charCodeAt(at + 18) - 48;
    if (!(d1 >= 0 && d1 <= 9 && d2 >= 0 && d2 <= 9)) return null; // NaN past the end fails too
    let i = at + 19;
    let fracUs = 0;
    if (s.charCodeAt(i) === 46 /* . */) {
      i++;
      let scale = 100_000;
      for (let c = s.charCodeAt(i); c >= 48 && c <= 57; c = s.charCodeAt(++i)) {
        fracUs += (c - 48) * scale;
        scale /= 10;
      }
      fracUs = Math.floor(fracUs); // digits past µs (Go writes ns) fall away
    }
    this.fracUs = fracUs;
    const zone = s.charCodeAt(i);
    let offset = 0;
    if (zone === 43 /* + */ || zone === 45 /* - */) {
      // Go writes local time with its offset when TZ is not UTC.
      const hh = Number(s.slice(i + 1, i + 3));
      const mm = Number(s.slice(i + 4, i + 6));
      if (Number.isNaN(hh) || Number.isNaN(mm)) return null;
      offset = (zone === 43 ? 1 : -1) * (hh * 3600 + mm * 60);
    } else if (zone !== 90 /* Z */) {
      return null;
    }
    return this.minuteEpoch + d1 * 10 + d2 - offset;
  }

  private fallback(line: string): void {
    const point = parsePointLine(line, this.stats);
    if (!point) return;
    const kind = point.metric === 'http_reqs' ? KIND_REQS : point.metric === 'http_req_failed' ? KIND_FAILED : point.metric === 'http_req_duration' ? KIND_DURATION : -1;
    if (kind < 0) return;
    const ms = Date.parse(point.time);
    if (Number.isNaN(ms)) {
      this.stats.bad++;
      return;
    }
    this.stats.points++;
    this.window.add(Math.floor(ms / 1000), kind, point.value, point.tags.name ?? null, point.tags.scenario ?? null, kind === KIND_FAILED ? ms * 1000 : undefined);
  }
}


/** Aggregates one NDJSON file (gzip when it ends in .gz, as k6 writes it). */
export async function aggregateNdjsonFile(path: string, options: NdjsonOptions = {}): Promise<{ timeline: Timeline; stats: NdjsonStats }> {
  const agg = new NdjsonAggregator(options);
  const file = createReadStream(path, { highWaterMark: 1 << 20 });
  const stream = path.endsWith('.gz') ? file.pipe(createGunzip()) : file;
  for await (const chunk of stream) agg.write(chunk as Buffer);
  return { timeline: agg.end(), stats: agg.stats };
}
