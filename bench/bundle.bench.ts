// How long `loadctl run` spends before k6 can start: loading the profile and
// bundling its scenario, with the type check cold (cache miss, TypeScript
// loaded from scratch) and warm (cache hit). Each sample runs in a fresh
// process, as the CLI does. Run: npm run bench -- bundle
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const self = fileURLToPath(import.meta.url);
const root = fileURLToPath(new URL('..', import.meta.url));

interface Sample { loadMs: number; bundleMs: number; typeCheck: string }

async function child(cacheDir: string, outDir: string): Promise<void> {
  const { loadProfile } = await import('../src/profiles/load.ts');
  const { bundleScenario } = await import('../src/k6/bundle.ts');
  const t0 = performance.now();
  const profile = await loadProfile('spike', { cwd: root });
  const loadMs = performance.now() - t0;
  const r = await bundleScenario(profile, outDir, { cwd: root, cacheDir });
  const sample: Sample = { loadMs, bundleMs: r.durationMs, typeCheck: r.typeCheck ?? '?' };
  console.log(JSON.stringify(sample));
}

function sample(cacheDir: string, outDir: string): Sample {
  const r = spawnSync(process.execPath, ['--import', 'tsx', self, '--child', cacheDir, outDir], { encoding: 'utf8', cwd: root });
  if (r.status !== 0) throw new Error(`bench child failed: ${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').at(-1)!) as Sample;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function main(): Promise<void> {
  const work = mkdtempSync(join(tmpdir(), 'loadctl-bench-'));
  try {
    const cold: Sample[] = [];
    for (let i = 0; i < 3; i += 1) cold.push(sample(join(work, `cold-cache-${i}`), join(work, `cold-${i}`)));
    const warmCache = join(work, 'warm-cache');
    sample(warmCache, join(work, 'prime'));
    const warm: Sample[] = [];
    for (let i = 0; i < 7; i += 1) warm.push(sample(warmCache, join(work, `warm-${i}`)));
    if (cold.some((s) => s.typeCheck !== 'checked') || warm.some((s) => s.typeCheck !== 'cached')) throw new Error('cache did not behave: cold must check, warm must hit');
    const coldMs = median(cold.map((s) => s.bundleMs));
    const warmMs = median(warm.map((s) => s.bundleMs));
    const loadMs = median(warm.map((s) => s.loadMs));
    console.log('profile spike, fresh process per sample');
    console.log(`load profile (YAML, zod, overrides)   median ${loadMs.toFixed(1)} ms (n=${warm.length})`);
    console.log(`bundle, type check cold (cache miss)  median ${coldMs.toFixed(0)} ms (n=${cold.length})`);
    console.log(`bundle, type check warm (cache hit)   median ${warmMs.toFixed(1)} ms (n=${warm.length})`);
    console.log(`cold / warm                           ${(coldMs / warmMs).toFixed(1)}x`);
    console.log(`load + warm bundle                    median ${(loadMs + warmMs).toFixed(1)} ms (budget for run-to-spawn: 300 ms)`);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

if (process.argv[2] === '--child') await child(process.argv[3]!, process.argv[4]!);
else await main();
