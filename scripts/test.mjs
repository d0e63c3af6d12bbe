// Runs test files with node's own test runner (TypeScript via tsx).
//   node scripts/test.mjs               the whole suite (npm test): both tiers
//   node scripts/test.mjs test/unit     the unit tier (npm run test:unit)
//   node scripts/test.mjs <file|dir>... a narrowed run
// The whole suite first builds the real k6 versions the system tier needs
// when Go is here (test/kit/prepare-k6.ts). A part missing from this machine
// skips the tests that need it; its line (what, and how to get it) is printed
// once, at the end, however many test files skipped for it.
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';

function collect(path, out) {
  if (statSync(path).isDirectory()) {
    for (const name of readdirSync(path).sort()) collect(join(path, name), out);
  } else if (path.endsWith('.test.ts')) {
    out.push(path);
  }
  return out;
}

const narrowed = process.argv.slice(2);
const roots = narrowed.length > 0 ? narrowed : ['test'];
const files = roots.flatMap((root) => collect(root, []));
if (files.length === 0) {
  console.error(`no test files under ${roots.join(', ')}`);
  process.exit(1);
}
if (narrowed.length === 0) spawnSync(process.execPath, ['--import', 'tsx', 'test/kit/prepare-k6.ts'], { stdio: 'inherit' });

const skipsDir = mkdtempSync(join(tmpdir(), 'loadctl-test-skips-'));
const skips = join(skipsDir, 'skips.txt');
const result = spawnSync(
  process.execPath,
  ['--import', 'tsx', '--test', '--test-concurrency=2', '--test-reporter=spec', ...files],
  { stdio: 'inherit', env: { ...process.env, LOADCTL_TEST_SKIPS: skips } },
);
let lines = [];
try { lines = [...new Set(readFileSync(skips, 'utf8').split('\n').filter(Boolean))]; } catch { /* nothing skipped */ }
rmSync(skipsDir, { recursive: true, force: true });
if (lines.length > 0) {
  console.log('\nSkipped for a part missing here (each test marked "needs …"):');
  for (const line of lines.sort()) console.log(`  ${line}`);
}
process.exit(result.status ?? 1);
