// What loadctl costs real k6, measured with real k6 (v2.2.0, or BENCH_K6=path)
// against the sandbox (its own process), at the highest request rate this
// machine reaches: VUs that GET /api/events/<id> with no pause.
//  1. wrapper overhead: `loadctl run --no-live` against raw `k6 run` of the
//     SAME bundle (script.js from loadctl's own run folder, with the same
//     handleSummary hook writing the same summary) and the same target;
//  2. the live feed's cost: `loadctl run` (remote-write to loadctl, 1 s
//     pushes, native histograms) against `loadctl run --no-live`.
// The three kinds of run are interleaved, their order rotated each round, so
// drift in the machine's load falls on all of them; each ratio is the median
// of the per-round ratios (k6's own http_reqs rate, from its summary).
// Goals (issue 8): wrapper >= 0.98 of raw, live >= 0.97.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { root, startSandboxProcess } from './sandbox-process.ts';

const ROUNDS = Number(process.env.BENCH_K6_ROUNDS ?? 5);
const SECONDS = Number(process.env.BENCH_K6_SECONDS ?? 6);
const VUS = Number(process.env.BENCH_K6_VUS ?? 20);
const k6 = process.env.BENCH_K6 ?? '/var/cache/loadctl/k6/v2.2.0/k6';
const bin = join(root, 'bin', 'loadctl.js');

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
};

const version = spawnSync(k6, ['version'], { encoding: 'utf8' });
if (version.error || version.status !== 0) {
  console.log(`skipped: no real k6 at ${k6} (bash scripts/ci/install-k6.sh builds it; BENCH_K6=path picks another)`);
  process.exit(0);
}

const work = mkdtempSync(join(tmpdir(), 'loadctl-bench-k6-'));
const sandbox = await startSandboxProcess(['--events', '5', '--seats', '10'], { detached: true });
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

  const loadctl = (extra: string[]): number => {
    const out = join(work, `runs-${Math.random().toString(36).slice(2)}`);
    const r = spawnSync(process.execPath, [bin, 'run', 'hammer', '-q', '--no-typecheck', '--no-preflight', '--k6', k6, '--out-dir', out, ...extra], { cwd: work, env, encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`loadctl run ${extra.join(' ')} exited ${r.status}: ${r.stdout}${r.stderr}`);
    const dir = join(out, readdirSync(out)[0]!);
    return (JSON.parse(readFileSync(join(dir, 'result.json'), 'utf8')) as { totals: { requestRate: number } }).totals.requestRate;
  };

  // The bundle loadctl runs, taken from a dry run's folder, for raw k6.
  const dry = join(work, 'dry');
  const d = spawnSync(process.execPath, [bin, 'run', 'hammer', '--dry-run', '--no-typecheck', '--k6', k6, '--out-dir', dry], { cwd: work, env, encoding: 'utf8' });
  if (d.status !== 0) throw new Error(`loadctl run --dry-run exited ${d.status}: ${d.stderr}`);
  const script = join(dry, readdirSync(dry)[0]!, 'script.js');
  const raw = (): number => {
    const exported = join(work, 'raw-export.json');
    // In a session of its own (setsid), as loadctl starts k6: with the kernel's
    // autogroup scheduling a session is a scheduling group, so k6 must sit in
    // one of its own in both cases or the comparison measures the scheduler.
    const r = spawnSync('setsid', ['--wait', k6, 'run', '--no-color', '--summary-export', exported, script], {
      cwd: work, env: { ...env, LOADCTL_SUMMARY_PATH: join(work, 'raw-summary.json') }, encoding: 'utf8',
    });
    if (r.status !== 0) throw new Error(`raw k6 run exited ${r.status}: ${r.stderr.slice(-2000)}`);
    return (JSON.parse(readFileSync(exported, 'utf8')) as { metrics: { http_reqs: { rate: number } } }).metrics.http_reqs.rate;
  };

  const kinds = { raw, noLive: () => loadctl(['--no-live']), live: () => loadctl([]) };
  const names = Object.keys(kinds) as Array<keyof typeof kinds>;
  kinds.raw(); // warm the sandbox's JIT and the page cache once, not measured
  const rates: Record<keyof typeof kinds, number[]> = { raw: [], noLive: [], live: [] };
  for (let round = 0; round < ROUNDS; round += 1) {
    for (let i = 0; i < names.length; i += 1) {
      const name = names[(round + i) % names.length]!;
      rates[name].push(kinds[name]());
    }
  }
  const ratios = (a: number[], b: number[]) => median(a.map((x, i) => x / b[i]!));
  const wrapper = ratios(rates.noLive, rates.raw);
  const live = ratios(rates.live, rates.noLive);
  const fmt = (xs: number[]) => `${Math.round(median(xs))} req/s (${xs.map((x) => Math.round(x)).join(', ')})`;
  console.log(`real ${version.stdout.split('\n')[0]}; ${VUS} VUs x ${SECONDS} s, ${ROUNDS} interleaved rounds, GET one event from the sandbox`);
  console.log(`  raw k6 run (same bundle, same target): ${fmt(rates.raw)}`);
  console.log(`  loadctl run --no-live:                 ${fmt(rates.noLive)}`);
  console.log(`  loadctl run (live feed):               ${fmt(rates.live)}`);
  console.log(`wrapper overhead: loadctl --no-live / raw k6 = ${wrapper.toFixed(3)} (median of rounds; goal >= 0.98${wrapper >= 0.98 ? ', met' : ', NOT met'})`);
  console.log(`live feed cost:   loadctl / loadctl --no-live = ${live.toFixed(3)} (median of rounds; goal >= 0.97${live >= 0.97 ? ', met' : ', NOT met'})`);
} finally {
  sandbox.child.kill('SIGINT');
  rmSync(work, { recursive: true, force: true });
}
