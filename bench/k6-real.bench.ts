// What loadctl costs real k6, measured with real k6 (v2.2.0, or BENCH_K6=path)
// against the sandbox (its own process), at the highest request rate this
// machine reaches: VUs that GET /api/events/<id> with no pause.
//  1. wrapper overhead: `loadctl run --no-live` against raw `k6 run` of the
//     SAME bundle (script.js from loadctl's own run folder, with the same
//     handleSummary hook writing the same summary) and the same target;
//  2. the live feed's cost: `loadctl run` (remote-write to loadctl, 1 s
//     pushes, native histograms) against `loadctl run --no-live`;
//  3. the forward's cost: `loadctl run --prometheus-rw <endpoint>` (every
//     push forwarded, plus the markers) against `loadctl run`; the endpoint
//     is a sink process that only reads the bodies, because a Prometheus
//     ingesting on the same two cores would measure Prometheus, not loadctl
//     (BENCH_FORWARD_PROMETHEUS=1 forwards to a real one instead).
// The three kinds of run are interleaved, their order rotated each round, so
// drift in the machine's load falls on all of them; each ratio is the median
// of the per-round ratios (k6's own http_reqs rate, from its summary). On a
// busy machine rates swing with the other work, so each ratio is also given
// by k6's CPU time per request (and loadctl's own CPU against k6's).
// Goals (issue 8): wrapper >= 0.98 of raw, live >= 0.97.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { root, startSandboxProcess } from './sandbox-process.ts';
import { startPrometheus, type RealPrometheus } from '../test/prometheus/harness.ts';
import { startSink } from './sink-process.ts';
import { benchK6, cpuOf, interleave, k6CpuWrapper, median, ratios } from './k6-bench.ts';

const { rounds: ROUNDS, seconds: SECONDS, vus: VUS, k6, versionLine } = benchK6();
const bin = join(root, 'bin', 'loadctl.js');

