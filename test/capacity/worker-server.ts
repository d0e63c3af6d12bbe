// A real HTTP server whose latency rises with concurrency in a known way: a
// fixed number of workers, each request holding one for a fixed time, the
// rest waiting in line (first come, first served). Its capacity is
// workers / hold requests per second; with N clients each sending its next
// request as soon as the last one is answered, a request takes about
// max(hold, N / capacity), so the level that breaks a latency limit follows
// from the design. A request whose client went away while it waited in line
// leaves the line.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface WorkerServer {
  url: string;
  /** Requests per second it can serve at most. */
  capacity: number;
  served(): number;
  close(): Promise<void>;
}

export async function startWorkerServer(o: { workers: number; holdMs: number }): Promise<WorkerServer> {
  let busy = 0;
  let served = 0;
  const waiting: Array<() => void> = [];
  const release = () => {
    busy -= 1;
    const next = waiting.shift();
    if (next) next();
  };
  const server: Server = createServer((req, res) => {
    const work = () => {
      busy += 1;
      setTimeout(() => {
        served += 1;
        res.writeHead(200, { 'content-type': 'text/plain' }).end('ok\n');
        release();
      }, o.holdMs);
    };
    if (busy < o.workers) work();
    else {
      waiting.push(work);
      // A client that gave up (k6 stopped) leaves the line, as a request cancelled upstream would.
      res.on('close', () => {
        const i = waiting.indexOf(work);
        if (i >= 0 && !res.writableEnded) waiting.splice(i, 1);
      });
    }
    req.resume();
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    capacity: (o.workers * 1000) / o.holdMs,
    served: () => served,
    close: () => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
}
