// How a test split over runners is described in every output: one line for
// what was merged and how, one per runner with its own figures (k6's own
// judgement of its slice, for information only). Pure.
import type { RunnersBlock } from '../runners/verdict.ts';

const pct = (v: number | null) => (v === null ? 'n/a' : `${(v * 100).toFixed(2)}%`);
const ms = (v: number | null) => (v === null ? 'n/a' : v >= 1000 ? `${(v / 1000).toFixed(2)} s` : `${Math.round(v)} ms`);

/** "merged over 3 runners (local): ..." */
export function runnersHeadline(b: RunnersBlock): string {
  const err = b.merge.relativeError ?? b.merge.bucketWidth;
  const percentiles = b.merge.percentiles === 'samples' && err != null
    ? `percentiles from every runner's every sample (within ${+(err * 100).toFixed(3)} %)`
    : b.merge.percentiles === 'merged native histograms' && err != null
      ? `percentiles from the runners' merged native histograms (within one bucket, ${(err * 100).toFixed(1)} %)`
      : 'no histograms arrived, so no merged percentiles';
  const released = b.placement === 'kubernetes' ? 'released by the k6-operator' : b.releaseSpreadMs === null ? 'never released' : `released within ${b.releaseSpreadMs} ms`;
  const placement = b.engines && b.engines.length > 1 ? `${b.placement} on ${b.engines.length} engines` : b.placement;
  // null: no summary and nothing from the feed; undefined: a result.json from before the field.
  const missing = b.list.filter((r) => r.requestsFrom === 'live feed' || r.requestsFrom === null);
  const counts = missing.length === 0 ? 'counts summed from their summaries' : `counts summed from their summaries (${missing.map((r) => r.requestsFrom === 'live feed'
    ? `runner ${r.id}'s summary is missing: its ${r.requests} requests counted from the live feed`
    : `runner ${r.id}'s summary is missing and its live feed counted nothing`).join('; ')})`;
  return `merged over ${b.count} runners (${placement}, ${released}): ${counts}, ${percentiles}; thresholds and targets judged on the merged data`;
}

/** One line per runner. */
export function runnerLines(b: RunnersBlock): string[] {
  return b.list.map((r) => {
    const own = r.thresholds.length === 0 ? '' : `; its own k6 thresholds ${r.thresholds.every((t) => t.ok) ? 'held' : `crossed ${r.thresholds.filter((t) => !t.ok).length}`} (information only)`;
    const figures = r.requestsFrom === 'live feed'
      ? `its summary is missing (${r.summaryError ?? 'none'}); ${r.requests} requests counted from its live feed, errors ${pct(r.errorRate)}`
      : r.requests === null ? `its summary is missing (${r.summaryError ?? 'none'})` : `${r.requests} requests, errors ${pct(r.errorRate)}, p99 ${ms(r.p99)}`;
    const on = r.engine ? ` on ${r.engine}` : '';
    return `runner ${r.id} [${r.segment}]${on} ${r.end}: ${figures}${own}`;
  });
}

export function runnersText(b: RunnersBlock): string {
  return [runnersHeadline(b), ...runnerLines(b).map((l) => `  ${l}`)].join('\n');
}
