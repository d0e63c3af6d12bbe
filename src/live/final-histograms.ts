// The whole-run histogram of every trend, from the live feed. k6's native
// histograms are cumulative, so the newest snapshot of each series IS that
// series' distribution over the run; the same trend's series (every runner,
// every tag combination) then add up into one histogram. That is how a test
// split over N runners gets true percentiles: merged buckets, not averaged
// p(99)s. Memory: one snapshot per series, replaced in place.
import { labelValue } from './remote-write/decode.ts';
import { seriesKey } from './remote-write/deltas.ts';
import { addDelta, emptyHistogram, quantile, type SparseHistogram } from './remote-write/histogram.ts';
import type { NativeHistogram, TimeSeries } from './remote-write/protobuf.ts';

interface Snapshot {
  /** Labels without __name__, for submetric filters. */
  labels: ReadonlyMap<string, string>;
  h: NativeHistogram;
}

/** One trend's merged figures; durations in ms for time trends. */
export interface MergedTrend {
  count: number;
  /** Mean from the histograms' exact sums. */
  avg: number | null;
  /** Percentile (0..100) -> value, within one bucket of the truth. */
  percentile(p: number): number | null;
  /** The relative bucket width, e.g. 0.0905 at schema 3 (~9 %). */
  bucketWidth: number;
  schema: number;
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

  /** Takes one decoded push: keeps the newest snapshot of each histogram series. */
  ingest(push: readonly TimeSeries[]): void {
    for (const s of push) {
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
      percentile: (p) => {
        const v = quantile(h, p / 100);
        return v === null ? null : v * scale;
      },
      bucketWidth: 2 ** (2 ** -h.schema) - 1,
      schema: h.schema,
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
