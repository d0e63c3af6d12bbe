// What the exact merge of --runners costs loadctl: every runner's samples
// file (k6's `--out json` NDJSON, gzipped as k6 writes it) read into the
// sketches, at 100k trend samples per second of test over 4 runners (25k
// each: ~3,100 requests/s per runner, 8 trend points per request among 13
// lines). Measured: CPU seconds per second of test (goal: under one core),
// samples/s, against the floor of gunzip + a JSON.parse line reader on the
// same files; and the merged p99 against the exact one over the same
// samples. Each round in a fresh child; medians over the rounds.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createGunzip, gzipSync } from 'node:zlib';
import { readSamplesFile, TrendSamples } from '../src/live/trend-samples.ts';

const self = fileURLToPath(import.meta.url);
const RUNNERS = 4;
const TREND_SAMPLES_PER_SECOND = 100_000;
const SECONDS = 4;
const ROUNDS = 3;
const TRENDS = ['http_req_duration', 'http_req_blocked', 'http_req_connecting', 'http_req_tls_handshaking', 'http_req_sending', 'http_req_waiting', 'http_req_receiving'];
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)]!;

/** One runner's file for SECONDS of test, in k6 v0.49/v2's line shapes; returns its http_req_duration values. */
function generate(path: string, runner: number): number[] {
  const requests = (TREND_SAMPLES_PER_SECOND / RUNNERS / 8) * SECONDS;
  const lines: string[] = [];
  const durations: number[] = [];
  let seed = 17 + runner;
  const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  for (const m of [...TRENDS, 'iteration_duration']) lines.push(`{"type":"Metric","data":{"name":"${m}","type":"trend","contains":"time","thresholds":[],"submetrics":null},"metric":"${m}"}`);
  for (let i = 0; i < requests; i++) {
    const time = new Date(Date.UTC(2026, 11, 6, 21, 0, 0) + Math.floor((i / requests) * SECONDS * 1000)).toISOString().replace('Z', '123456Z');
    const tags = `{"expected_response":"true","group":"","method":"GET","name":"http://127.0.0.1:8080/events/${i % 5}","proto":"HTTP/1.1","runner":"${runner}","scenario":"default","status":"200","url":"http://127.0.0.1:8080/events/${i % 5}"}`;
    const u = rnd();
    const duration = u < 0.9 ? 10 + rnd() : u < 0.98 ? 100 + rnd() * 2 : 600 + rnd() * 5;
    durations.push(duration);
    const point = (metric: string, value: number) => `{"metric":"${metric}","type":"Point","data":{"time":"${time}","value":${value},"tags":${tags}}}`;
    lines.push(point('http_reqs', 1), point('http_req_duration', duration));
    for (const m of TRENDS.slice(1)) lines.push(point(m, m === 'http_req_waiting' ? duration * 0.98 : rnd() * 0.05));
    lines.push(point('http_req_failed', 0), point('data_sent', 96), point('data_received', 187));
    lines.push(`{"metric":"iterations","type":"Point","data":{"time":"${time}","value":1,"tags":{"group":"","runner":"${runner}","scenario":"default"}}}`);
    lines.push(`{"metric":"iteration_duration","type":"Point","data":{"time":"${time}","value":${duration + 0.3},"tags":{"group":"","runner":"${runner}","scenario":"default"}}}`);
  }
  writeFileSync(path, gzipSync(`${lines.join('\n')}\n`));
  return durations;
}

type Mode = 'loadctl' | 'floor' | 'gunzip';

async function round(dir: string, mode: Mode): Promise<Record<string, number>> {
  const cpu = process.cpuUsage();
  const wall = performance.now();
  let points = 0;
  let p99 = 0;
  if (mode === 'loadctl') {
    const samples = new TrendSamples();
    for (let r = 0; r < RUNNERS; r++) await readSamplesFile(join(dir, `${r}.json.gz`), samples);
    points = samples.stats.points;
    p99 = samples.merged('http_req_duration')!.percentile(99)!;
  } else if (mode === 'gunzip') {
    // The part of either that is only decompressing what k6 wrote.
    for (let r = 0; r < RUNNERS; r++) for await (const chunk of createReadStream(join(dir, `${r}.json.gz`)).pipe(createGunzip())) points += (chunk as Buffer).length > 0 ? 0 : 1;
  } else {
    for (let r = 0; r < RUNNERS; r++) {
      const rl = createInterface({ input: createReadStream(join(dir, `${r}.json.gz`)).pipe(createGunzip()), crlfDelay: Infinity });
      for await (const line of rl) if ((JSON.parse(line) as { type?: string }).type === 'Point') points++;
    }
  }
  const d = process.cpuUsage(cpu);
  const cpuSeconds = (d.user + d.system) / 1e6;
  return { cpuSeconds, wallSeconds: (performance.now() - wall) / 1000, points, p99, maxRssMB: process.resourceUsage().maxRSS / 1024 };
}

if (process.argv[2] === 'child') {
  console.log(JSON.stringify(await round(process.argv[3]!, process.argv[4] as Mode)));
} else {
  const dir = mkdtempSync(join(tmpdir(), 'loadctl-merge-bench-'));
  try {
    const all: number[] = [];
    for (let r = 0; r < RUNNERS; r++) all.push(...generate(join(dir, `${r}.json.gz`), r));
    all.sort((a, b) => a - b);
    const i = 0.99 * (all.length - 1);
    const exactP99 = all[Math.floor(i)]! + (all[Math.ceil(i)]! - all[Math.floor(i)]!) * (i - Math.floor(i));
    const run = (mode: string) => Array.from({ length: ROUNDS }, () => {
      const r = spawnSync(process.execPath, ['--import', 'tsx', self, 'child', dir, mode], { encoding: 'utf8' });
      if (r.status !== 0) throw new Error(r.stderr);
      return JSON.parse(r.stdout) as Record<string, number>;
    });
    const ours = run('loadctl');
    const floor = run('floor');
    const gunzip = run('gunzip');
    const m = (xs: Array<Record<string, number>>, k: string) => median(xs.map((x) => x[k]!));
    const coreShare = m(ours, 'cpuSeconds') / SECONDS;
    console.log([
      `runners samples merge: ${RUNNERS} runners, ${TREND_SAMPLES_PER_SECOND / 1000}k trend samples/s for ${SECONDS} s (${m(ours, 'points')} points)`,
      `loadctl CPU ${m(ours, 'cpuSeconds').toFixed(2)} s = ${(coreShare * 100).toFixed(1)} % of one core per second of test (goal < 100 %: ${coreShare < 1 ? 'met' : 'NOT met'}); of which gunzip ${m(gunzip, 'cpuSeconds').toFixed(2)} s`,
      `${(m(ours, 'points') / m(ours, 'cpuSeconds') / 1e6).toFixed(2)} M trend samples per CPU second; floor (gunzip + JSON.parse lines) ${m(floor, 'cpuSeconds').toFixed(2)} s: ratio ${(m(floor, 'cpuSeconds') / m(ours, 'cpuSeconds')).toFixed(2)}x faster than the floor`,
      `merged p99 ${m(ours, 'p99').toFixed(3)} ms vs exact ${exactP99.toFixed(3)} ms (error ${((m(ours, 'p99') / exactP99 - 1) * 100).toFixed(4)} %, bound 0.1 %); peak RSS ${m(ours, 'maxRssMB').toFixed(0)} MB (floor ${m(floor, 'maxRssMB').toFixed(0)} MB)`,
    ].join('\n'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
