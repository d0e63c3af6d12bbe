// A hand-written decoder for the Prometheus remote-write 1.0 `WriteRequest`
// (prompb/remote.proto, types.proto). Only the fields k6 sends are read;
// everything else is skipped by wire type, so newer senders still decode.
// Hand-written rather than generated: the schema is tiny and stable, and a
// direct reader allocates far less than a general protobuf runtime.

export interface Label {
  name: string;
  value: string;
}

export interface Sample {
  value: number;
  /** Unix milliseconds. */
  timestamp: number;
}

/** A native histogram as sent: counts are made absolute (deltas summed). */
export interface NativeHistogram {
  count: number;
  sum: number;
  schema: number;
  zeroThreshold: number;
  zeroCount: number;
  /** Absolute bucket indexes and their counts, ascending by index. */
  positive: Bucket[];
  negative: Bucket[];
  /** Unix milliseconds. */
  timestamp: number;
}

export interface Bucket {
  index: number;
  count: number;
}

export interface TimeSeries {
  labels: Label[];
  samples: Sample[];
  histograms: NativeHistogram[];
}

export class ProtobufError extends Error {}

const textDecoder = new TextDecoder('utf-8', { fatal: false });

/** A cursor over one message's bytes; `end` bounds nested messages. */
class Reader {
  pos: number;
  constructor(
    readonly buf: Uint8Array,
    start: number,
    readonly end: number,
  ) {
    this.pos = start;
  }

  varint(): number {
    // Values above 2^53 lose precision; k6's counts and timestamps stay far below.
    let result = 0;
    let mul = 1;
    for (let i = 0; i < 10; i++) {
      if (this.pos >= this.end) throw new ProtobufError('truncated varint');
      const b = this.buf[this.pos++]!;
      result += (b & 0x7f) * mul;
      if (b < 0x80) return result;
      mul *= 128;
    }
    throw new ProtobufError('varint longer than 10 bytes');
  }

  /** int64 as two's complement: a negative value arrives as a 10-byte varint. */
  int64(): number {
    const v = this.varint();
    return v >= 2 ** 63 ? v - 2 ** 64 : v;
  }

  zigzag(): number {
    const v = this.varint();
    // Arithmetic, not bit ops: sint64 values may exceed 32 bits.
    return v % 2 === 0 ? v / 2 : -(v + 1) / 2;
  }

  double(): number {
    if (this.pos + 8 > this.end) throw new ProtobufError('truncated double');
    const view = new DataView(this.buf.buffer, this.buf.byteOffset + this.pos, 8);
    this.pos += 8;
    return view.getFloat64(0, true);
  }

  /** Returns the end offset of a length-delimited field and leaves pos at its start. */
  lengthDelimited(): number {
    const len = this.varint();
    const end = this.pos + len;
    if (end > this.end) throw new ProtobufError('length-delimited field runs past its message');
    return end;
  }

  string(): string {
    const end = this.lengthDelimited();
    const s = textDecoder.decode(this.buf.subarray(this.pos, end));
    this.pos = end;
    return s;
  }

  skip(wireType: number): void {
    switch (wireType) {
      case 0:
        this.varint();
        return;
      case 1:
        this.pos += 8;
        break;
      case 2:
        this.pos = this.lengthDelimited();
        return;
      case 5:
        this.pos += 4;
        break;
      default:
        throw new ProtobufError(`unsupported wire type ${wireType}`);
    }
    if (this.pos > this.end) throw new ProtobufError('truncated field');
  }
}

/** Decodes an uncompressed WriteRequest into its time series. */
export function decodeWriteRequest(buf: Uint8Array): TimeSeries[] {
  const r = new Reader(buf, 0, buf.length);
  const out: TimeSeries[] = [];
  while (r.pos < r.end) {
    const key = r.varint();
    if (key >>> 3 === 1 && (key & 7) === 2) {
      const end = r.lengthDelimited();
      out.push(readTimeSeries(new Reader(buf, r.pos, end)));
      r.pos = end;
    } else {
      r.skip(key & 7); // metadata (field 3) and anything newer
    }
  }
  return out;
}

function readTimeSeries(r: Reader): TimeSeries {
  const ts: TimeSeries = { labels: [], samples: [], histograms: [] };
  while (r.pos < r.end) {
    const key = r.varint();
    const field = key >>> 3;
    if ((key & 7) !== 2 || field < 1 || field > 4 || field === 3) {
      r.skip(key & 7);
      continue;
    }
    const end = r.lengthDelimited();
    const sub = new Reader(r.buf, r.pos, end);
    if (field === 1) ts.labels.push(readLabel(sub));
    else if (field === 2) ts.samples.push(readSample(sub));
    else ts.histograms.push(readHistogram(sub));
    r.pos = end;
  }
  return ts;
}

