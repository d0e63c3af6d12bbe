// Reads one invariant's value from its source: PostgreSQL (pg), Redis
// (ioredis), an HTTP JSON endpoint or Prometheus. Each read opens and closes
// its own connection: invariants run twice per run, so a pool would only
// outlive its use. A source that cannot be reached throws CheckUnavailable.
import type { InvariantSpec } from './schema.ts';
import { createPrometheusClient, PrometheusError, type PrometheusClient } from '../prometheus/client.ts';
import { redactUrl } from '../inputs/url.ts';
import { BodyError, fetchFailure, MB, readCapped } from '../shared/read-body.ts';

export class CheckUnavailable extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CheckUnavailable';
  }
}

/** The source answered, but the invariant itself is wrong (SQL or PromQL that does not parse, a JSON path to a string): fix the profile, not the service. */
export class CheckMisconfigured extends CheckUnavailable {
  constructor(message: string) {
    super(message);
    this.name = 'CheckMisconfigured';
  }
}

/** PostgreSQL's class 42: syntax error or access rule violation (a typo, an unknown table or column). */
const sqlMistake = (error: unknown) => /^42/.test(String((error as { code?: unknown }).code ?? ''));

/** The value judged and the rows that explain it (at most MAX_ROWS kept). */
export interface Reading { value: number; rows: unknown[]; rowCount: number }

export const MAX_ROWS = 10;
const TIMEOUT_MS = 5000;
const messageOf = (e: unknown) => (e instanceof Error ? e.message : String(e));
const reading = (value: number, rows: unknown[]): Reading => ({ value, rows: rows.slice(0, MAX_ROWS), rowCount: rows.length });

/** One row and one numeric column is a value (SELECT count(*)); anything else is rows, counted. */
export function sqlReading(rows: Array<Record<string, unknown>>): Reading {
  if (rows.length === 1) {
    const cells = Object.values(rows[0] as Record<string, unknown>);
    const n = cells.length === 1 ? Number(cells[0]) : Number.NaN;
    if (cells.length === 1 && (typeof cells[0] === 'number' || typeof cells[0] === 'string' || typeof cells[0] === 'bigint') && Number.isFinite(n)) return reading(n, []);
  }
  return reading(rows.length, rows);
}

/** SQLSTATE read_only_sql_transaction: a write inside the read-only transaction. */
const READ_ONLY_VIOLATION = '25006';

async function readSql(spec: NonNullable<InvariantSpec['sql']>): Promise<Reading> {
  const { default: pg } = await import('pg');
  const client = new pg.Client({ connectionString: spec.url, connectionTimeoutMillis: TIMEOUT_MS, query_timeout: TIMEOUT_MS });
  client.on('error', () => {});
  try {
    await client.connect();
  } catch (error) {
    throw new CheckUnavailable(`PostgreSQL at ${redactUrl(spec.url)} is not reachable (${messageOf(error)})`);
  }
  try {
    // Read-only and one statement, whatever the text got past sql-text.ts: the
    // transaction refuses writes (a data-changing CTE, nextval), and the
    // extended protocol (a named statement) refuses a second statement.
    await client.query('BEGIN TRANSACTION READ ONLY');
    const result = await client.query({ name: 'loadctl-invariant', text: spec.query });
    await client.query('ROLLBACK');
    return sqlReading(result.rows as Array<Record<string, unknown>>);
  } catch (error) {
    if ((error as { code?: string }).code === READ_ONLY_VIOLATION) throw new CheckMisconfigured(`the query tried to change data, which an invariant may not (PostgreSQL: ${messageOf(error)})`);
    const Refusal = sqlMistake(error) ? CheckMisconfigured : CheckUnavailable;
    throw new Refusal(`PostgreSQL refused the query: ${messageOf(error)}`);
  } finally {
    await client.end().catch(() => {});
  }
}

