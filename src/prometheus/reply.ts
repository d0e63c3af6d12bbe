// What a Prometheus HTTP API reply must look like before loadctl believes
// it. A reply of another shape (null, [], {}, resultType "banana", values
// that are not numbers) is not "no data": read as no data it made the
// default gates SKIPPED and the run PASS. Each problem is one line naming
// the endpoint and HTTP status; the caller adds Prometheus and its URL. Pure.
import type { SeriesSamples } from './gates.ts';

export type ReplyKind = 'bad-query' | 'failed';
export type Parsed<T> = { ok: true; value: T } | { ok: false; problem: string; kind: ReplyKind };

interface ApiReply { status?: unknown; data?: unknown; error?: unknown; errorType?: unknown }

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const quote = (text: string) => JSON.stringify(text.length > 120 ? `${text.slice(0, 120)}…` : text);
/** A JSON value as written, cut short. */
const shown = (v: unknown) => { const t = JSON.stringify(v) ?? 'missing'; return t.length > 120 ? `${t.slice(0, 120)}…` : t; };

/** The `data` of a success reply, or why there is none. */
export function replyData(text: string, status: number): Parsed<unknown> {
  let reply: unknown;
  try {
    reply = JSON.parse(text);
  } catch {
    return { ok: false, kind: 'failed', problem: `answered HTTP ${status} with ${text.trim() === '' ? 'an empty body' : `a body that is not JSON (${quote(text.trim())})`}: is this Prometheus' base URL?` };
  }
  if (!isObject(reply)) return { ok: false, kind: 'failed', problem: `answered HTTP ${status} with ${shown(reply)}, not a Prometheus API reply` };
  const r = reply as ApiReply;
  if (r.status === 'error') {
    const kind = status === 400 || r.errorType === 'bad_data' ? 'bad-query' : 'failed';
    const what = [typeof r.errorType === 'string' ? r.errorType : '', typeof r.error === 'string' ? quote(r.error) : ''].filter(Boolean).join(': ');
    return { ok: false, kind, problem: `answered HTTP ${status} with an error${what ? ` (${what})` : ''}` };
  }
  if (r.status !== 'success') return { ok: false, kind: 'failed', problem: `answered HTTP ${status} with no "status": "success" (${shown(reply)}), not a Prometheus API reply` };
  if (status < 200 || status > 299) return { ok: false, kind: 'failed', problem: `answered HTTP ${status}` };
  return { ok: true, value: r.data };
}

/** Prometheus writes a sample's value as a string: a number, NaN or ±Inf. */
function value(v: unknown): number | undefined {
  if (typeof v === 'number') return v;
  if (typeof v !== 'string') return undefined;
  if (v === '+Inf' || v === 'Inf') return Infinity;
  if (v === '-Inf') return -Infinity;
  if (v === 'NaN') return Number.NaN;
  return /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(v.trim()) ? Number(v) : undefined;
}

function sample(s: unknown): [number, number] | undefined {
  if (!Array.isArray(s) || s.length !== 2) return undefined;
  const t = value(s[0]);
  const v = value(s[1]);
  return t === undefined || v === undefined || !Number.isFinite(t) ? undefined : [t, v];
}

const bad = (problem: string): Parsed<never> => ({ ok: false, kind: 'failed', problem: `sent a malformed reply: ${problem}` });

/** A query's matrix, vector or scalar result as series of [t, v] samples. */
export function toSeries(data: unknown): Parsed<SeriesSamples[]> {
  if (!isObject(data)) return bad(`"data" is ${shown(data)}, not an object`);
  const { resultType, result } = data;
  if (resultType === 'scalar') {
    const s = sample(result);
    return s ? { ok: true, value: [{ labels: {}, samples: [s] }] } : bad(`a scalar result ${shown(result)} is not [time, "value"]`);
  }
  if (resultType !== 'matrix' && resultType !== 'vector') return bad(`resultType ${quote(String(resultType))} is not matrix, vector or scalar`);
  if (!Array.isArray(result)) return bad(`"result" of a ${resultType} is not a list`);
  const series: SeriesSamples[] = [];
  for (const [i, r] of result.entries()) {
    if (!isObject(r) || (r.metric !== undefined && !isObject(r.metric))) return bad(`series ${i} is not {metric, ${resultType === 'matrix' ? 'values' : 'value'}}`);
    const raw = resultType === 'matrix' ? r.values : [r.value];
    if (!Array.isArray(raw)) return bad(`series ${i} has no ${resultType === 'matrix' ? 'values' : 'value'}`);
    const samples: Array<[number, number]> = [];
    for (const s of raw) {
      const parsed = sample(s);
      if (!parsed) return bad(`series ${i} has the sample ${shown(s)}, not [time, "number"]`);
      samples.push(parsed);
    }
    series.push({ labels: (r.metric ?? {}) as Record<string, string>, samples });
  }
  return { ok: true, value: series };
}

/** The metric names /api/v1/series found. */
export function seriesNames(data: unknown): Parsed<Set<string>> {
  if (!Array.isArray(data)) return bad(`the series list is ${shown(data)}, not a list`);
  const names = new Set<string>();
  for (const s of data) {
    if (!isObject(s) || typeof s.__name__ !== 'string') return bad(`a series ${shown(s)} has no __name__`);
    names.add(s.__name__);
  }
  return { ok: true, value: names };
}
