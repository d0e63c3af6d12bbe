// What arrived when a cluster run was interrupted: the runner pods stop when
// their TestRun is deleted and never hand loadctl their summaries, so the
// figures come from the live feed alone. Requests and failures are the
// timeline's seconds added up (the pods' cumulative counters as they last
// pushed, so up to one push interval short); http_req_duration's count, mean
// and percentiles from the pods' merged native histograms (min and max are
// not in a histogram). Labelled source "live-feed" so no one takes it for a
// summary. Pure.
import { assemble, toMetric } from '../../results/summary.ts';
import type { MetricResult, RunResults } from '../../results/types.ts';
import type { Timeline } from '../../live/types.ts';
import type { TrendSource } from '../merge.ts';

export function resultsFromFeed(timeline: Timeline, histograms: TrendSource): RunResults | undefined {
  const requests = timeline.total.reduce((n, s) => n + s.requests, 0);
  if (requests === 0) return undefined;
  const failures = timeline.total.reduce((n, s) => n + s.failures, 0);
  const seconds = Math.max(1, timeline.total.length);
  const metrics: Record<string, MetricResult> = {
    http_reqs: toMetric('http_reqs', 'counter', 'default', { count: requests, rate: requests / seconds }),
    // k6's Rate counts true values as passes: for http_req_failed, the failed requests.
    http_req_failed: toMetric('http_req_failed', 'rate', 'default', { passes: failures, fails: requests - failures, rate: failures / requests }),
  };
  const trend = histograms.merged('http_req_duration');
  if (trend && trend.count > 0) {
    const raw: Record<string, number> = { count: trend.count };
    if (trend.avg !== null) raw.avg = trend.avg;
    for (const p of [50, 90, 95, 99]) {
      const v = trend.percentile(p);
      if (v !== null) raw[`p(${p})`] = v;
    }
    if (raw['p(50)'] !== undefined) raw.med = raw['p(50)'];
    metrics.http_req_duration = toMetric('http_req_duration', 'trend', 'time', raw);
  }
  return assemble('live-feed', seconds * 1000, metrics, [], {});
}
