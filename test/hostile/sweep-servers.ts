// Servers the sweep's rows (sweep-medium-low.test.ts) point loadctl at, all
// on 127.0.0.1, one process, started once:
// - /prom/<mode>: a Prometheus that misbehaves. It is a test double of this
//   file's own (the real Prometheus 2.42 never sends these bodies; the suites
//   in test/prometheus/ use it): error JSON, null, [], {}, a 404 page, a body
//   that drips and never ends, one past loadctl's ceiling, replies of the
//   wrong shape, a redirect loop, and `rangebad`, which answers every
//   instant query well and every range query with a wrong resultType.
// - /http/<mode>: an HTTP invariant's endpoint: a field of the wrong type,
//   an endless JSON body, a redirect loop.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';

export interface SweepServers {
  /** Base URL of the server, no trailing slash. */
  url: string;
  /** How many bytes a streaming mode had sent when its client went away. */
  sentBytes(mode: string): number;
  close(): Promise<void>;
}

const MB = 1024 * 1024;
const json = (res: ServerResponse, status: number, body: unknown) => {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(typeof body === 'string' ? body : JSON.stringify(body));
};
const now = () => Date.now() / 1000;
const vector = (value: string) => ({ status: 'success', data: { resultType: 'vector', result: [{ metric: {}, value: [now(), value] }] } });

async function form(req: IncomingMessage): Promise<URLSearchParams> {
  let text = '';
  for await (const chunk of req) text += chunk;
  return new URLSearchParams(text);
}

export async function sweepServers(): Promise<SweepServers> {
  const sockets = new Set<Socket>();
  const sent = new Map<string, number>();
  const timers = new Set<NodeJS.Timeout>();

  /** Writes `chunk` until the client leaves (or `limit` bytes), counting what went out. */
  const stream = (res: ServerResponse, mode: string, head: string, limit = Number.POSITIVE_INFINITY) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.write(head);
    const chunk = Buffer.alloc(MB, 0x20);
    const pump = () => {
      while ((sent.get(mode) ?? 0) < limit) {
        sent.set(mode, (sent.get(mode) ?? 0) + chunk.length);
        if (!res.write(chunk)) return void res.once('drain', pump);
      }
      res.end(']}}');
    };
    res.on('close', () => res.removeAllListeners('drain'));
    pump();
  };
  const drip = (res: ServerResponse) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.write('{"status":"success","data":{');
    const t = setInterval(() => res.write(' '), 200);
    timers.add(t);
    res.on('close', () => { clearInterval(t); timers.delete(t); });
  };

  const prometheus = async (req: IncomingMessage, res: ServerResponse, mode: string, endpoint: string) => {
    const params = req.method === 'POST' ? await form(req) : new URL(req.url ?? '/', 'http://x').searchParams;
    switch (mode) {
      case 'error': return json(res, 422, { status: 'error', errorType: 'execution', error: 'boom from fake' });
      case 'null': return json(res, 200, 'null');
      case 'array': return json(res, 200, '[]');
      case 'empty': return json(res, 200, '{}');
      case 'notfound': res.writeHead(404, { 'content-type': 'text/plain' }); return void res.end('404 page not found\n');
      case 'drip': return drip(res);
      case 'declared-huge': res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(300 * MB) }); return void res.write('{');
      case 'endless': return stream(res, 'prom-endless', '{"status":"success","data":{"resultType":"vector","result":[');
      case 'badtype': return json(res, 200, { status: 'success', data: { resultType: 'banana', result: [] } });
      case 'datanull': return json(res, 200, { status: 'success', data: null });
      case 'oddvalues': return json(res, 200, vector('lots'));
      case 'redirect': res.writeHead(302, { location: req.url ?? '/' }); return void res.end();
      case 'rangebad': {
        if (endpoint === 'series') return json(res, 200, { status: 'success', data: params.getAll('match[]').map((m) => ({ __name__: /"(.*)"/.exec(m)?.[1] ?? m })) });
        if (endpoint === 'query_range') return json(res, 200, { status: 'success', data: { resultType: 'banana', result: 'none' } });
        // Instant queries, the scrape wait's max(timestamp(...)) among them: Prometheus is up and caught up.
        return json(res, 200, vector(String(Math.ceil(now()) + 3600)));
      }
      default: return json(res, 500, { status: 'error', error: `unknown mode ${mode}` });
    }
  };

  const http = (req: IncomingMessage, res: ServerResponse, mode: string) => {
    switch (mode) {
      case 'string': return json(res, 200, { stuck: { count: 'many' } });
      case 'endless': return stream(res, 'http-endless', '{"items":[');
      case 'redirect': res.writeHead(302, { location: req.url ?? '/' }); return void res.end();
      default: return json(res, 200, { items: [] });
    }
  };

  const server = createServer((req, res) => {
    const [, area, mode, ...rest] = (req.url ?? '/').split('?')[0]!.split('/');
    res.on('error', () => {});
    if (area === 'prom') return void prometheus(req, res, mode ?? '', rest.at(-1) ?? '').catch(() => res.destroy());
    if (area === 'http') return http(req, res, mode ?? '');
    json(res, 404, { error: 'no such area' });
  });
  server.on('connection', (s) => { sockets.add(s); s.on('close', () => sockets.delete(s)); });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  return {
    url: `http://127.0.0.1:${port}`,
    sentBytes: (mode) => sent.get(mode) ?? 0,
    close: () => new Promise((r) => {
      for (const t of timers) clearInterval(t);
      for (const s of sockets) s.destroy();
      server.close(() => r());
    }),
  };
}
