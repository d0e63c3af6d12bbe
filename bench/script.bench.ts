// A user's own k6 script, as a k6 user compares it: plain `k6 run script.js`
// against `loadctl run script.js` (the live feed on, as by default) and
// `loadctl run script.js --no-live`, with real k6 (v2.2.0, or BENCH_K6=path)
// against the sandbox in its own process. The script sleeps nowhere (VUs
// GET one event back to back), so k6 is the bottleneck and any cost loadctl
// adds shows as fewer requests in the same time. Interleaved rounds, order
// rotated each round; each ratio is the median of the per-round ratios of
// requests (k6's own http_reqs count), and again by k6's CPU per request,
// which the machine's other work distorts much less.
// Goal (issue 19): loadctl run <path> >= 0.98 of plain k6 by requests.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { root, startSandboxProcess } from './sandbox-process.ts';
import { benchK6, cpuOf, interleave, k6CpuWrapper, median, ratios } from './k6-bench.ts';

const { rounds: ROUNDS, seconds: SECONDS, vus: VUS, k6, versionLine } = benchK6();
const bin = join(root, 'bin', 'loadctl.js');

const work = mkdtempSync(join(tmpdir(), 'loadctl-bench-script-'));
const sandbox = await startSandboxProcess(['--events', '5', '--seats', '10'], { detached: true });
try {
  const event = ((await (await fetch(`${sandbox.url}/api/events?page=1&size=1`)).json()) as { items: Array<{ id: string }> }).items[0]!.id;
  writeFileSync(join(work, 'hammer.js'), `import http from 'k6/http';

export const options = { vus: ${VUS}, duration: '${SECONDS}s' };

export default function () {
  http.get(__ENV.TARGET + '/api/events/${event}');
}
`);
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1' };
  delete env.K6_BIN;
  delete env.BASE_URL;
  const target = ['--env', `TARGET=${sandbox.url}`];
  const { path: wrapper, times: k6Times } = k6CpuWrapper(work, k6);
  interface Sample { requests: number; k6Cpu: number }

  const plain = (): Sample => {
    const exported = join(work, 'plain-export.json');
    // In a session of its own (setsid), as loadctl starts k6: with autogroup
    // scheduling a session is a scheduling group (see k6-real.bench.ts).
    const r = spawnSync('setsid', ['--wait', wrapper, 'run', '--no-color', '--summary-export', exported, ...target, 'hammer.js'], { cwd: work, env, encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`k6 run exited ${r.status}: ${r.stderr.slice(-2000)}`);
    const count = (JSON.parse(readFileSync(exported, 'utf8')) as { metrics: { http_reqs: { count: number } } }).metrics.http_reqs.count;
    return { requests: count, k6Cpu: cpuOf(k6Times) };
  };
  const loadctl = (extra: string[]) => (): Sample => {
    const out = join(work, `runs-${Math.random().toString(36).slice(2)}`);
    const r = spawnSync(process.execPath, [bin, 'run', 'hammer.js', '-q', '--k6', wrapper, '--out-dir', out, ...target, ...extra], { cwd: work, env, encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`loadctl run hammer.js ${extra.join(' ')} exited ${r.status}: ${r.stdout}${r.stderr}`);
    const dir = join(out, readdirSync(out)[0]!);
    const totals = (JSON.parse(readFileSync(join(dir, 'result.json'), 'utf8')) as { totals: { requests: number } }).totals;
    return { requests: totals.requests, k6Cpu: cpuOf(k6Times) };
  };

  const kinds = { plain, live: loadctl([]), noLive: loadctl(['--no-live']) };
  // The plain run first warms the sandbox's JIT and the page cache, not measured.
  const { runs, loadBefore, loadAfter } = interleave(kinds, ROUNDS, 'plain');
  const of = (name: keyof typeof kinds, f: (x: Sample) => number) => runs[name].map(f);
  const requests = (x: Sample) => x.requests;
  const perK = (x: Sample) => (1000 * x.k6Cpu) / x.requests;
  const fmt = (xs: number[]) => `${Math.round(median(xs))} requests (${xs.join(', ')})`;
  const ms = (xs: number[]) => `${(1000 * median(xs)).toFixed(0)} ms`;
  const goal = (x: number) => `goal >= 0.98${x >= 0.98 ? ', met' : ', NOT met'}`;
  console.log(`real ${versionLine}; hammer.js (${VUS} VUs x ${SECONDS} s, no sleep), ${ROUNDS} interleaved rounds; load average ${loadBefore.toFixed(1)} -> ${loadAfter.toFixed(1)} on ${cpus().length} cores`);
  console.log(`  k6 run hammer.js:                 ${fmt(of('plain', requests))}; k6 CPU per 1k requests ${ms(of('plain', perK))}`);
  console.log(`  loadctl run hammer.js:            ${fmt(of('live', requests))}; k6 CPU per 1k requests ${ms(of('live', perK))}`);
  console.log(`  loadctl run hammer.js --no-live:  ${fmt(of('noLive', requests))}; k6 CPU per 1k requests ${ms(of('noLive', perK))}`);
  const live = ratios(of('live', requests), of('plain', requests));
  const noLive = ratios(of('noLive', requests), of('plain', requests));
  console.log(`loadctl run <path> / k6 run <path> = ${live.toFixed(3)} by requests (${goal(live)}); ${ratios(of('plain', perK), of('live', perK)).toFixed(3)} by k6's CPU per request`);
  console.log(`  --no-live / k6 run = ${noLive.toFixed(3)} by requests; ${ratios(of('plain', perK), of('noLive', perK)).toFixed(3)} by k6's CPU per request (what is left is the wrapper: bundle, handleSummary hook)`);
  if (loadBefore > cpus().length || loadAfter > cpus().length) {
    console.log(`  the machine was busy (load average above ${cpus().length}): the ratios by requests carry the other work's noise; the CPU-per-request ratios hold better`);
  }
} finally {
  sandbox.child.kill('SIGINT');
  rmSync(work, { recursive: true, force: true });
}
