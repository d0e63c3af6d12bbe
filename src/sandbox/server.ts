// Starts the reference ticketing API on a node:http server. Used by
// `loadctl sandbox`, `loadctl demo`, the tests and the benchmarks.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { apiRoutes, lockKey } from './api.ts';
import { HttpError, readJson, type Reply, type Route, Router } from './http.ts';
import { type ComponentHealth, type LockService, MemoryLockService } from './locks.ts';
import { SandboxMetrics } from './metrics.ts';
import { RedisLockService } from './redis-locks.ts';
import { Store } from './store.ts';
import { PgBookings, type BookingRecorder } from './pg-bookings.ts';
import { BookingStream } from './booking-stream.ts';
import { brokenRecorder, leakyLocks, type BreakMode } from './breaks.ts';
import { Gauge } from 'prom-client';

export interface SandboxOptions {
  /** 0 picks a free port. */
  port?: number;
  host?: string;
  /** How long a hold lasts before its seats are released. */
  holdTtlMs?: number;
  events?: number;
  seatsPerEvent?: number;
  /** Seat locks in this Redis instead of in memory. */
  redisUrl?: string;
  /** How long to wait for Redis (and PostgreSQL) at start-up before giving up. */
  redisReadyTimeoutMs?: number;
  /** Bookings recorded in this PostgreSQL (postgres://...) as well as in memory. */
  postgresUrl?: string;
  /** Booking events appended to a Redis stream here, whose consumer lag /metrics reports. */
  streamRedisUrl?: string;
  /** Ways to break it on purpose (src/sandbox/breaks.ts); none by default. */
  breaks?: BreakMode[];
  /** Told about unexpected handler errors (answered as 500). */
  onError?: (error: unknown) => void;
  now?: () => number;
}

export interface Sandbox {
  url: string;
  port: number;
  store: Store;
  metrics: SandboxMetrics;
  locks: LockService;
  close(): Promise<void>;
}

export const SANDBOX_DEFAULTS = { port: 8080, host: '127.0.0.1', holdTtlMs: 5 * 60_000, events: 20, seatsPerEvent: 200 } as const;

export async function startSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  const now = options.now ?? Date.now;
  const holdTtlMs = options.holdTtlMs ?? SANDBOX_DEFAULTS.holdTtlMs;
  const metrics = new SandboxMetrics();
  let locks: LockService;
  if (options.redisUrl) {
    const redis = new RedisLockService({ url: options.redisUrl });
    try {
      await redis.waitReady(options.redisReadyTimeoutMs ?? 3000);
    } catch (error) {
      await redis.close();
      throw error;
    }
    locks = options.breaks?.includes('lock-leak') ? leakyLocks(redis) : redis;
  } else {
    locks = new MemoryLockService(now);
  }
  let recorder: BookingRecorder | undefined;
  let sold: Awaited<ReturnType<BookingRecorder['sold']>> = [];
  if (options.postgresUrl) {
    const pg = new PgBookings(options.postgresUrl);
    try {
      await pg.init(options.redisReadyTimeoutMs ?? 3000, { guard: !options.breaks?.includes('double-sell') });
      // What is sold is PostgreSQL's to say: a restarted service must not sell those seats again.
      sold = await pg.sold();
    } catch (error) {
      await Promise.all([pg.close(), locks.close()]);
      throw error;
    }
    recorder = options.breaks?.some((m) => m === 'double-sell' || m === 'lose-confirms') ? brokenRecorder(pg, options.breaks) : pg;
  }
  const stream = options.streamRedisUrl ? new BookingStream(options.streamRedisUrl) : undefined;
  if (stream) {
    new Gauge({
      name: 'kafka_consumer_group_lag', help: 'Booking events the consumer group has not finished (a Redis stream standing in for the Kafka topic)',
      registers: [metrics.registry],
      // Asked at scrape time; unknown (NaN) while Redis is away, never a reassuring 0.
      async collect() { this.set(await stream.lag().catch(() => Number.NaN)); },
    });
  }
  const store = new Store(
    { events: options.events ?? SANDBOX_DEFAULTS.events, seatsPerEvent: options.seatsPerEvent ?? SANDBOX_DEFAULTS.seatsPerEvent },
    (booking) => {
      metrics.expirations.inc();
      recorder?.changed(booking);
      void locks.release(booking.seatIds.map((s) => lockKey(booking.eventId, s)), booking.id).catch(() => {});
    },
  );
  for (const b of sold) store.restoreSold(b.eventId, b.seatIds, b.id);
  const closeExtras = async () => {
    stream?.close();
    await recorder?.close();
  };

  const router = new Router([
    ...apiRoutes({ store, locks, metrics, holdTtlMs, now, ...(recorder ? { recorder } : {}), ...(stream ? { stream } : {}) }),
    { method: 'GET', path: '/health', handle: () => health(locks, recorder, options.breaks ?? []) },
    { method: 'GET', path: '/metrics', handle: async () => ({ status: 200, body: await metrics.render(), contentType: metrics.contentType }) },
  ]);

  const server = createServer({ keepAliveTimeout: 5000 }, (req, res) => {
    void handle(router, metrics, req, res, options.onError);
  });
  // Sweep often enough that an expired hold is released within a quarter of its TTL.
  const sweeper = setInterval(() => store.sweep(now()), Math.max(50, Math.min(1000, holdTtlMs / 4)));
  sweeper.unref();

  try {
    await listen(server, options.port ?? SANDBOX_DEFAULTS.port, options.host ?? SANDBOX_DEFAULTS.host);
  } catch (error) {
    clearInterval(sweeper);
    await Promise.all([locks.close(), closeExtras()]);
    throw error;
  }
  const address = server.address() as AddressInfo;
  const hostForUrl = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  let closing: Promise<void> | undefined;
  return {
    url: `http://${hostForUrl}:${address.port}`,
    port: address.port,
    store,
    metrics,
    locks,
    close: () => {
      closing ??= (async () => {
        clearInterval(sweeper);
        await new Promise<void>((resolve) => {
          server.close(() => resolve());
          // Idle keep-alive sockets would hold close() open for seconds.
          server.closeAllConnections();
        });
        await Promise.all([locks.close(), closeExtras()]);
      })();
      return closing;
    },
  };
}

