// Makes sure dist/cli.js (what bin/loadctl.js imports) is at least as new as
// the report's own sources before a test spawns it. `npm test` builds first,
// so in CI this is a no-op; running test/report alone after an edit to the
// report rebuilds once. Others' edits do not trigger a rebuild: rewriting
// dist under another test's spawned CLI would make that test flaky.
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const root = fileURLToPath(new URL('../../', import.meta.url));
export const bin = join(root, 'bin', 'loadctl.js');

function newest(path: string): number {
  const info = statSync(path);
  if (!info.isDirectory()) return info.mtimeMs;
  let latest = 0;
  for (const entry of readdirSync(path)) latest = Math.max(latest, newest(join(path, entry)));
  return latest;
}

const ownSources = ['src/report', 'src/commands/report.ts', 'src/live/phases.ts'];

export function ensureBuilt(): void {
  let built = 0;
  try { built = statSync(join(root, 'dist', 'cli.js')).mtimeMs; } catch { /* not built yet */ }
  if (built >= Math.max(...ownSources.map((p) => newest(join(root, p))))) return;
  const r = spawnSync(process.execPath, [join(root, 'scripts', 'build.mjs')], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`npm run build failed:\n${r.stderr}`);
}