const work = mkdtempSync(join(tmpdir(), 'loadctl-bench-k6-'));
const sandbox = await startSandboxProcess(['--events', '5', '--seats', '10'], { detached: true });
const prom: RealPrometheus | undefined = process.env.BENCH_FORWARD_PROMETHEUS === '1' ? await startPrometheus([]) : undefined;
const sink = prom ? undefined : await startSink();
const rwUrl = prom ? `${prom.url}/api/v1/write` : (sink as { url: string }).url;
try {
  const event = ((await (await fetch(`${sandbox.url}/api/events?page=1&size=1`)).json()) as { items: Array<{ id: string }> }).items[0]!.id;
  mkdirSync(join(work, 'profiles'));
  mkdirSync(join(work, 'scenarios'));
  writeFileSync(join(work, 'scenarios', 'hammer.ts'), `import http from 'k6/http';

export default function (): void {
  http.get(__ENV.BASE_URL + '/api/events/${event}', { tags: { name: 'event' } });
}
`);
  writeFileSync(join(work, 'profiles', 'hammer.yaml'), [
    'description: as many requests as k6 and the sandbox manage', 'scenario: hammer', 'executor: constant-vus',
    `vus: ${VUS}`, `duration: ${SECONDS}s`, 'defaultTargets: false', '',
  ].join('\n'));
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1', BASE_URL: sandbox.url };
  delete env.K6_BIN;

  // CPU seconds, which a busy machine does not distort the way it distorts
  // rates: k6 runs through a wrapper that writes its children's CPU time
  // (bash's `times`) after k6 exits; each loadctl run goes through a shell
  // that does the same for loadctl and everything under it (k6 included).
  const { path: wrapper, times: k6Times } = k6CpuWrapper(work, k6);
  interface Sample { rate: number; requests: number; k6Cpu: number; allCpu: number }

  const loadctl = (extra: string[]): Sample => {
    const out = join(work, `runs-${Math.random().toString(36).slice(2)}`);
    const allTimes = join(work, 'all.times');
    const r = spawnSync('bash', ['-c', '"$@"; rc=$?; times > "$ALL_TIMES"; exit $rc', 'bash',
      process.execPath, bin, 'run', 'hammer', '-q', '--no-typecheck', '--no-preflight', '--k6', wrapper, '--out-dir', out, ...extra], {
      cwd: work, env: { ...env, ALL_TIMES: allTimes }, encoding: 'utf8',
    });
    if (r.status !== 0) throw new Error(`loadctl run ${extra.join(' ')} exited ${r.status}: ${r.stdout}${r.stderr}`);
    const dir = join(out, readdirSync(out)[0]!);
    const totals = (JSON.parse(readFileSync(join(dir, 'result.json'), 'utf8')) as { totals: { requestRate: number; requests: number } }).totals;
    return { rate: totals.requestRate, requests: totals.requests, k6Cpu: cpuOf(k6Times), allCpu: cpuOf(allTimes) };
  };

  // The bundle loadctl runs, taken from a dry run's folder, for raw k6.
  const dry = join(work, 'dry');
  const d = spawnSync(process.execPath, [bin, 'run', 'hammer', '--dry-run', '--no-typecheck', '--k6', k6, '--out-dir', dry], { cwd: work, env, encoding: 'utf8' });
  if (d.status !== 0) throw new Error(`loadctl run --dry-run exited ${d.status}: ${d.stderr}`);
  const script = join(dry, readdirSync(dry)[0]!, 'script.js');
  const raw = (): Sample => {
    const exported = join(work, 'raw-export.json');
    // In a session of its own (setsid), as loadctl starts k6: with the kernel's
    // autogroup scheduling a session is a scheduling group, so k6 must sit in
    // one of its own in both cases or the comparison measures the scheduler.
    const r = spawnSync('setsid', ['--wait', wrapper, 'run', '--no-color', '--summary-export', exported, script], {
      cwd: work, env: { ...env, LOADCTL_SUMMARY_PATH: join(work, 'raw-summary.json') }, encoding: 'utf8',
    });
    if (r.status !== 0) throw new Error(`raw k6 run exited ${r.status}: ${r.stderr.slice(-2000)}`);
    const reqs = (JSON.parse(readFileSync(exported, 'utf8')) as { metrics: { http_reqs: { rate: number; count: number } } }).metrics.http_reqs;
    const k6Cpu = cpuOf(k6Times);
    return { rate: reqs.rate, requests: reqs.count, k6Cpu, allCpu: k6Cpu };
  };

  const forwarded = () => loadctl(['--prometheus-rw', rwUrl]);
  const kinds = { raw, noLive: () => loadctl(['--no-live']), live: () => loadctl([]), forward: forwarded };
  // The raw run first warms the sandbox's JIT and the page cache, not measured.
  const { runs, loadBefore, loadAfter } = interleave(kinds, ROUNDS, 'raw');
  const of = (name: keyof typeof kinds, f: (x: Sample) => number) => runs[name].map(f);
  const rate = (x: Sample) => x.rate;
  // k6's CPU per 1,000 requests: what an output or a wrapper adds to k6's own work.
  const k6PerK = (x: Sample) => (1000 * x.k6Cpu) / x.requests;
  const wrapperRate = ratios(of('noLive', rate), of('raw', rate));
  const liveRate = ratios(of('live', rate), of('noLive', rate));
  const wrapperCpu = ratios(of('raw', k6PerK), of('noLive', k6PerK));
  const liveCpu = ratios(of('noLive', k6PerK), of('live', k6PerK));
  // loadctl's own CPU (everything under the shell minus k6) against k6's.
  const ownShare = (name: 'noLive' | 'live') => median(of(name, (x) => (x.allCpu - x.k6Cpu) / x.k6Cpu));
  const fmt = (xs: number[]) => `${Math.round(median(xs))} req/s (${xs.map((x) => Math.round(x)).join(', ')})`;
  const ms = (xs: number[]) => `${(1000 * median(xs)).toFixed(0)} ms`;
  const goal = (x: number, g: number) => `goal >= ${g}${x >= g ? ', met' : ', NOT met'}`;
  console.log(`real ${versionLine}; ${VUS} VUs x ${SECONDS} s, ${ROUNDS} interleaved rounds, GET one event from the sandbox; load average ${loadBefore.toFixed(1)} -> ${loadAfter.toFixed(1)} on ${cpus().length} cores`);
  console.log(`  raw k6 run (same bundle, same target): ${fmt(of('raw', rate))}; k6 CPU per 1k requests ${ms(of('raw', k6PerK))}`);
  console.log(`  loadctl run --no-live:                 ${fmt(of('noLive', rate))}; k6 CPU per 1k requests ${ms(of('noLive', k6PerK))}; loadctl's own CPU (start-up, bundle, reports included) ${(100 * ownShare('noLive')).toFixed(1)} % of k6's`);
  console.log(`  loadctl run (live feed):               ${fmt(of('live', rate))}; k6 CPU per 1k requests ${ms(of('live', k6PerK))}; loadctl's own CPU (start-up, bundle, reports included) ${(100 * ownShare('live')).toFixed(1)} % of k6's`);
  console.log(`wrapper overhead: loadctl --no-live / raw k6 = ${wrapperRate.toFixed(3)} by request rate (${goal(wrapperRate, 0.98)}); ${wrapperCpu.toFixed(3)} by k6's CPU per request`);
  console.log(`live feed cost:   loadctl / loadctl --no-live = ${liveRate.toFixed(3)} by request rate (${goal(liveRate, 0.97)}); ${liveCpu.toFixed(3)} by k6's CPU per request`);
  if (loadBefore > cpus().length || loadAfter > cpus().length) {
    console.log(`  the machine was busy (load average above ${cpus().length}): the request-rate ratios are mostly the other work's noise; the CPU-per-request ratios hold better`);
  }
  const forwardRate = ratios(of('forward', rate), of('live', rate));
  const forwardCpu = ratios(of('live', k6PerK), of('forward', k6PerK));
  const forwardOwn = median(of('forward', (x) => (x.allCpu - x.k6Cpu) / x.k6Cpu));
  console.log(`  loadctl run --prometheus-rw (${prom ? 'Prometheus 2.42 on the same cores' : 'a sink process'}): ${fmt(of('forward', rate))}; k6 CPU per 1k requests ${ms(of('forward', k6PerK))}; loadctl's own CPU ${(100 * forwardOwn).toFixed(1)} % of k6's`);
  console.log(`forward cost:     loadctl --prometheus-rw / loadctl = ${forwardRate.toFixed(3)} by request rate (${goal(forwardRate, 0.97)}); ${forwardCpu.toFixed(3)} by k6's CPU per request`);
} finally {
  await prom?.stop();
  await sink?.stop();
  sandbox.child.kill('SIGINT');
  rmSync(work, { recursive: true, force: true });
}
