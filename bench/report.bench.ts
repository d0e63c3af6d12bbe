// Phase maths and the HTML report on long runs: a 1-hour and a 24-hour soak
// timeline (one point per second, 4 series), with one outage.
// Prints the median time of analysePhases and renderHtmlReport, and the size
// of the self-contained report.html (charts carry every second).
import { analysePhases } from '../src/live/phases.ts';
import type { SecondStats, Timeline } from '../src/live/types.ts';
import { loadHtmlAssets } from '../src/report/assets.ts';
import { renderHtmlReport } from '../src/report/html.ts';
import { withPhases } from '../src/report/result-phases.ts';
import { runRecordFrom } from '../src/report/run-record.ts';

const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;

function timeline(seconds: number): Timeline {
  const start = 1_790_000_000;
  const outageFrom = Math.floor(seconds / 2);
  const make = (scale: number): SecondStats[] => Array.from({ length: seconds }, (_, i) => {
    const bad = i >= outageFrom && i < outageFrom + 40;
    const requests = Math.round((400 + 50 * Math.sin(i / 30)) * scale);
    const failures = bad ? Math.round(requests * 0.6) : 0;
    return { t: start + i, requests, failures, errorRate: failures / requests, p50: 20 + (i % 7), p95: bad ? 900 : 80 + (i % 11), p99: bad ? 2600 : 150 + (i % 13) };
  });
  return { total: make(1), series: { 'name:book': make(0.2), 'name:search': make(0.8), 'scenario:spike': make(1) } };
}

function time(fn: () => void): number {
  const t0 = performance.now();
  fn();
  return performance.now() - t0;
}

const assets = await loadHtmlAssets();
for (const [label, seconds] of [['1 hour', 3600], ['24 hours', 86_400]] as const) {
  const tl = timeline(seconds);
  const start = tl.total[0]!.t;
  const mid = start + Math.floor(seconds / 2);
  const fault = { experiment: 'redis-failure', injectedAt: mid * 1000, rolledBackAt: (mid + 30) * 1000, probesRecoveredAt: (mid + 33) * 1000 };
  const phaseTimes: number[] = [];
  const htmlTimes: number[] = [];
  let size = 0;
  for (let i = 0; i < RUNS; i++) {
    let analysis = analysePhases(tl, fault);
    phaseTimes.push(time(() => { analysis = analysePhases(tl, fault); }));
    const run = runRecordFrom('/bench', { result: withPhases({ status: 'passed' }, analysis), timeline: tl });
    htmlTimes.push(time(() => { size = renderHtmlReport({ run, generatedAt: 'bench', assets }).length; }));
  }
  console.log(`${label} (${seconds} s, 4 series): analysePhases median ${median(phaseTimes).toFixed(1)} ms; `
    + `renderHtmlReport median ${median(htmlTimes).toFixed(1)} ms; report.html ${(size / 1024 / 1024).toFixed(2)} MB`);
}
