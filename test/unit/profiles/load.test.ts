import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { listProfiles, listScenarios, loadProfile, packageRoot } from '../../../src/profiles/load.ts';
import { durationSeconds as secondsOf } from '../../../src/shared/duration.ts';

const durationSeconds = (d: string): number => secondsOf(d)!;
import { UsageError } from '../../../src/errors.ts';
import { tempDir } from '../../kit/temp.ts';

const SHIPPED = ['extreme', 'high', 'load', 'normal', 'peak', 'quick', 'simple', 'soak', 'spike', 'stress'];

async function tempProject(files: Record<string, string>): Promise<string> {
  const dir = tempDir('loadctl-profiles-');
  for (const [path, text] of Object.entries(files)) {
    await mkdir(join(dir, path, '..'), { recursive: true });
    await writeFile(join(dir, path), text);
  }
  return dir;
}

async function usageError(promise: Promise<unknown>): Promise<UsageError> {
  const error = await promise.then(() => undefined, (e: unknown) => e);
  assert.ok(error instanceof UsageError, `expected a UsageError, got ${String(error)}`);
  assert.equal(error.exitCode, 2);
  return error;
}

type Scenario = { executor: string; stages?: Array<{ duration: string; target: number }>; vus?: number; duration?: string; startVUs?: number };
function onlyScenario(options: Record<string, unknown>): Scenario {
  const list = Object.values(options.scenarios as Record<string, Scenario>);
  assert.equal(list.length, 1);
  return list[0]!;
}
const peakOf = (s: Scenario) => Math.max(s.vus ?? 0, s.startVUs ?? 0, ...(s.stages ?? []).map((x) => x.target));
const lengthOf = (s: Scenario) => (s.stages ?? []).reduce((sum, x) => sum + durationSeconds(x.duration), s.duration ? durationSeconds(s.duration) : 0);

test('every shipped profile validates and resolves, from a project with no profiles of its own', async () => {
  const empty = await tempProject({});
  try {
    const listed = await listProfiles(empty);
    assert.deepEqual(listed.map((p) => p.name), SHIPPED);
    for (const { name } of listed) {
      const p = await loadProfile(name, { cwd: empty, processEnv: {} });
      assert.equal(p.name, name);
      assert.ok(existsSync(p.scenarioFile), `${name}: ${p.scenarioFile}`);
      assert.ok(p.description.length > 10);
      assert.ok((p.k6Options.summaryTrendStats as string[]).includes('p(99)'));
      assert.ok(p.targets.some((t) => t.metric === 'booking_duration' && t.stat === 'p99' && t.value === 2000), `${name} lost the booking P99 target`);
      assert.equal(p.env.BASE_URL, 'http://localhost:8080');
      const text = await readFile(p.file, 'utf8');
      assert.ok(text.startsWith('# yaml-language-server: $schema=./profile.schema.json\n'), `${name} lacks the schema comment`);
    }
  } finally {
    await rm(empty, { recursive: true, force: true });
  }
});

test('profile shapes: simple, quick, the tiers, spike and stress', async () => {
  const cwd = packageRoot();
  const shape = async (name: string) => onlyScenario((await loadProfile(name, { cwd, processEnv: {} })).k6Options);
  const simple = await shape('simple');
  assert.equal(peakOf(simple), 50);
  assert.ok(Math.abs(lengthOf(simple) - 180) <= 30, `simple lasts ${lengthOf(simple)} s`);
  const quick = await shape('quick');
  assert.deepEqual([peakOf(quick), lengthOf(quick)], [10, 60]);
  for (const [tier, vus] of [['normal', 1000], ['high', 10000], ['peak', 50000], ['extreme', 100000]] as const) {
    assert.equal(peakOf(await shape(tier)), vus, tier);
  }
  const spike = await shape('spike');
  const jump = spike.stages!.findIndex((s) => s.target === peakOf(spike));
  assert.ok(durationSeconds(spike.stages![jump]!.duration) <= 10, 'the spike jumps within 10 s');
  const stress = (await shape('stress')).stages!.map((s) => s.target);
  assert.ok(stress.filter((t, i) => i > 0 && t > stress[i - 1]!).length >= 4, 'stress steps up at least four times');
});

test('overrides reach the resolved profile', async () => {
  const p = await loadProfile('spike', { cwd: packageRoot(), overrides: { vus: 100, duration: '2m', baseUrl: 'http://127.0.0.1:9', env: { HOT_EVENT: 'evt-1' } } });
  const s = onlyScenario(p.k6Options);
  assert.equal(peakOf(s), 100);
  assert.ok(s.stages!.some((x) => x.duration === '2m' && x.target === 100));
  assert.equal(p.env.BASE_URL, 'http://127.0.0.1:9');
  assert.equal(p.env.HOT_EVENT, 'evt-1');
  assert.equal(p.env.FRONT_SEATS, '50');
});

