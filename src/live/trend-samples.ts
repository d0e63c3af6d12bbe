// Every trend sample of every runner (k6's `--out json` NDJSON, one file per
// runner) into one LogSketch per series (metric and tag set), so a test
// split over N runners gets the percentiles one k6 would have computed over
// all the samples, within SKETCH_RELATIVE_ERROR. The native histograms of the
// live feed are 9 % wide (k6 fixes their resolution); these are not.
//
// Speed: lines are split with memchr on the bytes; a Point's metric name is
// read there and only trend points become strings, read by a targeted
// scanner (value, then the tags object as the series key). Tags are parsed
// once per series, not per line. A line in another shape goes through
// JSON.parse.
import { createReadStream } from 'node:fs';
import { createGunzip } from 'node:zlib';
import { bytesAt, LineSplitter, METRIC_DECL, parseNumber, parsePointLine, POINT_PREFIX } from './ndjson-scan.ts';
import { LogSketch, SKETCH_RELATIVE_ERROR } from './sketch.ts';
import type { MergedTrend } from './final-histograms.ts';

const POINT_TYPE = Buffer.from('","type":"Point"', 'latin1');
const VALUE = Buffer.from('"value":', 'latin1');
const TAGS = Buffer.from('"tags":', 'latin1');
// k6's built-in trends, for points read before (or without) their declaration line.
const BUILT_IN_TRENDS = new Set([
  'http_req_duration', 'http_req_blocked', 'http_req_connecting', 'http_req_tls_handshaking', 'http_req_sending',
  'http_req_waiting', 'http_req_receiving', 'iteration_duration', 'group_duration', 'ws_connecting', 'ws_session_duration',
  'ws_ping', 'grpc_req_duration',
]);

interface Series {
  labels: Record<string, string>;
  sketch: LogSketch;
}

export interface TrendSampleStats {
  lines: number;
  /** Trend points counted. */
  points: number;
  /** Lines handed to JSON.parse, and lines that were not JSON (a killed runner's torn last line). */
  parsed: number;
  bad: number;
}

export class TrendSamples {
  private readonly trends = new Map<string, Map<string, Series>>();
  private readonly kinds = new Map<string, boolean>();
  /** The last scanned line's tags object (bytes) and its string: the key of its series. */
  private lastTags: Buffer | null = null;
  private lastKey = '';
  private readonly lines = new LineSplitter((b, start, end) => this.line(b, start, end));
  readonly stats: TrendSampleStats = { lines: 0, points: 0, parsed: 0, bad: 0 };

  write(chunk: Buffer): void {
    this.lines.write(chunk);
  }

  /** The last line, when the stream did not end in a newline. */
  end(): void {
    this.lines.end();
  }

  metrics(): string[] {
    return [...this.trends.keys()];
  }

  /** The trend over every series whose tags include `tags` (a submetric); undefined when no such sample arrived. */
  merged(metric: string, tags: Readonly<Record<string, string>> = {}): MergedTrend | undefined {
    const all = this.trends.get(metric);
    if (!all) return undefined;
    const wanted = Object.entries(tags);
    const sketch = new LogSketch();
    let series = 0;
    for (const s of all.values()) {
      if (!wanted.every(([k, v]) => s.labels[k] === v)) continue;
      sketch.merge(s.sketch);
      series++;
    }
    if (series === 0) return undefined;
    return {
      count: sketch.count,
      avg: sketch.count > 0 ? sketch.sum / sketch.count : null,
      min: sketch.count > 0 ? sketch.min : null,
      max: sketch.count > 0 ? sketch.max : null,
      percentile: (p) => sketch.percentile(p),
      bracket: (p) => {
        const r = sketch.around(p);
        // Widened by the sketch's error, so the true order statistics are inside.
        const slack = 2 * SKETCH_RELATIVE_ERROR;
        return r === null ? null : [r[0] - Math.abs(r[0]) * slack, r[1] + Math.abs(r[1]) * slack];
      },
      source: 'samples',
      relativeError: SKETCH_RELATIVE_ERROR,
      series,
    };
  }

  private line(b: Buffer, start: number, end: number): void {
    this.stats.lines++;
    if (bytesAt(b, start, POINT_PREFIX)) {
      const at = start + POINT_PREFIX.length;
      const q = b.indexOf(34 /* " */, at);
      if (q > 0 && q < end && bytesAt(b, q, POINT_TYPE)) {
        const name = b.toString('latin1', at, q);
        if (!(this.kinds.get(name) ?? BUILT_IN_TRENDS.has(name))) return; // not a trend: skipped unread
        if (this.scan(name, b, q, end)) return;
      }
    } else if (bytesAt(b, start, METRIC_DECL)) {
      this.declare(b.toString('utf8', start, end));
      return;
    }
    this.fallback(b.toString('utf8', start, end));
  }

