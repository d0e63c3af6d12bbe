// Forwards what k6 pushes to loadctl's receiver, unchanged (same bytes, same
// headers), on to the team's Prometheus remote-write endpoint, plus loadctl's
// own marker series. It must never slow k6 or change a verdict: k6 has its
// 204 before anything is forwarded, one request is in flight at a time (two
// could overtake each other, and Prometheus refuses a series' samples out of
// order), a bounded queue drops its oldest push when the endpoint cannot keep
// up, and a failure is only counted (no retries: k6 pushes again a second later).
import type { IncomingHttpHeaders } from 'node:http';
import { splitCredentials } from '../inputs/url.ts';
import { fetchFailure, MB, readCapped } from '../shared/read-body.ts';
import { encodeWriteRequest, type MarkerSeries } from './remote-write/encode.ts';

export interface ForwardStats {
  url: string;
  /** Bodies the endpoint took (2xx): k6's pushes and loadctl's markers. */
  forwarded: number;
  failed: number;
  /** Pushes dropped because the queue was full. */
  dropped: number;
  lastError: string | null;
}

export interface Forwarder {
  /** A push from k6, as received. Never blocks, never throws. */
  push(body: Uint8Array, headers: IncomingHttpHeaders): void;
  /** loadctl's own series, encoded here. */
  markers(series: readonly MarkerSeries[]): void;
  stats(): ForwardStats;
  /** Waits (at most `timeoutMs`) for what is queued, then returns the figures. */
  close(timeoutMs?: number): Promise<ForwardStats>;
}

interface Item { body: Uint8Array; version: string }

export function createForwarder(url: string, o: { maxQueue?: number; maxInFlight?: number; timeoutMs?: number; onFirstFailure?: (error: string) => void } = {}): Forwarder {
  const { base, shown, headers } = splitCredentials(url);
  const maxQueue = o.maxQueue ?? 64;
  const maxInFlight = o.maxInFlight ?? 1;
  const queue: Item[] = [];
  let inFlight = 0;
  const stats: ForwardStats = { url: shown, forwarded: 0, failed: 0, dropped: 0, lastError: null };
  let idle: (() => void) | undefined;

  const fail = (error: string) => {
    if (stats.failed === 0) o.onFirstFailure?.(error);
    stats.failed += 1;
    stats.lastError = error;
  };

  const send = async (item: Item) => {
    try {
      const res = await fetch(base, {
        method: 'POST',
        body: item.body as Uint8Array<ArrayBuffer>,
        headers: {
          ...headers, 'content-encoding': 'snappy', 'content-type': 'application/x-protobuf',
          'x-prometheus-remote-write-version': item.version, 'user-agent': 'loadctl',
        },
        signal: AbortSignal.timeout(o.timeoutMs ?? 5000),
      });
      // Drain the body so the connection goes back to the pool; a remote endpoint decides its size, so cap it.
      const text = await readCapped(res, MB);
      if (res.ok) stats.forwarded += 1;
      else fail(`HTTP ${res.status}${text ? `: ${text.trim().slice(0, 120)}` : ''}`);
    } catch (error) {
      fail(fetchFailure(error, o.timeoutMs ?? 5000));
    }
  };

  const pump = () => {
    while (inFlight < maxInFlight && queue.length > 0) {
      const item = queue.shift() as Item;
      inFlight += 1;
      void send(item).finally(() => {
        inFlight -= 1;
        pump();
      });
    }
    if (inFlight === 0 && queue.length === 0) idle?.();
  };

  const enqueue = (item: Item) => {
    if (queue.length >= maxQueue) {
      queue.shift();
      stats.dropped += 1;
    }
    queue.push(item);
    // Off k6's request path: the receiver answers 204 first.
    setImmediate(pump);
  };

  return {
    push(body, h) {
      const version = h['x-prometheus-remote-write-version'];
      enqueue({ body, version: typeof version === 'string' ? version : '0.1.0' });
    },
    markers(series) {
      enqueue({ body: encodeWriteRequest(series), version: '0.1.0' });
    },
    stats: () => ({ ...stats }),
    async close(timeoutMs = 3000) {
      if (inFlight > 0 || queue.length > 0) {
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, timeoutMs);
          idle = () => { clearTimeout(timer); resolve(); };
          pump();
        });
      }
      return { ...stats, dropped: stats.dropped + queue.length };
    },
  };
}