function readLabel(r: Reader): Label {
  let name = '';
  let value = '';
  while (r.pos < r.end) {
    const key = r.varint();
    if (key === (1 << 3) + 2) name = r.string();
    else if (key === (2 << 3) + 2) value = r.string();
    else r.skip(key & 7);
  }
  return { name, value };
}

function readSample(r: Reader): Sample {
  let value = 0;
  let timestamp = 0;
  while (r.pos < r.end) {
    const key = r.varint();
    if (key === (1 << 3) + 1) value = r.double();
    else if (key === (2 << 3) + 0) timestamp = r.int64();
    else r.skip(key & 7);
  }
  return { value, timestamp };
}

interface Span {
  offset: number;
  length: number;
}

function readHistogram(r: Reader): NativeHistogram {
  const h: NativeHistogram = { count: 0, sum: 0, schema: 0, zeroThreshold: 0, zeroCount: 0, positive: [], negative: [], timestamp: 0 };
  const posSpans: Span[] = [];
  const negSpans: Span[] = [];
  let posValues: number[] = [];
  let negValues: number[] = [];
  // Integer histograms carry deltas between neighbouring buckets; float ones carry absolute counts.
  let posAreDeltas = true;
  let negAreDeltas = true;
  while (r.pos < r.end) {
    const key = r.varint();
    const field = key >>> 3;
    const wire = key & 7;
    switch (field) {
      case 1: h.count = r.varint(); break;
      case 2: h.count = r.double(); break;
      case 3: h.sum = r.double(); break;
      case 4: h.schema = r.zigzag(); break;
      case 5: h.zeroThreshold = r.double(); break;
      case 6: h.zeroCount = r.varint(); break;
      case 7: h.zeroCount = r.double(); break;
      case 8: negSpans.push(readSpan(r)); break;
      case 9: negValues = negValues.concat(readRepeated(r, wire, 'zigzag')); break;
      case 10: negValues = negValues.concat(readRepeated(r, wire, 'double')); negAreDeltas = false; break;
      case 11: posSpans.push(readSpan(r)); break;
      case 12: posValues = posValues.concat(readRepeated(r, wire, 'zigzag')); break;
      case 13: posValues = posValues.concat(readRepeated(r, wire, 'double')); posAreDeltas = false; break;
      case 15: h.timestamp = r.int64(); break;
      default: r.skip(wire);
    }
  }
  h.positive = expandBuckets(posSpans, posValues, posAreDeltas);
  h.negative = expandBuckets(negSpans, negValues, negAreDeltas);
  return h;
}

function readSpan(r: Reader): Span {
  const end = r.lengthDelimited();
  const sub = new Reader(r.buf, r.pos, end);
  const span: Span = { offset: 0, length: 0 };
  while (sub.pos < sub.end) {
    const key = sub.varint();
    if (key === (1 << 3) + 0) span.offset = sub.zigzag();
    else if (key === (2 << 3) + 0) span.length = sub.varint();
    else sub.skip(key & 7);
  }
  r.pos = end;
  return span;
}

/** Repeated scalars arrive packed (wire type 2) or, legally, one per key. */
function readRepeated(r: Reader, wire: number, kind: 'zigzag' | 'double'): number[] {
  const read = kind === 'zigzag' ? () => r.zigzag() : () => r.double();
  if (wire !== 2) return [read()];
  const end = r.lengthDelimited();
  const values: number[] = [];
  const outer = r.end;
  while (r.pos < end) values.push(read());
  if (r.pos !== end || end > outer) throw new ProtobufError('packed field misaligned');
  return values;
}

/** Spans give runs of consecutive bucket indexes; offsets are gaps from the previous run's end. */
function expandBuckets(spans: Span[], values: number[], deltas: boolean): Bucket[] {
  const out: Bucket[] = [];
  let index = 0;
  let v = 0;
  let running = 0;
  for (let s = 0; s < spans.length; s++) {
    const span = spans[s]!;
    index += span.offset;
    for (let i = 0; i < span.length; i++) {
      if (v >= values.length) throw new ProtobufError('histogram spans describe more buckets than it has counts');
      running = deltas ? running + values[v]! : values[v]!;
      v++;
      out.push({ index, count: running });
      index++;
    }
  }
  if (v !== values.length) throw new ProtobufError('histogram has more bucket counts than its spans describe');
  return out;
}
