// TEST-ONLY encoder: builds Prometheus remote-write 1.0 bodies (protobuf
// WriteRequest + snappy) the way k6's experimental-prometheus-rw output does,
// because real k6 cannot be made to produce a chosen truth (a known outage
// window, exact per-second counts) on demand. It exists to feed built truths
// through the real decoder and aggregator; it is not used by loadctl. (Real
// k6's own pushes are decoded in the live-run and k6-real suites.) Field numbers follow prompb/types.proto.
import { compress } from 'snappyjs';

export interface EncLabel {
  name: string;
  value: string;
}

export interface EncHistogram {
  count: number;
  sum: number;
  schema: number;
  zeroCount: number;
  /** Absolute bucket index -> count. */
  buckets: Map<number, number>;
  timestamp: number;
  /** Float histogram (fields 2, 7, 13) instead of the integer one k6 sends. */
  float?: boolean;
}

export interface EncSeries {
  labels: EncLabel[];
  samples?: { value: number; timestamp: number }[];
  histograms?: EncHistogram[];
}

class Writer {
  private bytes: number[] = [];
  varint(v: number): void {
    // Arithmetic so values above 2^31 (timestamps) encode right.
    while (v >= 128) {
      this.bytes.push((v % 128) | 128);
      v = Math.floor(v / 128);
    }
    this.bytes.push(v);
  }
  key(field: number, wire: number): void {
    this.varint(field * 8 + wire);
  }
  zigzag(v: number): void {
    this.varint(v >= 0 ? v * 2 : -v * 2 - 1);
  }
  double(v: number): void {
    const b = Buffer.alloc(8);
    b.writeDoubleLE(v);
    this.bytes.push(...b);
  }
  bytesField(field: number, data: Uint8Array): void {
    this.key(field, 2);
    this.varint(data.length);
    this.bytes.push(...data);
  }
  string(field: number, s: string): void {
    this.bytesField(field, Buffer.from(s, 'utf8'));
  }
  finish(): Uint8Array {
    return Uint8Array.from(this.bytes);
  }
}

function encodeHistogram(h: EncHistogram): Uint8Array {
  const w = new Writer();
  if (h.float) {
    w.key(2, 1);
    w.double(h.count);
  } else {
    w.key(1, 0);
    w.varint(h.count);
  }
  w.key(3, 1);
  w.double(h.sum);
  w.key(4, 0);
  w.zigzag(h.schema);
  w.key(5, 1);
  w.double(2.938735877055719e-39); // k6's zero threshold
  if (h.float) {
    w.key(7, 1);
    w.double(h.zeroCount);
  } else {
    w.key(6, 0);
    w.varint(h.zeroCount);
  }
  const indexes = [...h.buckets.keys()].sort((a, b) => a - b);
  // Runs of consecutive indexes become spans; offsets are gaps from the previous run.
  let prevEnd: number | null = null;
  let runStart = 0;
  let runLen = 0;
  const spans: { offset: number; length: number }[] = [];
  for (const i of indexes) {
    if (prevEnd !== null && i === prevEnd) {
      runLen++;
    } else {
      if (runLen > 0) spans.push({ offset: runStart, length: runLen });
      runStart = prevEnd === null ? i : i - prevEnd;
      runLen = 1;
    }
    prevEnd = i + 1;
  }
  if (runLen > 0) spans.push({ offset: runStart, length: runLen });
  for (const s of spans) {
    const sw = new Writer();
    sw.key(1, 0);
    sw.zigzag(s.offset);
    sw.key(2, 0);
    sw.varint(s.length);
    w.bytesField(11, sw.finish());
  }
  const values = new Writer();
  let prev = 0;
  for (const i of indexes) {
    const c = h.buckets.get(i)!;
    if (h.float) values.double(c);
    else values.zigzag(c - prev);
    prev = c;
  }
  if (indexes.length > 0) w.bytesField(h.float ? 13 : 12, values.finish());
  w.key(15, 0);
  w.varint(h.timestamp);
  return w.finish();
}

/** The uncompressed WriteRequest. */
export function encodeWriteRequest(series: EncSeries[]): Uint8Array {
  const w = new Writer();
  for (const s of series) {
    const ts = new Writer();
    for (const l of s.labels) {
      const lw = new Writer();
      lw.string(1, l.name);
      lw.string(2, l.value);
      ts.bytesField(1, lw.finish());
    }
    for (const x of s.samples ?? []) {
      const sw = new Writer();
      sw.key(1, 1);
      sw.double(x.value);
      sw.key(2, 0);
      sw.varint(x.timestamp);
      ts.bytesField(2, sw.finish());
    }
    for (const h of s.histograms ?? []) ts.bytesField(4, encodeHistogram(h));
    w.bytesField(1, ts.finish());
  }
  return w.finish();
}

/** A body as k6 POSTs it: snappy block format over the WriteRequest. */
export function encodeBody(series: EncSeries[]): Buffer {
  return Buffer.from(compress(encodeWriteRequest(series)));
}

/** Native-histogram bucket of a positive value: (base^(i-1), base^i]. */
export function bucketIndex(value: number, schema: number): number {
  return Math.ceil(Math.log2(value) * 2 ** schema);
}
