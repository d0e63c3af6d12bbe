// The script suite's own small HTTP service (not the sandbox): a handful of
// routes with known behaviour, so a script's outcome is decided by the
// script, and /fixed answers after a fixed delay for the p95 comparison.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** /fixed answers after this many milliseconds. */
export const FIXED_MS = 250;

export interface TestService {
  url: string;
  close(): Promise<void>;
}

function route(path: string): { status: number; delayMs: number; body: string } {
  if (path.startsWith('/fixed')) return { status: 200, delayMs: FIXED_MS, body: '{"ok":true}' };
  if (path.startsWith('/slow')) return { status: 200, delayMs: 200, body: '{"ok":true}' };
  if (path.startsWith('/fail')) return { status: 500, delayMs: 0, body: '{"error":"always"}' };
  if (path.startsWith('/login')) return { status: 200, delayMs: 0, body: '{"token":"t-1","user":{"id":7,"roles":["buyer"]}}' };
  if (path.startsWith('/items')) return { status: 200, delayMs: 0, body: '{"items":[{"id":1,"price":20},{"id":2,"price":35}]}' };
  return { status: 200, delayMs: 0, body: '{"ok":true}' };
}

export async function startTestService(): Promise<TestService> {
  const server: Server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      const r = route(req.url ?? '/');
      const answer = () => { res.writeHead(r.status, { 'content-type': 'application/json' }); res.end(r.body); };
      if (r.delayMs > 0) setTimeout(answer, r.delayMs);
      else answer();
    });
  });
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
}
