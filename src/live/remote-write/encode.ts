// Encodes loadctl's own series (run and fault markers) as a Prometheus
// remote-write 1.0 body: a protobuf WriteRequest, snappy block-compressed.
// Float samples only; field numbers from prompb (WriteRequest.timeseries = 1,
// TimeSeries.labels = 1 / samples = 2, Label.name = 1 / value = 2,
// Sample.value = 1 (double) / timestamp = 2 (int64 ms)).
import { compress } from 'snappyjs';

export interface MarkerSeries {
  /** Includes __name__. */
  labels: Record<string, string>;
  samples: Array<{ value: number; timestamp: number }>;
}

function varint(out: number[], v: number): void {
  // Arithmetic, not bit operators: millisecond timestamps pass 2^31.
  while (v >= 0x80) {
    out.push((v % 0x80) | 0x80);
    v = Math.floor(v / 0x80);
  }
  out.push(v);
}

function field(out: number[], num: number, bytes: Uint8Array | number[]): void {
  varint(out, (num << 3) | 2);
  varint(out, bytes.length);
  for (const b of bytes) out.push(b);
}

const utf8 = (s: string) => [...Buffer.from(s, 'utf8')];

function sample(value: number, timestamp: number): number[] {
  const out: number[] = [0x09];
  const f = Buffer.alloc(8);
  f.writeDoubleLE(value);
  out.push(...f);
  out.push(0x10);
  varint(out, timestamp);
  return out;
}

export function encodeWriteRequest(series: readonly MarkerSeries[]): Uint8Array {
  const body: number[] = [];
  for (const s of series) {
    const ts: number[] = [];
    // Prometheus wants labels sorted by name.
    for (const name of Object.keys(s.labels).sort()) {
      const label: number[] = [];
      field(label, 1, utf8(name));
      field(label, 2, utf8(s.labels[name] as string));
      field(ts, 1, label);
    }
    for (const x of s.samples) field(ts, 2, sample(x.value, x.timestamp));
    field(body, 1, ts);
  }
  return compress(Uint8Array.from(body));
}
