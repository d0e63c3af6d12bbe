// The reference stack's queue consumer: reads booking events from the Redis
// stream with a consumer group (as the team's Kafka consumer reads its topic),
// acknowledges them, and serves /health and /metrics. Paused (the
// kafka-consumer-lag experiment), it reads nothing, so the group's lag grows;
// unpaused, it drains the backlog.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { hostname } from 'node:os';
import { Counter, Gauge, Registry } from 'prom-client';
import { BookingStream, bookingStream, redisClient } from '../sandbox/booking-stream.ts';

export interface ConsumerOptions {
  redisUrl: string;
  port: number;
  host?: string;
  /** Entries read per call; the call blocks up to `blockMs` when there are none. */
  batch?: number;
  blockMs?: number;
  /** backlog-stall (src/sandbox/breaks.ts): read but never acknowledge, so the backlog never drains. */
  stall?: boolean;
}

export interface Consumer {
  url: string;
  consumed(): number;
  close(): Promise<void>;
}

type StreamReply = Array<[string, Array<[string, string[]]>]> | null;

export async function startConsumer(options: ConsumerOptions): Promise<Consumer> {
  const blockMs = options.blockMs ?? 1000;
  // A blocking read holds its connection: its own client, with a timeout longer than the block.
  const reader = redisClient(options.redisUrl, blockMs + 2000);
  const lagReader = new BookingStream(options.redisUrl);
  const registry = new Registry();
  const consumed = new Counter({ name: 'booking_events_consumed_total', help: 'Booking events read and acknowledged', registers: [registry] });
  new Gauge({
    name: 'kafka_consumer_group_lag', help: 'Booking events the consumer group has not finished',
    registers: [registry],
    async collect() { this.set(await lagReader.lag().catch(() => Number.NaN)); },
  });
  let stopping = false;
  let count = 0;

  const ensureGroup = () => reader.xgroup('CREATE', bookingStream.key, bookingStream.group, '0', 'MKSTREAM').catch((error: Error) => {
    if (!/BUSYGROUP/.test(error.message)) throw error;
  });
  const loop = (async () => {
    const me = `${hostname()}-${process.pid}`;
    // '0' reads this consumer's own delivered-but-unacknowledged entries, '>' new ones. A read
    // whose reply was lost (a timeout while the process was paused) leaves entries pending that
    // '>' never returns again: after any error, go back to '0' until the pending list is empty.
    // (Found by the backlog-drains invariant after the kafka-consumer-lag experiment.)
    let from: '0' | '>' = '0';
    while (!stopping) {
      try {
        if (reader.status !== 'ready') {
          await new Promise((resolve) => setTimeout(resolve, 200));
          continue;
        }
        // A stalled consumer (break mode) never acknowledges, so its pending list never empties: new entries only.
        if (options.stall) from = '>';
        const batch = options.batch ?? 200;
        const reply = (from === '>'
          ? await reader.xreadgroup('GROUP', bookingStream.group, me, 'COUNT', batch, 'BLOCK', blockMs, 'STREAMS', bookingStream.key, '>')
          : await reader.xreadgroup('GROUP', bookingStream.group, me, 'COUNT', batch, 'STREAMS', bookingStream.key, '0')) as StreamReply;
        const ids = (reply ?? []).flatMap(([, entries]) => entries.map(([id]) => id));
        if (from === '0' && ids.length === 0) from = '>';
        if (ids.length > 0 && !options.stall) {
          await reader.xack(bookingStream.key, bookingStream.group, ...ids);
          consumed.inc(ids.length);
          count += ids.length;
        }
      } catch (error) {
        from = '0';
        // A restarted Redis has lost the stream and its group: make them again and read on.
        if (/NOGROUP/.test((error as Error).message)) await ensureGroup().catch(() => {});
        else await new Promise((resolve) => setTimeout(resolve, 200));
      }
    }
  })();

  const server: Server = createServer((req, res) => {
    void (async () => {
      if (req.url === '/metrics') {
        const text = await registry.metrics();
        res.writeHead(200, { 'content-type': registry.contentType });
        res.end(text);
        return;
      }
      if (req.url === '/health') {
        const up = reader.status === 'ready';
        res.writeHead(up ? 200 : 503, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ status: up ? 'UP' : 'DOWN', components: { redis: { status: up ? 'UP' : 'DOWN' } }, consumed: count }));
        return;
      }
      res.writeHead(404, { 'content-type': 'application/json' });
      res.end('{"error":"not_found"}');
    })();
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host ?? '127.0.0.1', () => resolve());
  });
  const address = server.address() as AddressInfo;
  return {
    url: `http://${address.address}:${address.port}`,
    consumed: () => count,
    close: async () => {
      stopping = true;
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      reader.disconnect();
      lagReader.close();
      await loop;
    },
  };
}
