// Built truths for the live-feed tests and benches: a list of requests with
// known outage windows, the per-second figures they must produce, and what
// k6 would send for them (remote-write pushes, NDJSON lines). k6 cannot run
// here, so these stand in for its outputs: TEST-ONLY, modelled on the real
// captures in test/fixtures/remote-write and test/fixtures/live.
import { percentile } from '../../../../src/live/ndjson-window.ts';
import type { SecondStats } from '../../../../src/live/types.ts';
import { bucketIndex, encodeBody, type EncSeries } from './remote-write-encoder.ts';

export interface Req {
  /** Unix ms when the sample is stamped. */
  ms: number;
  name: string;
  scenario: string;
  status: number;
  failed: boolean;
  /** ms */
  duration: number;
}

export interface Outage {
  name: string;
  from: number;
  to: number;
  failShare: number;
  duration: number;
}

/** Deterministic pseudo-random numbers (tests must not flake). */
export function lcg(seed: number): () => number {
  let x = seed >>> 0;
  return () => {
    x = (Math.imul(x, 1664525) + 1013904223) >>> 0;
    return x / 2 ** 32;
  };
}

/**
 * Requests for `seconds` seconds from `t0`: `search` (scenario browse) and
 * `book` (scenario book) at steady rates, and outages that fail a share of
 * an endpoint's requests with a given latency over [from, to) seconds.
 * Requests spread evenly over each second, so the newest sample of every
 * second sits in its last tenth (what k6 at load looks like).
 */
export function buildTruth(t0: number, seconds: number, outages: Outage[], rates = { search: 50, book: 20 }): Req[] {
  const rnd = lcg(42);
  const reqs: Req[] = [];
  for (let s = 0; s < seconds; s++) {
    for (const [name, rate] of Object.entries(rates)) {
      const outage = outages.find((o) => o.name === name && s >= o.from && s < o.to);
      for (let k = 0; k < rate; k++) {
        const ms = (t0 + s) * 1000 + Math.floor(((k + 0.5) / rate) * 1000);
        const failed = outage !== undefined && k < Math.round(rate * outage.failShare);
        const base = name === 'search' ? 5 : 40;
        // Six decimals, as k6 prints durations (ms with ns precision).
        const duration = round6(failed ? outage!.duration * (0.9 + 0.2 * rnd()) : base * (1 + rnd()));
        reqs.push({ ms, name, scenario: name === 'search' ? 'browse' : 'book', status: failed ? 503 : 200, failed, duration });
      }
    }
  }
  return reqs.sort((a, b) => a.ms - b.ms);
}

function round6(x: number): number {
  return Math.round(x * 1e6) / 1e6;
}

/** The figures every second must show: exact counts, exact percentiles (k6's rule). */
export function expectedSeconds(reqs: Req[], key: (r: Req) => boolean = () => true): Map<number, SecondStats> {
  const by = new Map<number, Req[]>();
  for (const r of reqs) {
    if (!key(r)) continue;
    const t = Math.floor(r.ms / 1000);
    (by.get(t) ?? by.set(t, []).get(t)!).push(r);
  }
  const out = new Map<number, SecondStats>();
  for (const [t, list] of by) {
    const sorted = Float64Array.from(list.map((r) => r.duration)).sort();
    const failures = list.filter((r) => r.failed).length;
    out.set(t, {
      t,
      requests: list.length,
      failures,
      errorRate: failures / list.length,
      p50: percentile(sorted, 0.5),
      p95: percentile(sorted, 0.95),
      p99: percentile(sorted, 0.99),
    });
  }
  return out;
}

/**
 * When requests failed, as the exact feed keeps it in `total` (failRuns,
 * firstOkAt), read plainly from a list of responses: the reference the
 * aggregator must equal, to the ms. At equal times a success sorts first.
 */