test('BASE_URL: profile env, then the calling environment, then the default', async () => {
  const dir = await tempProject({ 'profiles/mine.yaml': 'description: mine\nscenario: simple\nexecutor: constant-vus\nvus: 1\nduration: 5s\n' });
  try {
    assert.equal((await loadProfile('mine', { cwd: dir, processEnv: { BASE_URL: 'http://127.0.0.1:1234' } })).env.BASE_URL, 'http://127.0.0.1:1234');
    assert.equal((await loadProfile('mine', { cwd: dir, processEnv: {} })).env.BASE_URL, 'http://localhost:8080');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('an unknown profile lists the known ones', async () => {
  const e = await usageError(loadProfile('spkie', { cwd: packageRoot() }));
  assert.match(e.message, /unknown profile "spkie"; known profiles: /);
  for (const name of SHIPPED) assert.ok(e.message.includes(name), name);
});

test('bad YAML names the file, line and column', async () => {
  const dir = await tempProject({ 'profiles/broken.yaml': 'description: x\nstages: [ { duration: 1m, target: 5 }\nscenario: simple\n' });
  try {
    const e = await usageError(loadProfile('broken', { cwd: dir }));
    assert.match(e.message, /^profiles\/broken\.yaml:\d+:\d+: /);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('a schema error names the file and field, all problems at once; a local profile shadows the shipped one', async () => {
  const dir = await tempProject({
    'profiles/spike.yaml': 'description: mine\nscenario: spike\nexecutor: ramping-vus\nstages:\n  - { duration: 1m, target: lots }\n  - { duration: soon, target: 1 }\n',
  });
  try {
    const e = await usageError(loadProfile('spike', { cwd: dir }));
    assert.deepEqual(e.message.split('\n'), [
      'profiles/spike.yaml: stages.0.target: expected number',
      'profiles/spike.yaml: stages.1.duration: expected a k6 duration such as "30s", "5m" or "1m30s"',
    ]);
    const listed = await listProfiles(dir);
    assert.match(listed.find((p) => p.name === 'spike')!.description, /^\(invalid/);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('an unknown scenario lists the known ones; a profile can be given by path', async () => {
  const dir = await tempProject({
    'profiles/odd.yaml': 'description: odd\nscenario: nosuch\nexecutor: constant-vus\nvus: 1\nduration: 5s\n',
    'elsewhere/mine.yml': 'description: mine\nscenario: smoke\nexecutor: constant-vus\nvus: 1\nduration: 5s\n',
    'scenarios/smoke.ts': '// Only says hello.\nexport default function (): void {}\n',
  });
  try {
    const e = await usageError(loadProfile('odd', { cwd: dir }));
    assert.match(e.message, /^profiles\/odd\.yaml: scenario: unknown scenario "nosuch"; known scenarios: booking-load, simple, smoke, soak, spike, stress$/);
    const byPath = await loadProfile('elsewhere/mine.yml', { cwd: dir });
    assert.equal(byPath.name, 'mine');
    assert.equal(byPath.scenarioFile, join(dir, 'scenarios', 'smoke.ts'));
    await usageError(loadProfile('elsewhere/none.yaml', { cwd: dir }));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('listScenarios gives each scenario the first sentence of its leading comment', async () => {
  const scenarios = await listScenarios(packageRoot());
  assert.deepEqual(scenarios.map((s) => s.name), ['booking-load', 'simple', 'soak', 'spike', 'stress']);
  for (const s of scenarios) assert.match(s.description, /^[A-Z].{15,}[.!?]$/, s.name);
});

test('the package root is found from bundled code too (dist/cli.js bundles src)', async () => {
  const { build } = await import('esbuild');
  const root = packageRoot();
  const out = join(root, '.loadctl', `test-root-${process.pid}`, 'deep', 'cli.js');
  const empty = await tempProject({});
  try {
    await build({ entryPoints: [join(root, 'src', 'profiles', 'load.ts')], outfile: out, bundle: true, format: 'esm', platform: 'node', packages: 'external', logLevel: 'silent' });
    const bundled = (await import(pathToFileURL(out).href)) as typeof import('../../../src/profiles/load.ts');
    assert.equal(bundled.packageRoot(), root);
    assert.equal((await bundled.listProfiles(empty)).length, SHIPPED.length);
  } finally {
    await rm(join(root, '.loadctl', `test-root-${process.pid}`), { recursive: true, force: true });
    await rm(empty, { recursive: true, force: true });
  }
});
