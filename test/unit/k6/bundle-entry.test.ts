// Runs the generated wrapper in Node on scenarios that import nothing from k6,
// so no k6 module is faked: what runs is exactly what k6 would load.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { bundleScenario } from '../../../src/k6/bundle.ts';
import { profileFor, tempProject } from '../../bundle/helpers.ts';

const dirs: string[] = [];
after(() => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))));

type Module = {
  default: () => void;
  options: Record<string, unknown>;
  handleSummary: (data: unknown) => unknown;
  setup?: () => unknown;
  browse?: () => void;
};

async function bundleAndImport(source: string, extra: Record<string, unknown> = {}): Promise<Module> {
  const dir = await tempProject({ 'scenarios/fixture.ts': source });
  dirs.push(dir);
  // No default targets: they would pull in k6/metrics, which Node does not have.
  const profile = profileFor(join(dir, 'scenarios', 'fixture.ts'), 'fixture', { defaultTargets: false, endpoints: [], ...extra });
  const r = await bundleScenario(profile, join(dir, 'out'), { cwd: dir, typeCheck: false });
  assert.equal(r.typeCheck, 'skipped');
  return (await import(pathToFileURL(r.scriptPath).href)) as Module;
}

const g = globalThis as { __ENV?: Record<string, string> };
const data = { metrics: { http_reqs: { type: 'counter', values: { count: 3 } } }, root_group: {}, options: {}, state: {} };

test('handleSummary writes the summary JSON to $LOADCTL_SUMMARY_PATH and keeps the scenario\'s own outputs', async () => {
  const mod = await bundleAndImport(`
export function handleSummary(d: { metrics: Record<string, unknown> }) {
  return { 'own.txt': 'metrics: ' + Object.keys(d.metrics).join(',') };
}
export default function (): void {}
`);
  g.__ENV = { LOADCTL_SUMMARY_PATH: '/tmp/run/summary.json' };
  assert.deepEqual(mod.handleSummary(data), { 'own.txt': 'metrics: http_reqs', '/tmp/run/summary.json': JSON.stringify(data) });
  g.__ENV = {};
  assert.deepEqual(mod.handleSummary(data), { 'own.txt': 'metrics: http_reqs' });
});

test('without a handleSummary of its own the scenario still gets the summary file, and an async one is awaited', async () => {
  const plain = await bundleAndImport('export default function (): void {}\n');
  g.__ENV = { LOADCTL_SUMMARY_PATH: 'out.json' };
  assert.deepEqual(plain.handleSummary(data), { 'out.json': JSON.stringify(data) });
  const later = await bundleAndImport('export async function handleSummary() { return { stdout: "done" }; }\nexport default function (): void {}\n');
  assert.deepEqual(await later.handleSummary(data), { stdout: 'done', 'out.json': JSON.stringify(data) });
});

test('options: the profile\'s scenarios win, thresholds from both are kept, p(99) is in the trend stats', async () => {
  const mod = await bundleAndImport(
    `
export const options = {
  vus: 99,
  stages: [{ duration: '5s', target: 3 }],
  noConnectionReuse: true,
  thresholds: { checks: ['rate>0.9'], http_req_failed: [{ threshold: 'rate<0.3', abortOnFail: true }] },
  summaryTrendStats: ['avg'],
};
export function setup() { return { ready: true }; }
export function browse(): void {}
export default function (): void {}
`,
    { thresholds: { 'http_req_duration{name:login}': ['p(95)<500'] }, targets: ['http_req_failed rate<0.05'] },
  );
  assert.equal(mod.options.noConnectionReuse, true);
  assert.deepEqual(mod.options.scenarios, { scenario: { executor: 'constant-vus', vus: 2, duration: '10s' } });
  // k6 refuses vus/stages/duration/iterations beside scenarios: the profile's scenario replaces them.
  for (const k of ['vus', 'stages', 'duration', 'iterations']) assert.equal(mod.options[k], undefined, k);
  assert.deepEqual(mod.options.thresholds, {
    checks: ['rate>0.9'],
    http_req_failed: [{ threshold: 'rate<0.3', abortOnFail: true }, 'rate<0.05'],
    'http_req_duration{name:login}': ['p(95)<500'],
  });
  const stats = mod.options.summaryTrendStats as string[];
  for (const s of ['p(90)', 'p(95)', 'p(99)', 'count']) assert.ok(stats.includes(s), s);
  assert.equal(typeof mod.default, 'function');
  assert.deepEqual(mod.setup?.(), { ready: true });
  assert.equal(typeof mod.browse, 'function');
});

test('a scenario without the library still defines the metrics the default targets name (k6 refuses unknown ones)', async () => {
  const dir = await tempProject({ 'scenarios/bare.ts': 'export default function (): void {}\n' });
  dirs.push(dir);
  const withDefaults = await bundleScenario(profileFor(join(dir, 'scenarios', 'bare.ts')), join(dir, 'a'), { cwd: dir, typeCheck: false });
  assert.match(await readFile(withDefaults.scriptPath, 'utf8'), /new Trend\("booking_duration", true\)/);
  const without = await bundleScenario(profileFor(join(dir, 'scenarios', 'bare.ts'), 'bare', { defaultTargets: false }), join(dir, 'b'), { cwd: dir, typeCheck: false });
  assert.doesNotMatch(await readFile(without.scriptPath, 'utf8'), /booking_duration/);
});
