import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { copyFile, readFile, rm } from 'node:fs/promises';
import { SourceMap } from 'node:module';
import { spawnSync } from 'node:child_process';
import { dirname, join, resolve } from 'node:path';
import { build } from 'esbuild';
import { bundleScenario, type BundleResult } from '../../../src/k6/bundle.ts';
import { listScenarios, packageRoot } from '../../../src/profiles/load.ts';
import { profileFor } from '../../bundle/helpers.ts';
import { tempDir } from '../../kit/temp.ts';

let work: string;
const bundles = new Map<string, BundleResult>();

before(async () => {
  work = tempDir('loadctl-bundles-');
  for (const { name } of await listScenarios(packageRoot())) {
    const scenario = join(packageRoot(), 'scenarios', `${name}.ts`);
    bundles.set(name, await bundleScenario(profileFor(scenario, name), join(work, name), { cwd: packageRoot(), cacheDir: join(work, 'cache') }));
  }
});
after(() => rm(work, { recursive: true, force: true }));

/** Parses the output as an ES module and lists what it imports and exports. */
async function shapeOf(script: string): Promise<{ imports: string[]; exports: string[] }> {
  const out = await build({ entryPoints: [script], bundle: true, write: false, metafile: true, format: 'esm', platform: 'neutral', external: ['*'], logLevel: 'silent' });
  const input = Object.entries(out.metafile.inputs).find(([file]) => resolve(file) === script)![1];
  const output = Object.values(out.metafile.outputs)[0]!;
  return { imports: input.imports.map((i) => i.path), exports: output.exports };
}

test('every shipped scenario bundles and type-checks', () => {
  assert.deepEqual([...bundles.keys()], ['booking-load', 'simple', 'soak', 'spike', 'stress']);
  for (const [name, b] of bundles) {
    assert.equal(b.scriptPath, join(work, name, 'script.js'));
    assert.equal(b.mapPath, `${b.scriptPath}.map`);
    assert.ok(b.typeCheck === 'checked' || b.typeCheck === 'cached', `${name}: ${b.typeCheck}`);
  }
});

test('each bundle is one ES module importing only k6 modules, exporting what k6 calls', async () => {
  for (const [name, b] of bundles) {
    const { imports, exports } = await shapeOf(b.scriptPath);
    assert.ok(imports.length > 0, name);
    for (const spec of imports) assert.match(spec, /^k6(\/[a-z0-9/-]+)?$/, `${name} imports ${spec}`);
    for (const e of ['default', 'options', 'handleSummary']) assert.ok(exports.includes(e), `${name} does not export ${e}`);
    const mjs = join(work, `${name}.mjs`);
    await copyFile(b.scriptPath, mjs);
    const check = spawnSync(process.execPath, ['--check', mjs], { encoding: 'utf8' });
    assert.equal(check.status, 0, `${name}: node --check failed: ${check.stderr}`);
  }
});

test('bundles stay within what k6 before v0.52 (Babel 6) parses: no ?. or ?? and no object spread', async () => {
  for (const [name, b] of bundles) {
    const code = await readFile(b.scriptPath, 'utf8');
    assert.doesNotMatch(code, /\?\.|\?\?/, name);
    assert.doesNotMatch(code, /\{\s*\.\.\./, name);
    assert.doesNotMatch(code, /^\s*await\b/m, name);
  }
});

test('the summary hook is in every bundle and reads LOADCTL_SUMMARY_PATH', async () => {
  for (const [name, b] of bundles) {
    const code = await readFile(b.scriptPath, 'utf8');
    assert.match(code, /__ENV\.LOADCTL_SUMMARY_PATH/, name);
    assert.match(code, /"summaryTrendStats":\s*\[[^\]]*"p\(99\)"/, name);
  }
});

test('the source map is linked on the last line, where k6 looks, and maps back to the .ts line', async () => {
  const b = bundles.get('simple')!;
  const code = await readFile(b.scriptPath, 'utf8');
  assert.equal(code.trimEnd().split('\n').at(-1), '//# sourceMappingURL=script.js.map');
  const lines = code.split('\n');
  const line = lines.findIndex((l) => l.includes('new Counter("booking_lock_failures")'));
  assert.ok(line >= 0);
  const column = lines[line]!.indexOf('new Counter');
  const map = new SourceMap(JSON.parse(await readFile(b.mapPath, 'utf8')));
  const entry = map.findEntry(line, column) as { originalSource?: string; originalLine?: number };
  assert.ok(entry.originalSource, 'no mapping for the line');
  const source = resolve(dirname(b.mapPath), entry.originalSource!);
  assert.equal(source, join(packageRoot(), 'scenarios', 'lib', 'metrics.ts'));
  const original = (await readFile(source, 'utf8')).split('\n');
  assert.match(original[entry.originalLine!]!, /new Counter\('booking_lock_failures'\)/);
});
