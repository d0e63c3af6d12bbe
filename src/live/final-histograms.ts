// The whole-run histogram of every trend, from the live feed. k6's native
// histograms are cumulative, so the newest snapshot of each series IS that
// series' distribution over the run; the same trend's series (every runner,
// every tag combination) then add up into one histogram. That is how a test
// split over N runners gets true percentiles: merged buckets, not averaged
// p(99)s. Memory: one snapshot per series, replaced in place.
import { labelValue } from './remote-write/decode.ts';
import { failureShare, seriesKey } from './remote-write/deltas.ts';
import { addDelta, emptyHistogram, quantile, type SparseHistogram } from './remote-write/histogram.ts';
import type { NativeHistogram, TimeSeries } from './remote-write/protobuf.ts';

/** k6's remote-write names of http_reqs and http_req_failed. */
export const REQS = 'k6_http_reqs_total';
export const FAILED = 'k6_http_req_failed_rate';

interface Snapshot {
  /** Labels without __name__, for submetric filters. */
  labels: ReadonlyMap<string, string>;
  h: NativeHistogram;
}

/** One trend's merged figures; durations in ms for time trends. */
export interface MergedTrend {
  count: number;
  /** Mean from the exact sums. */
  avg: number | null;
  /** Exact extremes, when the source keeps them (samples do, histograms do not). */
  min: number | null;
  max: number | null;
  /** Percentile (0..100) -> value, within `relativeError` of one k6's figure over the same samples. */
  percentile(p: number): number | null;
  /**
   * Samples only: the two order statistics k6 interpolates between for p,
   * widened by the error. Whatever this trend is pooled with, the pooled p
   * lies between the parts' smallest first and largest second.
   */
  bracket?(p: number): [number, number] | null;
  /** 'samples': the runners' every sample in sketches; 'native histograms': the live feed's. */
  source: 'samples' | 'native histograms';
  /** Largest relative error of a percentile: 0.001 from samples, one bucket (0.0905 at schema 3) from histograms. */
  relativeError: number;
  series: number;
}

/** "k6_http_req_duration_seconds" -> k6's metric name and whether it is a time in seconds. */
export function trendOfSeries(name: string): { metric: string; seconds: boolean } | undefined {
  if (!name.startsWith('k6_')) return undefined;
  const bare = name.slice(3);
  return bare.endsWith('_seconds') ? { metric: bare.slice(0, -'_seconds'.length), seconds: true } : { metric: bare, seconds: false };
}

export class FinalHistograms {
  private readonly byMetric = new Map<string, { seconds: boolean; series: Map<string, Snapshot> }>();
  /** http_reqs per series: its newest cumulative count, runner and failed share. */
  private readonly requests = new Map<string, { t: number; count: number; runner: string | undefined; expected: string | undefined }>();
  private readonly failedRate = new Map<string, number>();

  /** Takes one decoded push: keeps the newest snapshot of each histogram series, and each request counter. */
  ingest(push: readonly TimeSeries[]): void {
    for (const s of push) {
      const name = labelValue(s, '__name__');
      const x = s.samples[s.samples.length - 1];
      if ((name === REQS || name === FAILED) && x && !Number.isNaN(x.value)) {
        const key = seriesKey(s);
        if (name === FAILED) this.failedRate.set(key, x.value);
        else if ((this.requests.get(key)?.t ?? -Infinity) <= x.timestamp) {
          this.requests.set(key, { t: x.timestamp, count: x.value, runner: labelValue(s, 'runner') ?? labelValue(s, 'instance_id'), expected: labelValue(s, 'expected_response') });
        }
      }
      const h = s.histograms[s.histograms.length - 1];
      if (!h || Number.isNaN(h.sum)) continue;
      const trend = trendOfSeries(labelValue(s, '__name__') ?? '');
      if (!trend) continue;
      let m = this.byMetric.get(trend.metric);
      if (!m) {
        m = { seconds: trend.seconds, series: new Map() };
        this.byMetric.set(trend.metric, m);
      }
      const key = seriesKey(s);
      const old = m.series.get(key);
      if (old && old.h.timestamp >= h.timestamp) continue;
      m.series.set(key, { labels: old?.labels ?? labelsOf(s), h });
    }
  }

  /** What one runner's pushes said of its requests (cumulative): what arrived when its summary did not. */
  requestsOf(runner: number): { requests: number; failures: number } | undefined {
    let requests = 0;
    let failures = 0;
    let seen = false;
    for (const [key, r] of this.requests) {
      if (r.runner !== String(runner)) continue;
      seen = true;
      requests += r.count;
      failures += Math.round(r.count * failureShare(r.expected, this.failedRate.get(key)));
    }
    return seen ? { requests, failures } : undefined;
  }

  metrics(): string[] {
    return [...this.byMetric.keys()];
  }

  /** The trend merged over every series whose labels match `tags` (a submetric); undefined when never seen. */
  merged(metric: string, tags: Readonly<Record<string, string>> = {}): MergedTrend | undefined {
    const m = this.byMetric.get(metric);
    if (!m) return undefined;
    let hist: SparseHistogram | undefined;
    let sum = 0;
    let series = 0;
    const wanted = Object.entries(tags);
    for (const snap of m.series.values()) {
      if (!wanted.every(([k, v]) => snap.labels.get(k) === v)) continue;
      hist ??= emptyHistogram(snap.h.schema);
      addDelta(hist, snap.h, undefined);
      sum += snap.h.sum;
      series++;
    }
    if (!hist) return undefined;
    const scale = m.seconds ? 1000 : 1;
    const total = hist.count;
    const h = hist;
    return {
      count: total,
      avg: total > 0 ? (sum / total) * scale : null,
      min: null,
      max: null,
      percentile: (p) => {
        const v = quantile(h, p / 100);
        return v === null ? null : v * scale;
      },
      source: 'native histograms',
      // One bucket's relative width: 9.05 % at k6's schema 3.
      relativeError: 2 ** (2 ** -h.schema) - 1,
      series,
    };
  }

  /** Series held (for the memory benchmark). */
  get size(): number {
    let n = 0;
    for (const m of this.byMetric.values()) n += m.series.size;
    return n;
  }
}

function labelsOf(s: TimeSeries): Map<string, string> {
  const out = new Map<string, string>();
  for (const l of s.labels) if (l.name !== '__name__') out.set(l.name, l.value);
  return out;
}