export function expectedOutcomes(list: ReadonlyArray<{ ms: number; failed: boolean }>): Pick<SecondStats, 'failRuns' | 'firstOkAt'> {
  const sorted = [...list].sort((a, b) => a.ms - b.ms || Number(a.failed) - Number(b.failed));
  const runs: NonNullable<SecondStats['failRuns']> = [];
  let firstOkAt: number | null = null;
  sorted.forEach((r, i) => {
    if (!r.failed) {
      firstOkAt ??= r.ms;
    } else if (i > 0 && sorted[i - 1]!.failed) {
      runs[runs.length - 1]![1] = r.ms;
    } else {
      runs.push([r.ms, r.ms, sorted.slice(i).find((x) => !x.failed)?.ms ?? null]);
    }
  });
  return runs.length > 0 ? { failRuns: runs, firstOkAt } : { firstOkAt };
}

export function labelsOf(r: Req, metric: string): { name: string; value: string }[] {
  // k6 sends labels sorted by name, __name__ first.
  return [
    { name: '__name__', value: metric },
    { name: 'expected_response', value: String(!r.failed) },
    { name: 'k6_feature_native_histograms', value: 'true' },
    { name: 'method', value: r.name === 'search' ? 'GET' : 'POST' },
    { name: 'name', value: r.name },
    { name: 'proto', value: 'HTTP/1.1' },
    { name: 'scenario', value: r.scenario },
    { name: 'status', value: String(r.status) },
    { name: 'url', value: r.name },
  ];
}

interface SeriesState {
  proto: Req;
  count: number;
  failed: number;
  sum: number;
  buckets: Map<number, number>;
  last: number;
  dirty: boolean;
}

export interface Push {
  /** When k6 flushed, Unix ms. */
  at: number;
  body: Buffer;
}

/**
 * What k6's remote-write output sends for these requests: every push interval
 * (ending `phaseMs` into a second) the series that changed, with CUMULATIVE
 * counts and native histograms (schema 3), stamped with their newest sample.
 * `restartAt` (Unix s) simulates k6 starting over: every cumulative resets.
 */
/** `jitterMs(k)` moves push k's flush off k6's steady 1 s ticker (a timer that wobbles). */
export function simulatePushes(reqs: Req[], opts: { phaseMs?: number; schema?: number; restartAt?: number; jitterMs?: (k: number) => number } = {}): Push[] {
  const phase = opts.phaseMs ?? 999;
  const schema = opts.schema ?? 3;
  const states = new Map<string, SeriesState>();
  const pushes: Push[] = [];
  if (reqs.length === 0) return pushes;
  const firstFlush = Math.floor(reqs[0]!.ms / 1000) * 1000 + phase;
  let flushAt = firstFlush + (opts.jitterMs?.(0) ?? 0);
  let k = 0;
  let i = 0;
  let restarted = false;
  while (i < reqs.length) {
    if (opts.restartAt !== undefined && !restarted && flushAt >= opts.restartAt * 1000) {
      states.clear();
      restarted = true;
    }
    for (; i < reqs.length && reqs[i]!.ms <= flushAt; i++) {
      const r = reqs[i]!;
      const key = `${r.name}|${r.status}`;
      let st = states.get(key);
      if (!st) states.set(key, (st = { proto: r, count: 0, failed: 0, sum: 0, buckets: new Map(), last: 0, dirty: false }));
      st.count++;
      if (r.failed) st.failed++;
      st.sum += r.duration / 1000;
      const b = bucketIndex(r.duration / 1000, schema);
      st.buckets.set(b, (st.buckets.get(b) ?? 0) + 1);
      st.last = r.ms;
      st.dirty = true;
    }
    const series: EncSeries[] = [];
    for (const st of states.values()) {
      if (!st.dirty) continue;
      st.dirty = false;
      series.push({ labels: labelsOf(st.proto, 'k6_http_reqs_total'), samples: [{ value: st.count, timestamp: st.last }] });
      series.push({ labels: labelsOf(st.proto, 'k6_http_req_failed_rate'), samples: [{ value: st.failed / st.count, timestamp: st.last }] });
      series.push({
        labels: labelsOf(st.proto, 'k6_http_req_duration_seconds'),
        histograms: [{ count: st.count, sum: st.sum, schema, zeroCount: 0, buckets: new Map(st.buckets), timestamp: st.last }],
      });
    }
    if (series.length > 0) pushes.push({ at: flushAt, body: encodeBody(series) });
    k++;
    flushAt = firstFlush + k * 1000 + (opts.jitterMs?.(k) ?? 0);
  }
  return pushes;
}

