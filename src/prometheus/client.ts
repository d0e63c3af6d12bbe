// The Prometheus HTTP API, only what gates and invariants need: an instant
// query (is it up? does the expression parse?), a range query, and which
// metric names have series in a window. Every failure is a PrometheusError
// saying whether Prometheus was unreachable or refused the query.
import type { SeriesSamples } from './gates.ts';

export class PrometheusError extends Error {
  constructor(message: string, readonly kind: 'unreachable' | 'bad-query' | 'failed') {
    super(message);
    this.name = 'PrometheusError';
  }
}

export interface PrometheusClient {
  url: string;
  /** Instant query at `time` (Unix seconds; now when unset). */
  query(expr: string, time?: number): Promise<SeriesSamples[]>;
  queryRange(expr: string, start: number, end: number, stepSeconds: number): Promise<SeriesSamples[]>;
  /** Of `names`, those with no series between start and end. */
  absentMetrics(names: readonly string[], start: number, end: number): Promise<string[]>;
}

interface ApiReply { status?: string; data?: { resultType?: string; result?: unknown }; error?: string; errorType?: string }

/** URL without credentials (for messages), and a Basic auth header when it had them. */
export function splitCredentials(url: string): { base: string; shown: string; headers: Record<string, string> } {
  const u = new URL(url);
  const headers: Record<string, string> = {};
  if (u.username || u.password) {
    headers.authorization = `Basic ${Buffer.from(`${decodeURIComponent(u.username)}:${decodeURIComponent(u.password)}`).toString('base64')}`;
    u.username = '';
    u.password = '';
  }
  const base = u.toString().replace(/\/+$/, '');
  return { base, shown: base, headers };
}

/** Prometheus writes infinities as "+Inf" / "-Inf", which Number() does not read. */
const num = (v: unknown): number => {
  if (typeof v === 'number') return v;
  if (typeof v !== 'string') return Number.NaN;
  return v === '+Inf' ? Infinity : v === '-Inf' ? -Infinity : Number(v);
};

/** A matrix, vector or scalar result as series of [t, v] samples. */
export function toSeries(data: ApiReply['data']): SeriesSamples[] {
  const result = data?.result;
  if (data?.resultType === 'scalar' && Array.isArray(result)) return [{ labels: {}, samples: [[num(result[0]), num(result[1])]] }];
  if (!Array.isArray(result)) return [];
  return result.map((r: { metric?: Record<string, string>; values?: unknown[][]; value?: unknown[] }) => ({
    labels: r.metric ?? {},
    samples: (r.values ?? (r.value ? [r.value] : [])).map((s) => [num(s[0]), num(s[1])] as [number, number]),
  }));
}

export function createPrometheusClient(url: string, options: { timeoutMs?: number; fetchImpl?: typeof fetch } = {}): PrometheusClient {
  const { base, shown, headers } = splitCredentials(url);
  const timeoutMs = options.timeoutMs ?? 10_000;
  const doFetch = options.fetchImpl ?? fetch;

  async function get(path: string, params: Array<[string, string]>): Promise<ApiReply['data']> {
    const body = new URLSearchParams(params).toString();
    let res: Response;
    try {
      // POST keeps long expressions out of the URL's length limit.
      res = await doFetch(`${base}${path}`, {
        method: 'POST', body, headers: { ...headers, 'content-type': 'application/x-www-form-urlencoded' }, signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (error) {
      const cause = (error as { cause?: { code?: string } }).cause?.code ?? (error as Error).message;
      throw new PrometheusError(`Prometheus at ${shown} is not reachable (${cause})`, 'unreachable');
    }
    const text = await res.text();
    let reply: ApiReply;
    try {
      reply = JSON.parse(text) as ApiReply;
    } catch {
      throw new PrometheusError(`${shown}${path} answered ${res.status} without Prometheus JSON (is this a Prometheus URL?)`, 'unreachable');
    }
    if (reply.status !== 'success') {
      const kind = res.status === 400 || reply.errorType === 'bad_data' ? 'bad-query' : 'failed';
      throw new PrometheusError(reply.error ?? `HTTP ${res.status}`, kind);
    }
    return reply.data;
  }

  return {
    url: shown,
    async query(expr, time) {
      return toSeries(await get('/api/v1/query', [['query', expr], ...(time === undefined ? [] : [['time', String(time)] as [string, string]])]));
    },
    async queryRange(expr, start, end, stepSeconds) {
      return toSeries(await get('/api/v1/query_range', [['query', expr], ['start', String(start)], ['end', String(end)], ['step', String(stepSeconds)]]));
    },
    async absentMetrics(names, start, end) {
      if (names.length === 0) return [];
      const params: Array<[string, string]> = names.map((n) => ['match[]', `{__name__="${n}"}`]);
      const data = await get('/api/v1/series', [...params, ['start', String(start)], ['end', String(end)]]);
      const present = new Set((Array.isArray(data) ? data : []).map((s: { __name__?: string }) => s.__name__));
      return names.filter((n) => !present.has(n));
    },
  };
}