async function readRedis(spec: NonNullable<InvariantSpec['redis']>): Promise<Reading> {
  const { Redis } = await import('ioredis');
  const redis = new Redis(spec.url, { connectTimeout: TIMEOUT_MS, commandTimeout: TIMEOUT_MS, maxRetriesPerRequest: 0, retryStrategy: () => null, lazyConnect: true });
  redis.on('error', () => {});
  try {
    await redis.connect();
  } catch (error) {
    throw new CheckUnavailable(`Redis at ${redactUrl(spec.url)} is not reachable (${messageOf(error)})`);
  }
  try {
    const offending: Array<{ key: string; ttlMs: number }> = [];
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', spec.keys, 'COUNT', 1000);
      cursor = next;
      if (keys.length === 0) continue;
      const ttls = await Promise.all(keys.map((k) => redis.pttl(k)));
      keys.forEach((key, i) => {
        const ttl = ttls[i] as number;
        // -1: no expiry at all; -2: gone between SCAN and PTTL.
        if (ttl === -1 || (spec.maxTtl !== undefined && ttl > spec.maxTtl)) offending.push({ key, ttlMs: ttl });
      });
    } while (cursor !== '0');
    offending.sort((a, b) => a.key.localeCompare(b.key));
    return reading(offending.length, offending);
  } catch (error) {
    throw new CheckUnavailable(`Redis failed the scan: ${messageOf(error)}`);
  } finally {
    redis.disconnect();
  }
}

/** The JSON at a dotted path ("data.items.0"); the whole body for an empty path. */
export function atPath(body: unknown, path: string | undefined): unknown {
  if (!path) return body;
  let v: unknown = body;
  for (const key of path.split('.')) v = typeof v === 'object' && v !== null ? (v as Record<string, unknown>)[key] : undefined;
  return v;
}

export function jsonReading(v: unknown, path: string | undefined): Reading {
  if (Array.isArray(v)) return reading(v.length, v);
  if (typeof v === 'number' && Number.isFinite(v)) return reading(v, []);
  if (typeof v === 'boolean') return reading(v ? 1 : 0, []);
  throw new CheckMisconfigured(`the JSON at ${path ? `"${path}"` : 'the top'} is ${v === undefined ? 'missing' : JSON.stringify(v)?.slice(0, 60)}, not an array, number or boolean`);
}

/** An HTTP invariant reads a status document: a larger reply is refused, not held (656 MB in 5 s was seen). */
export const MAX_HTTP_BODY_BYTES = 8 * MB;

async function readHttp(spec: NonNullable<InvariantSpec['http']>): Promise<Reading> {
  const shown = redactUrl(spec.url);
  let res: Response;
  try {
    res = await fetch(spec.url, { signal: AbortSignal.timeout(TIMEOUT_MS), headers: { accept: 'application/json' } });
  } catch (error) {
    throw new CheckUnavailable(`GET ${shown} failed (${fetchFailure(error, TIMEOUT_MS)})`);
  }
  if (!res.ok) {
    await res.body?.cancel().catch(() => undefined);
    throw new CheckUnavailable(`GET ${shown} answered ${res.status}`);
  }
  let body: unknown;
  try {
    body = JSON.parse(await readCapped(res, MAX_HTTP_BODY_BYTES, TIMEOUT_MS));
  } catch (error) {
    throw new CheckUnavailable(`GET ${shown} answered ${res.status}, but ${error instanceof BodyError ? error.message : 'not with JSON'}`);
  }
  return jsonReading(atPath(body, spec.path), spec.path);
}

async function readPromql(spec: NonNullable<InvariantSpec['promql']>, prometheus: PrometheusClient | null): Promise<Reading> {
  const client = spec.url ? createPrometheusClient(spec.url) : prometheus;
  if (!client) throw new CheckUnavailable('a PromQL invariant needs a Prometheus: --prometheus, LOADCTL_PROMETHEUS or promql.url');
  let series;
  try {
    series = await client.query(spec.query);
  } catch (error) {
    if (error instanceof PrometheusError && error.kind === 'bad-query') throw new CheckMisconfigured(`${messageOf(error)}: the query does not parse`);
    throw new CheckUnavailable(messageOf(error));
  }
  const rows = series.map((s) => ({ ...s.labels, value: s.samples[0]?.[1] ?? Number.NaN }));
  if (rows.length === 0) throw new CheckUnavailable(`Prometheus has no data for ${spec.query}`);
  return { value: rows.reduce((sum, r) => sum + r.value, 0), rows: rows.slice(0, MAX_ROWS), rowCount: rows.length };
}

export function readInvariant(spec: InvariantSpec, prometheus: PrometheusClient | null): Promise<Reading> {
  if (spec.sql) return readSql(spec.sql);
  if (spec.redis) return readRedis(spec.redis);
  if (spec.http) return readHttp(spec.http);
  return readPromql(spec.promql as NonNullable<InvariantSpec['promql']>, prometheus);
}
