import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { bundleScenario } from '../../../src/k6/bundle.ts';
import { ScriptError } from '../../../src/errors.ts';
import { profileFor, tempProject } from '../../bundle/helpers.ts';

const dirs: string[] = [];
after(() => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))));

async function project(files: Record<string, string>): Promise<string> {
  const dir = await tempProject(files);
  dirs.push(dir);
  return dir;
}

async function scriptError(dir: string, scenario: string): Promise<ScriptError> {
  const error = await bundleScenario(profileFor(join(dir, 'scenarios', scenario)), join(dir, 'out'), { cwd: dir, cacheDir: join(dir, 'cache') }).then(
    () => undefined,
    (e: unknown) => e,
  );
  assert.ok(error instanceof ScriptError, `expected a ScriptError, got ${String(error)}`);
  assert.equal(error.exitCode, 5);
  return error;
}

const GOOD_LIB = "import http from 'k6/http';\nexport function status(): number {\n  return http.get('http://127.0.0.1:1/').status;\n}\n";

test('a type error fails the bundle with file:line:col and the message, and leaves no script behind', async () => {
  const dir = await project({
    'scenarios/bad.ts': "// Bad on purpose.\nimport http from 'k6/http';\nexport default function (): void {\n  const status: string = http.get('http://127.0.0.1:1/').status;\n  console.log(status);\n}\n",
  });
  const e = await scriptError(dir, 'bad.ts');
  assert.match(e.message, /^type errors in scenarios\/bad\.ts:\nscenarios\/bad\.ts:4:9: TS2322: Type 'number' is not assignable to type 'string'\.$/);
  assert.equal(existsSync(join(dir, 'out', 'script.js')), false);
});

test('the type check is cached by content: unchanged files skip it, an edited import runs it again', async () => {
  const dir = await project({
    'scenarios/good.ts': "// Fine.\nimport { status } from './lib/status.ts';\nexport default function (): void {\n  status();\n}\n",
    'scenarios/lib/status.ts': GOOD_LIB,
  });
  const run = () => bundleScenario(profileFor(join(dir, 'scenarios', 'good.ts')), join(dir, 'out'), { cwd: dir, cacheDir: join(dir, 'cache') });
  assert.equal((await run()).typeCheck, 'checked');
  assert.equal((await run()).typeCheck, 'cached');
  await writeFile(join(dir, 'scenarios', 'lib', 'status.ts'), GOOD_LIB.replace('): number', '): string'));
  const e = await scriptError(dir, 'good.ts');
  assert.match(e.message, /scenarios\/lib\/status\.ts:3:3: TS2322/);
});

test('a syntax error names file, line and column', async () => {
  const dir = await project({ 'scenarios/syntax.ts': 'export default function (): void {\n  const x = ;\n}\n' });
  const e = await scriptError(dir, 'syntax.ts');
  assert.match(e.message, /^cannot bundle scenarios\/syntax\.ts:\nscenarios\/syntax\.ts:2:13: /);
});

test('a Node built-in import fails clearly, naming the importing file', async () => {
  const dir = await project({
    'scenarios/fsuser.ts': "import { read } from './lib/helper.ts';\nexport default function (): void {\n  read();\n}\n",
    'scenarios/lib/helper.ts': "import { readFileSync } from 'node:fs';\nexport function read(): string {\n  return readFileSync('x', 'utf8');\n}\n",
  });
  const e = await scriptError(dir, 'fsuser.ts');
  assert.match(e.message, /scenarios\/lib\/helper\.ts:1:\d+: "node:fs" is a Node built-in, which k6 does not have/);
});

test('a scenario without a default export, or with top-level await, is refused', async () => {
  const dir = await project({
    'scenarios/nodefault.ts': 'export function other(): void {}\n',
    'scenarios/tla.ts': 'const x = await Promise.resolve(1);\nexport default function (): number {\n  return x;\n}\n',
  });
  assert.match((await scriptError(dir, 'nodefault.ts')).message, /scenarios\/nodefault\.ts has no default export/);
  assert.match((await scriptError(dir, 'tla.ts')).message, /scenarios\/tla\.ts:1:\d+: Top-level await/);
});

test('a project scenario can use loadctl\'s client library through @loadctl/lib, type-checked', async () => {
  const dir = await project({
    'scenarios/mine.ts': "// Mine.\nimport { fullJourney } from '@loadctl/lib/flows.ts';\nexport default function (): void {\n  fullJourney(__VU);\n}\n",
    'scenarios/wrong.ts': "import { fullJourney } from '@loadctl/lib/flows.ts';\nexport default function (): void {\n  fullJourney('one');\n}\n",
  });
  const r = await bundleScenario(profileFor(join(dir, 'scenarios', 'mine.ts')), join(dir, 'out'), { cwd: dir, cacheDir: join(dir, 'cache') });
  assert.equal(r.typeCheck, 'checked');
  assert.match(await readFile(r.scriptPath, 'utf8'), /new Counter\("booking_lock_failures"\)/);
  assert.match((await scriptError(dir, 'wrong.ts')).message, /scenarios\/wrong\.ts:3:15: TS2345/);
});

test('an unwritable cache slows the type check down but does not fail the bundle', async () => {
  const dir = await project({ 'scenarios/ok.ts': "import { sleep } from 'k6';\nexport default function (): void {\n  sleep(1);\n}\n", 'not-a-dir': 'a file' });
  const run = () => bundleScenario(profileFor(join(dir, 'scenarios', 'ok.ts')), join(dir, 'out'), { cwd: dir, cacheDir: join(dir, 'not-a-dir') });
  assert.equal((await run()).typeCheck, 'checked');
  assert.equal((await run()).typeCheck, 'checked');
});
