// dist/ is what bin/loadctl.js runs. `npm test` builds first, so here this is
// a no-op; a narrowed run after an edit to src/ rebuilds once. It builds only
// when dist is older than src/: rebuilding drops the old chunks, which would
// break a CLI that another test file is running at that moment. Two test
// files that find it stale at once take turns through a lock file, and the
// second finds it fresh.
import { closeSync, mkdirSync, openSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { repoRoot } from './paths.ts';

function newest(path: string): number {
  const info = statSync(path);
  if (!info.isDirectory()) return info.mtimeMs;
  let latest = info.mtimeMs;
  for (const entry of readdirSync(path)) latest = Math.max(latest, newest(join(path, entry)));
  return latest;
}

function isFresh(): boolean {
  let built = 0;
  try { built = statSync(join(repoRoot, 'dist', 'cli.js')).mtimeMs; } catch { return false; }
  return built >= Math.max(newest(join(repoRoot, 'src')), newest(join(repoRoot, 'scripts', 'build.mjs')));
}

const sleep = (ms: number) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);

let checked = false;

/** Builds dist/ when it is missing or older than src/ (looked at once per test process). */
export function ensureBuilt(): void {
  if (checked) return;
  checked = true;
  if (isFresh()) return;
  mkdirSync(join(repoRoot, 'dist'), { recursive: true });
  const lock = join(repoRoot, 'dist', '.build-lock');
  for (let waited = 0; ; waited += 200) {
    try {
      closeSync(openSync(lock, 'wx'));
      break;
    } catch {
      // A build takes seconds; a lock older than two minutes was left by a killed run.
      const made = statSync(lock, { throwIfNoEntry: false })?.mtimeMs ?? Date.now();
      if (waited > 120_000 || Date.now() - made > 120_000) rmSync(lock, { force: true });
      sleep(200);
    }
  }
  try {
    if (isFresh()) return;
    const r = spawnSync(process.execPath, [join(repoRoot, 'scripts', 'build.mjs')], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`npm run build failed:\n${r.stderr}`);
  } finally {
    rmSync(lock, { force: true });
  }
}