const METRICS_PER_REQ = ['http_reqs', 'http_req_duration', 'http_req_blocked', 'http_req_connecting', 'http_req_tls_handshaking', 'http_req_sending', 'http_req_waiting', 'http_req_receiving', 'http_req_failed'];

/** k6's RFC 3339 time with nanoseconds, trailing zeros trimmed like Go does. */
export function k6Time(ms: number, nanos: number): string {
  const iso = new Date(ms).toISOString(); // 2026-11-27T08:29:29.918Z
  const frac = `${iso.slice(20, 23)}${String(nanos).padStart(6, '0')}`.replace(/0+$/, '');
  return `${iso.slice(0, 19)}${frac === '' ? '' : `.${frac}`}Z`;
}

/**
 * NDJSON exactly as k6's `--out json` writes it (v2 layout): a Metric line
 * the first time a metric appears, then one Point per metric per request,
 * plus checks and iteration lines. Requests go to `vus` VUs; each VU's lines
 * are in time order but VUs lag each other by up to `lagMs`.
 */
export function* ndjsonLines(reqs: Req[], opts: { vus?: number; lagMs?: number; declared?: Set<string> } = {}): Generator<string> {
  const vus = opts.vus ?? 10;
  const lag = opts.lagMs ?? 0;
  const order = reqs.map((r, i) => ({ r, emit: r.ms + ((i % vus) * lag) / Math.max(1, vus - 1) }));
  order.sort((a, b) => a.emit - b.emit);
  const declared = opts.declared ?? new Set<string>();
  let n = 0;
  for (const { r } of order) {
    const tags = `{"expected_response":"${!r.failed}","group":"","method":"${r.name === 'search' ? 'GET' : 'POST'}","name":"${r.name}","proto":"HTTP/1.1","scenario":"${r.scenario}","status":"${r.status}","url":"http://127.0.0.1:18080/api/${r.name}"}`;
    const time = k6Time(r.ms, (n++ * 7919) % 1000000);
    for (const m of METRICS_PER_REQ) {
      if (!declared.has(m)) {
        declared.add(m);
        const type = m === 'http_reqs' ? 'counter' : m === 'http_req_failed' ? 'rate' : 'trend';
        yield `{"type":"Metric","data":{"name":"${m}","type":"${type}","contains":"${type === 'trend' ? 'time' : 'default'}","thresholds":[],"submetrics":null},"metric":"${m}"}`;
      }
      const value = m === 'http_reqs' ? 1 : m === 'http_req_failed' ? (r.failed ? 1 : 0) : m === 'http_req_duration' ? r.duration : round6(r.duration / 7);
      yield `{"metric":"${m}","type":"Point","data":{"time":"${time}","value":${value},"tags":${tags}}}`;
    }
    yield `{"metric":"checks","type":"Point","data":{"time":"${time}","value":${r.failed ? 0 : 1},"tags":{"check":"ok","group":"","scenario":"${r.scenario}"}}}`;
    yield `{"metric":"data_received","type":"Point","data":{"time":"${time}","value":379,"tags":{"group":"","scenario":"${r.scenario}"}}}`;
    yield `{"metric":"iteration_duration","type":"Point","data":{"time":"${time}","value":${r.duration + 1},"tags":{"group":"","scenario":"${r.scenario}"}}}`;
    yield `{"metric":"iterations","type":"Point","data":{"time":"${time}","value":1,"tags":{"group":"","scenario":"${r.scenario}"}}}`;
  }
}