  /**
   * Value and tags from k6's layout, on the bytes; false sends the line to
   * JSON.parse. The tags object closes the line (`...}}}`); the lines of one
   * request share it, so it becomes a string only when it differs from the
   * last line's.
   */
  private scan(name: string, b: Buffer, from: number, end: number): boolean {
    const v = b.indexOf(VALUE, from);
    if (v < 0 || v > end) return false;
    const valueAt = v + VALUE.length;
    const comma = b.indexOf(44 /* , */, valueAt);
    if (comma < 0 || comma > end || !bytesAt(b, comma + 1, TAGS)) return false;
    const value = parseNumber(b.toString('latin1', valueAt, comma), 0, comma - valueAt);
    if (Number.isNaN(value)) return false;
    const tagsAt = comma + 1 + TAGS.length;
    const tagsEnd = end - 2;
    if (b[tagsAt] !== 123 || b[tagsEnd - 1] !== 125 || b[tagsEnd] !== 125 || b[tagsEnd + 1] !== 125) return false;
    const last = this.lastTags;
    if (last === null || last.length !== tagsEnd - tagsAt || b.compare(last, 0, last.length, tagsAt, tagsEnd) !== 0) {
      const key = b.toString('latin1', tagsAt, tagsEnd);
      // A `}` inside a string value could end the object early: only a whole object is a key.
      if (objectEnd(key, 0) !== key.length) return false;
      this.lastTags = Buffer.from(b.subarray(tagsAt, tagsEnd));
      this.lastKey = key;
    }
    this.add(name, this.lastKey, value, undefined);
    return true;
  }

  private add(name: string, key: string, value: number, labels: Record<string, string> | undefined): void {
    let byKey = this.trends.get(name);
    if (!byKey) {
      byKey = new Map();
      this.trends.set(name, byKey);
    }
    let series = byKey.get(key);
    if (!series) {
      series = { labels: labels ?? parseTags(key), sketch: new LogSketch() };
      byKey.set(key, series);
    }
    series.sketch.add(value);
    this.stats.points++;
  }

  private declare(line: string): void {
    try {
      const doc = JSON.parse(line) as { data?: { name?: unknown; type?: unknown } };
      if (typeof doc.data?.name === 'string') this.kinds.set(doc.data.name, doc.data.type === 'trend');
    } catch {
      this.stats.bad++;
    }
  }

  private fallback(line: string): void {
    const point = parsePointLine(line, this.stats);
    if (!point || !(this.kinds.get(point.metric) ?? BUILT_IN_TRENDS.has(point.metric))) return;
    // A key in the scanner's form (latin1 of the UTF-8 JSON), so both paths meet in one series.
    this.add(point.metric, Buffer.from(JSON.stringify(point.tags), 'utf8').toString('latin1'), point.value, point.tags);
  }
}

/** Index just past the `}` closing the object that starts at `at`; -1 when it does not close. */
function objectEnd(s: string, at: number): number {
  if (s.charCodeAt(at) !== 123 /* { */) return -1;
  let depth = 0;
  let inString = false;
  for (let i = at; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (inString) {
      if (c === 92 /* \ */) i++;
      else if (c === 34) inString = false;
    } else if (c === 34) inString = true;
    else if (c === 123) depth++;
    else if (c === 125 && --depth === 0) return i + 1;
  }
  return -1;
}

function parseTags(latin1: string): Record<string, string> {
  try {
    const tags = JSON.parse(Buffer.from(latin1, 'latin1').toString('utf8')) as Record<string, unknown>;
    const out: Record<string, string> = {};
    for (const [k, v] of Object.entries(tags)) if (typeof v === 'string') out[k] = v;
    return out;
  } catch {
    return {};
  }
}

/**
 * Reads one runner's samples file (gzip when it ends in .gz, as k6 writes
 * it) into `into`. A killed runner leaves a torn gzip stream: what could be
 * read counts, and `complete` is false.
 */
export async function readSamplesFile(path: string, into: TrendSamples): Promise<{ complete: boolean; error?: string }> {
  const file = createReadStream(path, { highWaterMark: 1 << 20 });
  const stream = path.endsWith('.gz') ? file.pipe(createGunzip()) : file;
  try {
    for await (const chunk of stream) into.write(chunk as Buffer);
    into.end();
    return { complete: true };
  } catch (error) {
    file.destroy();
    into.end();
    return { complete: false, error: (error as Error).message };
  }
}
