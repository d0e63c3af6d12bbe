// One remote-write POST body -> time series. Checks the headers k6 sends
// (snappy, protobuf, remote-write 0.1.0) so a misconfigured sender gets a
// clear answer instead of garbage figures.
import { uncompress } from 'snappyjs';
import { decodeWriteRequest, type TimeSeries } from './protobuf.ts';

/** A sane ceiling for one decompressed push; k6 sends a few KB per second. */
export const MAX_DECODED_BYTES = 64 * 1024 * 1024;

export class RemoteWriteError extends Error {
  constructor(
    message: string,
    /** The HTTP status the receiver should answer with. */
    readonly status: number,
  ) {
    super(message);
  }
}

export interface BodyHeaders {
  'content-encoding'?: string | undefined;
  'content-type'?: string | undefined;
}

/** Decodes a body, throwing RemoteWriteError with the status to answer. */
export function decodeBody(body: Uint8Array, headers: BodyHeaders): TimeSeries[] {
  const encoding = (headers['content-encoding'] ?? '').toLowerCase();
  if (encoding !== 'snappy') {
    throw new RemoteWriteError(`content-encoding "${encoding}" is not supported; remote-write 1.0 bodies are snappy`, 415);
  }
  const type = (headers['content-type'] ?? '').toLowerCase();
  if (type !== '' && !type.startsWith('application/x-protobuf')) {
    throw new RemoteWriteError(`content-type "${type}" is not supported; expected application/x-protobuf`, 415);
  }
  let raw: Uint8Array;
  try {
    raw = uncompress(body, MAX_DECODED_BYTES);
  } catch (error) {
    throw new RemoteWriteError(`body is not valid snappy: ${(error as Error).message}`, 400);
  }
  try {
    return decodeWriteRequest(raw);
  } catch (error) {
    throw new RemoteWriteError(`body is not a valid WriteRequest: ${(error as Error).message}`, 400);
  }
}

/** Label lookup without building a map: series carry a handful of labels. */
export function labelValue(series: TimeSeries, name: string): string | undefined {
  for (const l of series.labels) if (l.name === name) return l.value;
  return undefined;
}
