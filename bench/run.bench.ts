// How fast `loadctl run` gets k6 going, and how fast `loadctl --help` starts.
// 1. `loadctl run quick` (profile load, k6 lookup + `k6 version`, run folder,
//    esbuild bundle, command file) until the k6 process exists: the k6
//    stand-in records its own process start time in a marker file.
// 2. `loadctl --help` cold start, process spawn to exit.
// Goal from issue 2: (1) under 300 ms on this machine.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const bin = join(root, 'bin/loadctl.js');
const standin = join(root, 'test/fixtures/k6-standin/k6');
const RUNS = Number(process.env.BENCH_RUNS ?? 7);
const GOAL_MS = 300;

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
};
const fmt = (ms: number) => `${ms.toFixed(0)} ms`;

const work = mkdtempSync(join(tmpdir(), 'loadctl-bench-'));
try {
  const measure = (extra: string[], tag: string) => {
    const marker = join(work, `marker-${tag}.json`);
    const toSpawn: number[] = [];
    const total: number[] = [];
    const phases = { start: [] as number[], bundle: [] as number[], spawn: [] as number[] };
    const seen = new Set<string>();
    const runsDir = join(work, `runs-${tag}`);
    for (let i = 0; i < RUNS + 1; i += 1) {
      const t0 = performance.timeOrigin + performance.now();
      const r = spawnSync(process.execPath, [bin, 'run', 'quick', '--no-preflight', '-q', '--out-dir', runsDir, ...extra], {
        cwd: work,
        env: { ...process.env, K6_BIN: standin, K6_STANDIN_CASE: 'pass', K6_STANDIN_MARKER: marker, NO_COLOR: '1' },
        encoding: 'utf8',
      });
      const t1 = performance.timeOrigin + performance.now();
      if (r.status === null || r.status > 1) throw new Error(`loadctl run exited ${r.status}: ${r.stderr}`);
      const { startedAt } = JSON.parse(readFileSync(marker, 'utf8')) as { startedAt: number };
      const dir = readdirSync(runsDir).map((d) => join(runsDir, d)).find((d) => !seen.has(d))!;
      seen.add(dir);
      if (i === 0) continue; // warm the file and type-check caches once; every measured run is still a fresh process
      // Phases from the run folder's file times: profile.json is written once the profile is
      // loaded and k6 found, script.js once bundled, k6-command.txt just before the spawn.
      const at = (f: string) => statSync(join(dir, f)).mtimeMs;
      phases.start.push(at('profile.json') - t0);
      phases.bundle.push(at('script.js') - at('profile.json'));
      phases.spawn.push(startedAt - at('k6-command.txt'));
      toSpawn.push(startedAt - t0);
      total.push(t1 - t0);
    }
    return { toSpawn: median(toSpawn), total: median(total), start: median(phases.start), bundle: median(phases.bundle), spawn: median(phases.spawn) };
  };
  const live = measure([], 'live');
  const noLive = measure(['--no-live'], 'nolive');
  // With real k6 `k6 version` is a Go binary; the stand-in is Node, so its start-up is overhead a real run does not pay.
  const versionCost: number[] = [];
  for (let i = 0; i < RUNS; i += 1) {
    const t0 = performance.now();
    spawnSync(standin, ['version'], { encoding: 'utf8' });
    versionCost.push(performance.now() - t0);
  }
  const help: number[] = [];
  for (let i = 0; i < RUNS + 1; i += 1) {
    const t0 = performance.now();
    const r = spawnSync(process.execPath, [bin, '--help'], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`loadctl --help exited ${r.status}`);
    if (i > 0) help.push(performance.now() - t0);
  }

  const standinVersion = median(versionCost);
  console.log(`runs: ${RUNS} each (median)`);
  console.log(`loadctl run quick -> k6 spawned:       ${fmt(live.toSpawn)}  (goal ${GOAL_MS} ms, ratio ${(live.toSpawn / GOAL_MS).toFixed(2)})`);
  console.log(`  start, load profile, find k6:       ${fmt(live.start)}`);
  console.log(`  bundle (esbuild, type-check cached): ${fmt(live.bundle)}`);
  console.log(`  command file written -> k6 started:  ${fmt(live.spawn)}`);
  console.log(`  of which the stand-in's \`k6 version\`: ${fmt(standinVersion)}  (a Go k6 answers in a few ms)`);
  console.log(`  without that stand-in overhead:      ${fmt(live.toSpawn - standinVersion)}  (ratio ${((live.toSpawn - standinVersion) / GOAL_MS).toFixed(2)})`);
  console.log(`same with --no-live (no live feed):    ${fmt(noLive.toSpawn)}  (ratio ${(noLive.toSpawn / GOAL_MS).toFixed(2)})`);
  console.log(`loadctl run quick, whole replayed run: ${fmt(live.total)}`);
  console.log(`loadctl --help cold start:             ${fmt(median(help))}`);
} finally {
  rmSync(work, { recursive: true, force: true });
}
