// How fast `loadctl run` gets real k6 going, and how fast `loadctl --help` starts.
// 1. `loadctl run quick` (profile load, k6 lookup + `k6 version`, run folder,
//    esbuild bundle, command file) until the k6 process exists. k6 is real
//    (v2.2.0, or BENCH_K6=path), reached through a two-line bash wrapper that
//    notes the moment `k6 run` is exec'd ($EPOCHREALTIME, a builtin: no fork)
//    and then execs k6 itself. k6 runs 1 VU for 1 s against the sandbox.
// 2. `loadctl --help` cold start, process spawn to exit.
// Goal from issue 2: (1) under 300 ms on this machine.
import { chmodSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { root, startSandboxProcess } from './sandbox-process.ts';

const bin = join(root, 'bin/loadctl.js');
const k6 = process.env.BENCH_K6 ?? '/var/cache/loadctl/k6/v2.2.0/k6';
const RUNS = Number(process.env.BENCH_RUNS ?? 7);
const GOAL_MS = 300;

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
};
const fmt = (ms: number) => `${ms.toFixed(0)} ms`;

const probe = spawnSync(k6, ['version'], { encoding: 'utf8' });
if (probe.error || probe.status !== 0) {
  console.log(`skipped: no real k6 at ${k6} (bash scripts/ci/install-k6.sh builds it; BENCH_K6=path picks another)`);
  process.exit(0);
}

const work = mkdtempSync(join(tmpdir(), 'loadctl-bench-'));
const sandbox = await startSandboxProcess();
try {
  const marker = join(work, 'marker');
  const wrapper = join(work, 'k6');
  writeFileSync(wrapper, `#!/bin/bash\nif [ "$1" = run ]; then echo "$EPOCHREALTIME" > ${JSON.stringify(marker)}; fi\nexec ${JSON.stringify(k6)} "$@"\n`);
  chmodSync(wrapper, 0o755);
  const measure = (extra: string[], tag: string) => {
    const toSpawn: number[] = [];
    const phases = { start: [] as number[], bundle: [] as number[], spawn: [] as number[] };
    const seen = new Set<string>();
    const runsDir = join(work, `runs-${tag}`);
    for (let i = 0; i < RUNS + 1; i += 1) {
      const t0 = performance.timeOrigin + performance.now();
      const r = spawnSync(process.execPath, [bin, 'run', 'quick', '--vus', '1', '--duration', '1s', '--base-url', sandbox.url, '--no-preflight', '-q', '--out-dir', runsDir, ...extra], {
        cwd: work, env: { ...process.env, K6_BIN: wrapper, NO_COLOR: '1' }, encoding: 'utf8',
      });
      if (r.status === null || r.status > 1) throw new Error(`loadctl run exited ${r.status}: ${r.stderr}`);
      const startedAt = Number(readFileSync(marker, 'utf8').trim()) * 1000;
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
    }
    return { toSpawn: median(toSpawn), start: median(phases.start), bundle: median(phases.bundle), spawn: median(phases.spawn) };
  };
  const live = measure([], 'live');
  const noLive = measure(['--no-live'], 'nolive');
  const versionCost: number[] = [];
  for (let i = 0; i < RUNS; i += 1) {
    const t0 = performance.now();
    spawnSync(k6, ['version'], { encoding: 'utf8' });
    versionCost.push(performance.now() - t0);
  }
  const help: number[] = [];
  for (let i = 0; i < RUNS + 1; i += 1) {
    const t0 = performance.now();
    const r = spawnSync(process.execPath, [bin, '--help'], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`loadctl --help exited ${r.status}`);
    if (i > 0) help.push(performance.now() - t0);
  }

  console.log(`runs: ${RUNS} each (median), real ${probe.stdout.split('\n')[0]}`);
  console.log(`loadctl run quick -> k6 spawned:       ${fmt(live.toSpawn)}  (goal ${GOAL_MS} ms, ratio ${(live.toSpawn / GOAL_MS).toFixed(2)})`);
  console.log(`  start, load profile, find k6:       ${fmt(live.start)}  (of which real \`k6 version\`: ${fmt(median(versionCost))})`);
  console.log(`  bundle (esbuild, type-check cached): ${fmt(live.bundle)}`);
  console.log(`  command file written -> k6 started:  ${fmt(live.spawn)}`);
  console.log(`same with --no-live (no live feed):    ${fmt(noLive.toSpawn)}  (ratio ${(noLive.toSpawn / GOAL_MS).toFixed(2)})`);
  console.log(`loadctl --help cold start:             ${fmt(median(help))}`);
} finally {
  sandbox.child.kill('SIGINT');
  rmSync(work, { recursive: true, force: true });
}
