// The Prometheus HTTP API, only what gates and invariants need: an instant
// query (is it up? does the expression parse?), a range query, and which
// metric names have series in a window. Every failure is a PrometheusError
// saying whether Prometheus was unreachable or refused the query.
import type { SeriesSamples } from './gates.ts';
import { fetchFailure, MB, readCapped } from '../shared/read-body.ts';
import { replyData, seriesNames, toSeries } from './reply.ts';
import { splitCredentials } from '../inputs/url.ts';

/** A reply larger than this is refused: a range query over a day of 100 series at 1 s is ~40 MB. */
export const MAX_REPLY_BYTES = 64 * MB;

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

export function createPrometheusClient(url: string, options: { timeoutMs?: number; fetchImpl?: typeof fetch } = {}): PrometheusClient {
  const { base, shown, headers } = splitCredentials(url);
  const timeoutMs = options.timeoutMs ?? 10_000;
  const doFetch = options.fetchImpl ?? fetch;

  /** A reply's `data`, or a PrometheusError naming Prometheus, its URL, the endpoint and what was wrong. */
  async function get(path: string, params: Array<[string, string]>): Promise<unknown> {
    const body = new URLSearchParams(params).toString();
    const where = `Prometheus at ${shown} (${path})`;
    let res: Response;
    try {
      // POST keeps long expressions out of the URL's length limit.
      res = await doFetch(`${base}${path}`, {
        method: 'POST', body, headers: { ...headers, 'content-type': 'application/x-www-form-urlencoded' }, signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (error) {
      const why = fetchFailure(error, timeoutMs);
      // A redirect loop is an answer, and a URL to fix: not "unreachable".
      if (why.startsWith('it redirects')) throw new PrometheusError(`${where} answered, but ${why}: give the URL it should be`, 'failed');
      throw new PrometheusError(`Prometheus at ${shown} is not reachable (${why})`, 'unreachable');
    }
    let text: string;
    try {
      text = await readCapped(res, MAX_REPLY_BYTES, timeoutMs);
    } catch (error) {
      throw new PrometheusError(`${where} answered HTTP ${res.status}, but ${(error as Error).message}`, 'failed');
    }
    const data = replyData(text, res.status);
    if (!data.ok) throw new PrometheusError(`${where} ${data.problem}`, data.kind);
    return data.value;
  }
  const series = (path: string, data: unknown): SeriesSamples[] => {
    const parsed = toSeries(data);
    if (!parsed.ok) throw new PrometheusError(`Prometheus at ${shown} (${path}) ${parsed.problem}`, parsed.kind);
    return parsed.value;
  };

  return {
    url: shown,
    async query(expr, time) {
      return series('/api/v1/query', await get('/api/v1/query', [['query', expr], ...(time === undefined ? [] : [['time', String(time)] as [string, string]])]));
    },
    async queryRange(expr, start, end, stepSeconds) {
      return series('/api/v1/query_range', await get('/api/v1/query_range', [['query', expr], ['start', String(start)], ['end', String(end)], ['step', String(stepSeconds)]]));
    },
    async absentMetrics(names, start, end) {
      if (names.length === 0) return [];
      const params: Array<[string, string]> = names.map((n) => ['match[]', `{__name__="${n}"}`]);
      const data = await get('/api/v1/series', [...params, ['start', String(start)], ['end', String(end)]]);
      const present = seriesNames(data);
      if (!present.ok) throw new PrometheusError(`Prometheus at ${shown} (/api/v1/series) ${present.problem}`, present.kind);
      return names.filter((n) => !present.value.has(n));
    },
  };
}
