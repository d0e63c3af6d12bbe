// `loadctl k8s`: the TestRun and ConfigMap are checked against the TestRun
// schema written from the k6-operator's API types (no cluster can run here):
// what loadctl writes passes, and the schema refuses what the operator would.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { buildManifests, checkManifests } from '../../src/runners/k8s/manifests.ts';
import { ensureBuilt } from '../k6-real/harness.ts';
import { openProject, steadyProfile, steadyScenario } from './harness.ts';

const input = { name: 'loadctl-peak-1', parallelism: 6, bundle: 'export default function () {}', image: 'grafana/k6:2.2.0', receiverUrl: 'http://10.0.0.5:9091/api/v1/write', env: { BASE_URL: 'http://api' }, memoryMi: 8192, separate: true };

test('the manifests loadctl builds match the schema; the runners push to the receiver', () => {
  const m = buildManifests(input);
  assert.deepEqual(checkManifests(m), []);
  assert.equal(m.testRun.spec.parallelism, 6);
  assert.equal(m.testRun.spec.script.configMap.name, m.configMap.metadata.name);
  assert.ok(m.configMap.data[m.testRun.spec.script.configMap.file] !== undefined, 'the TestRun names a key the ConfigMap has');
  assert.ok(m.testRun.spec.runner!.env!.some((e) => e.name === 'K6_PROMETHEUS_RW_SERVER_URL' && e.value === input.receiverUrl));
  assert.match(m.testRun.spec.arguments!, /--out experimental-prometheus-rw/);
});

test('the schema refuses what the operator would: bad counts, paths, names, unknown fields, booleans as bools', () => {
  const m = buildManifests(input);
  const broken = (edit: (t: Record<string, any>) => void) => { const t = structuredClone(m.testRun) as Record<string, any>; edit(t); return checkManifests({ configMap: m.configMap, testRun: t }); };
  assert.match(broken((t) => { t.spec.parallelism = 0; }).join(), /TestRun: spec\.parallelism/);
  assert.match(broken((t) => { t.spec.script.configMap.file = 'dir/script.js'; }).join(), /spec\.script\.configMap\.file: a file name/);
  assert.match(broken((t) => { t.metadata.name = 'Peak_Run'; }).join(), /metadata\.name: expected a DNS-1123 label/);
  assert.match(broken((t) => { t.spec.paralelism = 3; }).join(), /TestRun: spec/);
  assert.match(broken((t) => { t.spec.paused = true; }).join(), /spec\.paused/);
  assert.match(broken((t) => { t.spec.cleanup = 'pre'; }).join(), /spec\.cleanup/);
});

test('loadctl k8s writes both objects, the bundle in the ConfigMap; --apply says it is not built', async () => {
  ensureBuilt();
  const project = openProject({ 'scenarios/steady.ts': steadyScenario, 'profiles/steady.yaml': steadyProfile({ vus: 6, duration: '4s' }) });
  try {
    const r = await project.loadctl(['k8s', 'steady', '--parallelism', '3', '--receiver', 'http://10.1.2.3:9091', '--memory', '2GB', '--base-url', 'http://api.test']);
    assert.equal(r.code, 0, r.out);
    const file = readFileSync(join(r.runDir!, 'k8s.yaml'), 'utf8');
    assert.doesNotMatch(file, /&a\d|\*a\d/, 'no YAML anchors');
    const [configMap, testRun] = parseAllDocuments(file).map((d) => d.toJS());
    assert.deepEqual(checkManifests({ configMap, testRun }), []);
    assert.equal(configMap.data['script.js'], readFileSync(join(r.runDir!, 'script.js'), 'utf8'));
    assert.equal(testRun.spec.parallelism, 3);
    assert.ok(testRun.spec.runner.env.some((e: { name: string; value: string }) => e.name === 'K6_PROMETHEUS_RW_SERVER_URL' && e.value === 'http://10.1.2.3:9091/api/v1/write'));
    const apply = await project.loadctl(['k8s', 'steady', '--parallelism', '3', '--receiver', 'http://10.1.2.3:9091', '--apply']);
    assert.equal(apply.code, 2);
    assert.match(apply.out, /--apply is not built yet/);
  } finally {
    project.close();
  }
});
