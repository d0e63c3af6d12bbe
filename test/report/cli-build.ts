// Makes sure dist/cli.js (what bin/loadctl.js imports) is at least as new as
// the sources before a test spawns it. `npm test` builds first, so in CI this
// is a no-op; running test/report alone after an edit rebuilds once.
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const root = fileURLToPath(new URL('../../', import.meta.url));
export const bin = join(root, 'bin', 'loadctl.js');

function newest(dir: string): number {
  let latest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    latest = Math.max(latest, entry.isDirectory() ? newest(path) : statSync(path).mtimeMs);
  }
  return latest;
}

export function ensureBuilt(): void {
  let built = 0;
  try { built = statSync(join(root, 'dist', 'cli.js')).mtimeMs; } catch { /* not built yet */ }
  if (built >= newest(join(root, 'src'))) return;
  const r = spawnSync(process.execPath, [join(root, 'scripts', 'build.mjs')], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`npm run build failed:\n${r.stderr}`);
}
