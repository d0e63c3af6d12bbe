// Live feed benchmarks. Each case runs in its own child process so its peak
// memory (maxRSS) is its own.
//  1. remote-write: CPU loadctl spends per second of a 25k req/s test's feed
//     (decode + aggregate of one realistic push), and memory over a long run.
//  2. NDJSON: throughput (points/s, MB/s) and peak memory of the aggregator on
//     a generated stream in k6's format, against a plain line reader +
//     JSON.parse on the same file (the floor).
// The 1 GB NDJSON case takes several minutes here, so it runs only with
// LOADCTL_BENCH_1GB=1; 100 MB always runs.
import { spawnSync } from 'node:child_process';
import { createReadStream, createWriteStream, mkdtempSync, rmSync, statSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { RemoteWriteAggregator } from '../src/live/aggregate.ts';
import { decodeBody } from '../src/live/remote-write/decode.ts';
import { NdjsonAggregator } from '../src/live/ndjson.ts';
import { buildTruth, ndjsonLines } from '../test/unit/live/helpers/truth.ts';
import { FeedSimulator } from './live-feed-sim.ts';

const self = fileURLToPath(import.meta.url);
const HEADERS = { 'content-encoding': 'snappy', 'content-type': 'application/x-protobuf' };

interface Result {
  [k: string]: number;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? NaN : s[Math.floor((s.length - 1) / 2)]!;
}

function cpuMs(start: NodeJS.CpuUsage): number {
  const d = process.cpuUsage(start);
  return (d.user + d.system) / 1000;
}

/** Heap in use after a full GC (children run with --expose-gc), so garbage does not count. */
function liveHeap(): number {
  (globalThis as { gc?: () => void }).gc?.();
  return process.memoryUsage().heapUsed;
}

/** One simulated run of the remote-write feed at `rate` req/s for `seconds`. */
function remoteWriteCase(seconds: number, rate: number): Result {
  const sim = new FeedSimulator(rate);
  const agg = new RemoteWriteAggregator();
  const perPush: number[] = [];
  let bytes = 0;
  let heapAt10min = 0;
  for (let s = 0; s < seconds; s++) {
    const body = sim.nextPush(); // building the payload is k6's work, not timed
    bytes += body.length;
    const start = process.cpuUsage();
    agg.ingest(decodeBody(body, HEADERS));
    perPush.push(cpuMs(start));
    if (s === 600) heapAt10min = liveHeap();
  }
  const tl = agg.finish();
  return {
    seconds,
    series: sim.seriesCount,
    pushKB: bytes / seconds / 1024,
    cpuMsPerSecondMedian: median(perPush),
    cpuMsPerSecondP99: [...perPush].sort((a, b) => a - b)[Math.floor(perPush.length * 0.99)]!,
    cpuSharePct: (median(perPush) / 1000) * 100,
    heapAt10minMB: heapAt10min / 2 ** 20,
    heapAtEndMB: liveHeap() / 2 ** 20,
    timelineSeconds: tl.total.length,
    keys: 1 + Object.keys(tl.series).length,
    maxRssMB: process.resourceUsage().maxRSS / 1024,
  };
}

/**
 * Writes about `mb` MB of k6 NDJSON: 5,000 req/s (k6 writes ~15 MB of it per
 * second at that rate), 50 VUs out of step by up to 200 ms, a partial outage
 * in the first 10 s of every minute.
 */
async function generate(path: string, mb: number): Promise<number> {
  const out = createWriteStream(path);
  const declared = new Set<string>();
  const t0 = 1795768800;
  let written = 0;
  let s = 0;
  while (written < mb * 2 ** 20) {
    const reqs = buildTruth(t0 + s, 1, s % 60 < 10 ? [{ name: 'book', from: 0, to: 1, failShare: 0.3, duration: 900 }] : [], { search: 3000, book: 2000 });
    const text = [...ndjsonLines(reqs, { vus: 50, lagMs: 200, declared })].join('\n') + '\n';
    written += Buffer.byteLength(text);
    if (!out.write(text)) await new Promise<void>((r) => out.once('drain', () => r()));
    s++;
  }
  await new Promise<void>((r) => out.end(r));
  return written;
}

async function ndjsonCase(path: string, mode: 'loadctl' | 'floor'): Promise<Result> {
  const size = statSync(path).size;
  const wall = performance.now();
  const cpu = process.cpuUsage();
  let lines = 0;
  if (mode === 'loadctl') {
    const agg = new NdjsonAggregator();
    for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 })) agg.write(chunk as Buffer);
    agg.end();
    lines = agg.stats.lines;
  } else {
    // The floor: what any reader of this format does at least.
    let points = 0;
    const rl = createInterface({ input: createReadStream(path, { highWaterMark: 1 << 20 }), crlfDelay: Infinity });
    for await (const line of rl) {
      const doc = JSON.parse(line) as { type?: string };
      if (doc.type === 'Point') points++;
      lines++;
    }
    if (points < 0) console.log(points);
  }
  const seconds = (performance.now() - wall) / 1000;
  return { lines, seconds, cpuSeconds: cpuMs(cpu) / 1000, linesPerSec: lines / seconds, mbPerSec: size / 2 ** 20 / seconds, maxRssMB: process.resourceUsage().maxRSS / 1024 };
}