async function health(locks: LockService, recorder: BookingRecorder | undefined, breaks: readonly BreakMode[]): Promise<Reply> {
  const [lockParts, recorderParts] = await Promise.all([locks.health(), recorder?.health() ?? {}]);
  const components: Record<string, ComponentHealth> = { store: { status: 'UP' }, ...lockParts, ...recorderParts };
  const up = Object.values(components).every((c) => c.status === 'UP');
  // Still 200 (it serves), but anyone reading the body sees it is broken on purpose.
  return { status: up ? 200 : 503, body: { status: up ? 'UP' : 'DOWN', components, ...(breaks.length > 0 ? { brokenOnPurpose: breaks } : {}) } };
}

async function handle(router: Router, metrics: SandboxMetrics, req: IncomingMessage, res: ServerResponse, onError?: (e: unknown) => void): Promise<void> {
  const started = process.hrtime.bigint();
  const method = req.method ?? 'GET';
  let routeName = 'unmatched';
  let reply: Reply;
  try {
    const url = new URL(req.url ?? '/', 'http://sandbox');
    const { route, params } = router.match(method, url.pathname);
    routeName = route.path;
    const body = (route as Route).body ? await readJson(req) : undefined;
    reply = await route.handle({ params, query: url.searchParams, req, body });
  } catch (error) {
    if (error instanceof HttpError) {
      reply = { status: error.status, body: { error: error.code, message: error.message, ...error.extra } };
    } else {
      onError?.(error);
      reply = { status: 500, body: { error: 'internal', message: 'unexpected error in the sandbox' } };
    }
  }
  const text = reply.contentType ? String(reply.body) : JSON.stringify(reply.body);
  if (!res.destroyed) {
    res.writeHead(reply.status, { 'content-type': reply.contentType ?? 'application/json', 'content-length': Buffer.byteLength(text) });
    res.end(text);
  }
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  metrics.http.observe({ method, route: routeName, status: String(reply.status) }, seconds);
}

function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (error: Error) => reject(error);
    server.once('error', onError);
    server.listen(port, host, () => {
      server.off('error', onError);
      resolve();
    });
  });
}
