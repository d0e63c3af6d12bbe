// Merged live feed of N runners (--runners): what loadctl spends to take
// 100k req/s of k6 traffic split over 4 runners (4 x 25k req/s, each runner's
// pushes carrying its `runner` label, as `--tag runner=N` makes k6 send), and
// whether its memory stays flat over a 30-minute simulated feed. The pushes
// come from bench/live-feed-sim.ts (shapes of real k6 captures), one
// simulator per runner; decode and aggregate are timed, building the payload
// (k6's work) and adding the label are not. Runs in a child with --expose-gc
// so heap figures are live data only.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { RemoteWriteAggregator } from '../src/live/aggregate.ts';
import { decodeBody } from '../src/live/remote-write/decode.ts';
import { FeedSimulator } from './live-feed-sim.ts';

const self = fileURLToPath(import.meta.url);
const HEADERS = { 'content-encoding': 'snappy', 'content-type': 'application/x-protobuf' };
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)]!;
const heapMB = () => { (globalThis as { gc?: () => void }).gc?.(); return process.memoryUsage().heapUsed / 2 ** 20; };

function mergedFeed(runners: number, totalRate: number, seconds: number) {
  const sims = Array.from({ length: runners }, () => new FeedSimulator(totalRate / runners));
  const agg = new RemoteWriteAggregator();
  const perSecond: number[] = [];
  const heap: Record<string, number> = {};
  const held: Record<string, number> = {};
  for (let s = 0; s < seconds; s++) {
    let cpu = 0;
    sims.forEach((sim, id) => {
      const body = sim.nextPush();
      const t0 = process.cpuUsage();
      const push = decodeBody(body, HEADERS);
      let d = process.cpuUsage(t0);
      cpu += (d.user + d.system) / 1000;
      for (const series of push) series.labels.push({ name: 'runner', value: String(id) });
      const t1 = process.cpuUsage();
      agg.ingest(push);
      d = process.cpuUsage(t1);
      cpu += (d.user + d.system) / 1000;
    });
    perSecond.push(cpu);
    if ((s + 1) % 600 === 0) {
      heap[`heapAt${(s + 1) / 60}minMB`] = heapMB();
      held[`observationsHeldAt${(s + 1) / 60}min`] = agg.held.observations;
    }
  }
  const timeline = agg.finish();
  const p99 = agg.finals.merged('http_req_duration')?.percentile(99) ?? null;
  return {
    runners, totalRate, seconds,
    cpuMsPerSecondMedian: median(perSecond),
    cpuMsPer100kReqPerSecond: median(perSecond) * (100_000 / totalRate),
    coreSharePct: (median(perSecond) / 1000) * 100,
    ...heap, ...held,
    finalHistogramSeries: agg.finals.size,
    timelineSeconds: timeline.total.length,
    timelineKeys: 1 + Object.keys(timeline.series).length,
    mergedP99ms: p99,
    maxRssMB: process.resourceUsage().maxRSS / 1024,
  };
}

if (process.argv[2] === 'child') {
  const [runners, rate, seconds] = process.argv.slice(3).map(Number);
  console.log(JSON.stringify(mergedFeed(runners!, rate!, seconds!)));
} else {
  for (const [runners, rate, seconds] of [[4, 100_000, 1800], [1, 100_000, 600]] as const) {
    const r = spawnSync(process.execPath, ['--expose-gc', '--import', 'tsx', self, 'child', String(runners), String(rate), String(seconds)], { encoding: 'utf8' });
    if (r.status !== 0) { console.error(r.stderr); process.exit(1); }
    const x = JSON.parse(r.stdout) as Record<string, number>;
    const line = Object.entries(x).map(([k, v]) => `${k}=${typeof v === 'number' && !Number.isInteger(v) ? v.toFixed(2) : v}`).join(' ');
    console.log(`merged remote-write feed: ${line}`);
  }
}
