// `loadctl list` names as scenarios only what a profile can name: helper
// modules (no default export) and test files (`*.test.js`) beside the
// scenarios are not scenarios. Real files in a temporary project.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { listScenarios } from '../../../src/profiles/load.ts';

test('helper modules and *.test.js files are not listed as scenarios; the project\'s own scenario is', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'loadctl-list-'));
  try {
    await mkdir(join(dir, 'scenarios'));
    await writeFile(join(dir, 'scenarios', 'checkout.ts'), '/** Checkout under load. */\nexport default function (): void {}\n');
    await writeFile(join(dir, 'scenarios', 'helpers.ts'), 'export function login(): void {}\n');
    await writeFile(join(dir, 'scenarios', 'checkout.test.js'), 'export default function () {}\n');
    await writeFile(join(dir, 'scenarios', 'Reexport.js'), 'export { default } from "./checkout.ts";\n');
    await writeFile(join(dir, 'scenarios', 'reexport.js'), 'import run from "./checkout.ts";\nexport { run as default };\n');
    const names = (await listScenarios(dir)).map((s) => s.name);
    assert.ok(names.includes('checkout'));
    assert.ok(names.includes('reexport'));
    assert.ok(!names.includes('helpers'), 'no default export: a helper module');
    assert.ok(!names.includes('checkout.test'), 'a test file');
    assert.ok(!names.includes('Reexport'), 'a name no profile can take');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
