// One GET over node:http(s), for the target's health check and the chaos
// http probes. Not fetch: fetch refuses the ports browsers block (6000,
// 6665-6669, 10080...), which a service under test may well listen on, while
// k6 and setup-users reach them fine.
import http from 'node:http';
import https from 'node:https';

export interface GetAnswer {
  status: number;
  body: string;
}

/** Rejects with an error whose `code` is ETIMEDOUT, ECONNREFUSED... or ABORT_ERR. Redirects are not followed. */
export function httpGet(url: URL, options: { timeoutMs: number; signal?: AbortSignal; maxBody?: number }): Promise<GetAnswer> {
  const lib = url.protocol === 'https:' ? https : http;
  const maxBody = options.maxBody ?? 1024 * 1024;
  return new Promise((resolve, reject) => {
    const req = lib.request(url, { method: 'GET', headers: { accept: 'application/json, */*' }, agent: false, ...(options.signal ? { signal: options.signal } : {}) }, (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (chunk: Buffer) => {
        // A health answer is small; keep reading past the cap but stop storing.
        size += chunk.length;
        if (size <= maxBody) chunks.push(chunk);
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.setTimeout(options.timeoutMs, () => {
      req.destroy(Object.assign(new Error(`no answer within ${options.timeoutMs} ms`), { code: 'ETIMEDOUT' }));
    });
    req.on('error', reject);
    req.end();
  });
}
