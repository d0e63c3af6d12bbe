// What the real-k6 benches share: their settings, interleaved rounds, k6
// behind a wrapper that records its CPU time (bash's `times` after k6 exits),
// a reader for those files, and medians. CPU seconds are what a busy machine
// distorts least: rates swing with the other work, k6's CPU per request much
// less.
import { spawnSync } from 'node:child_process';
import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';

export const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
};

/** A k6 stand-in in `work` that runs `k6` and, after a `run`, writes its CPU time to `times`. */
export function k6CpuWrapper(work: string, k6: string): { path: string; times: string } {
  const times = join(work, 'k6.times');
  const path = join(work, 'k6-cpu');
  writeFileSync(path, `#!/bin/bash\n${JSON.stringify(k6)} "$@"\nrc=$?\n[ "$1" = run ] && times > ${JSON.stringify(times)}\nexit $rc\n`);
  chmodSync(path, 0o755);
  return { path, times };
}

/** User plus system CPU seconds of the children, from a `times` file. */
export function cpuOf(file: string): number {
  const [user, sys] = (readFileSync(file, 'utf8').trim().split('\n')[1] ?? '').split(/\s+/).map((t) => {
    const m = /^(\d+)m([\d.]+)s$/.exec(t);
    return m ? Number(m[1]) * 60 + Number(m[2]) : NaN;
  });
  return (user ?? NaN) + (sys ?? NaN);
}

/** The real-k6 benches' settings (BENCH_K6*), and k6's version line; exits 0 with one line when there is no k6. */
export function benchK6(): { rounds: number; seconds: number; vus: number; k6: string; versionLine: string } {
  const k6 = process.env.BENCH_K6 ?? '/var/cache/loadctl/k6/v2.2.0/k6';
  const version = spawnSync(k6, ['version'], { encoding: 'utf8' });
  if (version.error || version.status !== 0) {
    console.log(`skipped: no real k6 at ${k6} (bash scripts/ci/install-k6.sh builds it; BENCH_K6=path picks another)`);
    process.exit(0);
  }
  return {
    rounds: Number(process.env.BENCH_K6_ROUNDS ?? 5),
    seconds: Number(process.env.BENCH_K6_SECONDS ?? 6),
    vus: Number(process.env.BENCH_K6_VUS ?? 20),
    k6,
    versionLine: version.stdout.split('\n')[0] ?? '',
  };
}

/**
 * Runs each kind once per round, the order rotated each round so drift in
 * the machine's load falls on all of them, after one unmeasured warm-up run
 * of `warm`; with the load average before and after.
 */
export function interleave<K extends string, S>(kinds: Record<K, () => S>, rounds: number, warm: NoInfer<K>): { runs: Record<K, S[]>; loadBefore: number; loadAfter: number } {
  const names = Object.keys(kinds) as K[];
  kinds[warm]();
  const loadBefore = loadavg()[0]!;
  const runs = Object.fromEntries(names.map((n) => [n, [] as S[]])) as Record<K, S[]>;
  for (let round = 0; round < rounds; round += 1) {
    for (let i = 0; i < names.length; i += 1) {
      const name = names[(round + i) % names.length]!;
      runs[name].push(kinds[name]());
    }
  }
  return { runs, loadBefore, loadAfter: loadavg()[0]! };
}

/** The median of per-round ratios a[i] / b[i]. */
export const ratios = (a: number[], b: number[]): number => median(a.map((x, i) => x / b[i]!));