function child(args: string[]): Result {
  const r = spawnSync(process.execPath, ['--expose-gc', '--import', 'tsx', self, ...args], { encoding: 'utf8', maxBuffer: 1 << 20 });
  if (r.status !== 0) throw new Error(`bench case ${args.join(' ')} failed: ${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').pop()!) as Result;
}

async function main(): Promise<void> {
  const [what, ...rest] = process.argv.slice(2);
  if (what === 'rw') return void console.log(JSON.stringify(remoteWriteCase(Number(rest[0]), Number(rest[1]))));
  if (what === 'idle') return void console.log(JSON.stringify({ maxRssMB: process.resourceUsage().maxRSS / 1024 }));
  if (what === 'ndjson') return void console.log(JSON.stringify(await ndjsonCase(rest[0]!, rest[1] as 'loadctl' | 'floor')));

  console.log('### remote-write live feed: 25k req/s, one push per second (decode + aggregate)');
  const runs = [child(['rw', '600', '25000']), child(['rw', '600', '25000']), child(['rw', '600', '25000'])];
  const long = child(['rw', '3600', '25000']);
  const m = (k: string): number => median(runs.map((r) => r[k]!));
  console.log(`series per push: ${runs[0]!.series}, push size: ${m('pushKB').toFixed(1)} KB/s`);
  console.log(`CPU per second of feed: median ${m('cpuMsPerSecondMedian').toFixed(3)} ms (p99 ${m('cpuMsPerSecondP99').toFixed(3)} ms) = ${m('cpuSharePct').toFixed(3)} % of one core`);
  console.log(`memory, 1 h run: live heap ${long.heapAt10minMB!.toFixed(1)} MB at 10 min, ${long.heapAtEndMB!.toFixed(1)} MB at 60 min (the difference is the timeline itself: ${long.timelineSeconds} s x ${long.keys} series); peak RSS ${long.maxRssMB!.toFixed(0)} MB`);

  const idle = child(['idle']);
  console.log(`\n(a child process that only loads these modules peaks at ${idle.maxRssMB!.toFixed(0)} MB RSS)`);
  const dir = mkdtempSync(join(tmpdir(), 'loadctl-bench-'));
  try {
    const sizes = process.env.LOADCTL_BENCH_1GB === '1' ? [100, 1024] : [100];
    for (const mb of sizes) {
      const path = join(dir, `k6-${mb}.ndjson`);
      const bytes = await generate(path, mb);
      const reps = mb >= 1024 ? 1 : 3;
      const ours = Array.from({ length: reps }, () => child(['ndjson', path, 'loadctl']));
      const floor = Array.from({ length: reps }, () => child(['ndjson', path, 'floor']));
      const o = (k: string): number => median(ours.map((r) => r[k]!));
      const f = (k: string): number => median(floor.map((r) => r[k]!));
      console.log(`\n### NDJSON, ${(bytes / 2 ** 20).toFixed(0)} MB, ${o('lines').toLocaleString('en')} lines (median of ${reps})`);
      console.log('| reader | lines/s | MB/s | CPU s | peak RSS MB |');
      console.log('|---|---|---|---|---|');
      console.log(`| loadctl aggregator | ${Math.round(o('linesPerSec')).toLocaleString('en')} | ${o('mbPerSec').toFixed(0)} | ${o('cpuSeconds').toFixed(2)} | ${o('maxRssMB').toFixed(0)} |`);
      console.log(`| line reader + JSON.parse (floor) | ${Math.round(f('linesPerSec')).toLocaleString('en')} | ${f('mbPerSec').toFixed(0)} | ${f('cpuSeconds').toFixed(2)} | ${f('maxRssMB').toFixed(0)} |`);
      console.log(`ratio loadctl / floor: ${(o('linesPerSec') / f('linesPerSec')).toFixed(2)}x wall-clock throughput, ${(f('cpuSeconds') / o('cpuSeconds')).toFixed(2)}x less CPU; loadctl ${Math.round(o('lines') / o('cpuSeconds')).toLocaleString('en')} lines per CPU-second`);
      rmSync(path, { force: true });
    }
    if (sizes.length === 1) console.log('\n(1 GB case skipped: set LOADCTL_BENCH_1GB=1; it takes several minutes here)');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
