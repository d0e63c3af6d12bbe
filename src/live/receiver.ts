// The live feed's endpoint: a Prometheus remote-write receiver inside loadctl
// that k6's `experimental-prometheus-rw` output pushes to. It listens on
// 127.0.0.1 only, on a port the OS picks, and hands each push to the
// aggregator. k6 aggregates inside itself and pushes a few KB per second, so
// this costs k6 far less than a per-sample output (see docs/live.md).
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { RemoteWriteAggregator, type AggregatorOptions } from './aggregate.ts';
import { decodeBody, RemoteWriteError } from './remote-write/decode.ts';
import type { Timeline } from './types.ts';

export const WRITE_PATH = '/api/v1/write';
/** Compressed body ceiling; k6 sends a few KB per push even at 25k req/s. */
export const MAX_BODY_BYTES = 16 * 1024 * 1024;

export const REMOTE_WRITE_OUTPUT = 'experimental-prometheus-rw';

export interface K6LiveConfig {
  /** Arguments to add to `k6 run`. */
  args: string[];
  /** Environment to add to k6's. */
  env: Record<string, string>;
}

/**
 * What k6 needs to push to `url` every `pushIntervalMs`. Trends as native
 * histograms (per-second percentiles need buckets; the stats mode only sends
 * cumulative p(99)s) are switched on per k6 version: src/k6/features.ts.
 */
export function k6RemoteWriteConfig(url: string, pushIntervalMs = 1000): K6LiveConfig {
  return {
    args: ['--out', REMOTE_WRITE_OUTPUT],
    env: {
      K6_PROMETHEUS_RW_SERVER_URL: url,
      K6_PROMETHEUS_RW_PUSH_INTERVAL: pushIntervalMs % 1000 === 0 ? `${pushIntervalMs / 1000}s` : `${pushIntervalMs}ms`,
      K6_PROMETHEUS_RW_STALE_MARKERS: 'false',
    },
  };
}

export interface ReceiverOptions extends AggregatorOptions {
  /** Port to bind; 0 (the default) lets the OS pick. */
  port?: number;
  /**
   * Address to bind: 127.0.0.1 unless runners in containers must reach it,
   * then the gateway of a network loadctl created (still this machine only).
   */
  host?: string;
  /** Further addresses to listen on, on the same port (runners on several Docker engines); one that does not exist yet is bound once it does. */
  moreHosts?: readonly string[];
  /** Every push taken, as received (bytes and headers), after k6 has its 204: for a forward. */
  onPush?: (body: Uint8Array, headers: IncomingMessage['headers']) => void;
  /** A push the receiver refused, for the UI to show once. */
  onRejected?: (reason: string) => void;
  /** Wall clock for finishing quiet seconds; injectable for tests. */
  now?: () => number;
}

export interface LiveReceiver {
  url: string;
  k6: K6LiveConfig;
  aggregator: RemoteWriteAggregator;
  /** Stops listening and returns the finished timeline. */
  close(): Promise<Timeline>;
}

export async function startReceiver(options: ReceiverOptions = {}): Promise<LiveReceiver> {
  const aggregator = new RemoteWriteAggregator(options);
  const pushIntervalMs = options.pushIntervalMs ?? 1000;
  const hosts = [options.host ?? '127.0.0.1', ...(options.moreHosts ?? []).filter((h) => h !== options.host)];
  const { servers, stop } = await listenAll(hosts, options.port ?? 0, () => createServer((req, res) => {
    handle(req, res, aggregator, options.onRejected, options.onPush);
  }));
  const { port } = servers[0]!.address() as AddressInfo;
  const host = hosts[0]!;
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}${WRITE_PATH}`;
  const now = options.now ?? Date.now;
  // Seconds must finish even when k6 sends nothing (e.g. every request hangs).
  const timer = setInterval(() => aggregator.tick(now()), 1000);
  timer.unref();
  let closed: Promise<Timeline> | undefined;
  return {
    url,
    k6: k6RemoteWriteConfig(url, pushIntervalMs),
    aggregator,
    close() {
      closed ??= (async () => {
        clearInterval(timer);
        stop();
        await Promise.all(servers.map((server) => new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeAllConnections();
        })));
        return aggregator.finish();
      })();
      return closed;
    },
  };
}

/**
 * One server per address, all on the same port, so a runner's URL differs
 * only in its host (runners on two engines reach two gateways). The first
 * address must bind now. Another that does not exist yet (a Podman bridge
 * appears only when its first container starts) is bound as soon as it
 * does, polled until the receiver closes. If another address has the port
 * taken, all are closed and another port is tried.
 */
async function listenAll(hosts: readonly string[], port: number, make: () => Server): Promise<{ servers: Server[]; stop: () => void }> {
  for (let attempt = 0; ; attempt++) {
    const servers: Server[] = [];
    const late: string[] = [];
    try {
      for (const host of hosts) {
        const server = make();
        try {
          await listen(server, servers.length === 0 ? port : (servers[0]!.address() as AddressInfo).port, host);
          servers.push(server);
        } catch (error) {
          if (servers.length === 0 || (error as NodeJS.ErrnoException).code !== 'EADDRNOTAVAIL') throw error;
          late.push(host);
        }
      }
    } catch (error) {
      await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))));
      if ((error as NodeJS.ErrnoException).code !== 'EADDRINUSE' || port !== 0 || servers.length === 0 || attempt >= 5) throw error;
      continue;
    }
    const shared = (servers[0]!.address() as AddressInfo).port;
    let stopped = false;
    const timer = setInterval(() => {
      for (const host of [...late]) {
        const server = make();
        listen(server, shared, host).then(() => {
          late.splice(late.indexOf(host), 1);
          if (stopped) server.close(); else servers.push(server);
        }, () => undefined);
      }
      if (late.length === 0) clearInterval(timer);
    }, 100);
    timer.unref();
    return { servers, stop: () => { stopped = true; clearInterval(timer); } };
  }
}

function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
}

function handle(
  req: IncomingMessage, res: ServerResponse, aggregator: RemoteWriteAggregator,
  onRejected?: (reason: string) => void, onPush?: ReceiverOptions['onPush'],
): void {
  const refuse = (status: number, reason: string): void => {
    onRejected?.(reason);
    res.writeHead(status, { 'content-type': 'text/plain' }).end(`${reason}\n`);
  };
  const path = (req.url ?? '').split('?')[0];
  if (path !== WRITE_PATH) return refuse(404, `no such path ${path}; k6 must push to ${WRITE_PATH}`);
  if (req.method !== 'POST') return refuse(405, `method ${req.method} not allowed; remote-write uses POST`);
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > MAX_BODY_BYTES) {
    refuse(413, `body of ${declared} bytes is over the ${MAX_BODY_BYTES}-byte limit`);
    req.resume();
    return;
  }
  const chunks: Buffer[] = [];
  let size = 0;
  // A sender that hangs up mid-body must not take loadctl down with it.
  req.on('error', () => undefined);
  req.on('data', (chunk: Buffer) => {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) {
      refuse(413, `body is over the ${MAX_BODY_BYTES}-byte limit`);
      req.destroy();
      return;
    }
    chunks.push(chunk);
  });
  req.on('end', () => {
    if (res.headersSent) return;
    try {
      const body = Buffer.concat(chunks, size);
      aggregator.ingest(decodeBody(body, req.headers));
      res.writeHead(204).end();
      onPush?.(body, req.headers);
    } catch (error) {
      if (error instanceof RemoteWriteError) return refuse(error.status, error.message);
      refuse(500, `could not take the push: ${(error as Error).message}`);
    }
  });
}
