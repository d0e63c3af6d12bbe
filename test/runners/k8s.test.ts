// `loadctl k8s`: the TestRun and ConfigMap are checked against the TestRun
// schema written from the k6-operator's API types (no cluster can run here):
// what loadctl writes passes, and the schema refuses what the operator would.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { buildManifests, checkManifests } from '../../src/runners/k8s/manifests.ts';
import { summaryFromLog } from '../../src/runners/k8s/apply.ts';
import { resultsFromFeed } from '../../src/runners/k8s/feed-results.ts';
import { parseListen } from '../../src/runners/k8s/listen.ts';
import { CLUSTER_MARGIN_S, profileSeconds, waitTimeoutMs } from '../../src/runners/k8s/timeout.ts';
import { clusterError } from '../../src/runners/k8s/cluster.ts';
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

test('loadctl k8s writes both objects, the bundle in the ConfigMap; --apply\'s options need --apply', async () => {
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
    assert.equal(testRun.spec.cleanup, 'post', 'without --apply the operator removes the pods when done');
    assert.ok(testRun.spec.runner.env.some((e: { name: string; value: string }) => e.name === 'LOADCTL_SUMMARY_PATH' && e.value === 'stdout'), 'the summary goes to the pod log');
    const keep = await project.loadctl(['k8s', 'steady', '--parallelism', '3', '--receiver', 'http://10.1.2.3:9091', '--keep']);
    assert.equal(keep.code, 2);
    assert.match(keep.out, /--keep only applies with --apply/);
  } finally {
    project.close();
  }
});

test('summaryFromLog: the summary JSON from a pod log, also with a log line glued after it', () => {
  const summary = '{"root_group":{},"metrics":{"http_reqs":{"type":"counter","values":{"count":3}}}}';
  assert.equal(summaryFromLog(`time="x" level=info msg="start"\n${summary}\n`), summary);
  assert.equal(summaryFromLog(`${summary}time="x" level=error msg="thresholds on metrics 'http_reqs' have been crossed" {"a":1}\n`), summary);
  assert.equal(summaryFromLog('level=info msg="{\\"not\\": 1}"\n{"data":{"metrics":1}}x\n{"no":"metrics"}'), undefined);
  assert.equal(summaryFromLog(''), undefined);
});

test('parseListen: the receiver URL\'s host and port by default; HOST:PORT checked', () => {
  assert.deepEqual(parseListen(undefined, new URL('http://10.0.0.5:9091/api/v1/write')), { host: '10.0.0.5', port: 9091 });
  assert.deepEqual(parseListen(undefined, new URL('https://loadctl.example')), { host: 'loadctl.example', port: 443 });
  assert.deepEqual(parseListen('0.0.0.0:9091', new URL('http://x')), { host: '0.0.0.0', port: 9091 });
  assert.deepEqual(parseListen('[::1]:9091', new URL('http://x')), { host: '::1', port: 9091 });
  assert.match((parseListen('9091', new URL('http://x')) as { error: string }).error, /not HOST:PORT/);
  assert.match((parseListen('host:0', new URL('http://x')) as { error: string }).error, /1\.\.65535/);
  assert.match((parseListen('host:70000', new URL('http://x')) as { error: string }).error, /1\.\.65535/);
  assert.match((parseListen('a b:1', new URL('http://x')) as { error: string }).error, /not HOST:PORT/);
});

test('the wait: the longest scenario (start, run, graceful stop) plus the cluster margin', () => {
  assert.equal(profileSeconds({ scenarios: { a: { executor: 'constant-vus', duration: '4s' } } }), 34);
  assert.equal(profileSeconds({ scenarios: { a: { executor: 'ramping-vus', stages: [{ duration: '1m' }, { duration: '30s' }], gracefulStop: '0s', gracefulRampDown: '10s' } } }), 90, 'k6 ends a ramping-vus at its stages plus gracefulStop; a ramp-down is held within that');
  assert.equal(profileSeconds({ scenarios: { a: { executor: 'shared-iterations', startTime: '10s' }, b: { executor: 'constant-vus', duration: '1s' } } }), 640);
  assert.equal(waitTimeoutMs(undefined), (630 + CLUSTER_MARGIN_S) * 1000, 'no options: k6\'s one iteration, within maxDuration 10m plus gracefulStop');
});

test('clusterError: each refusal one line with its fix, exit 3', () => {
  const server = 'https://k8s:6443';
  const e401 = clusterError({ code: 401, body: '{"message":"Unauthorized"}' }, server, 'creating ConfigMap x');
  assert.equal(e401.exitCode, 3);
  assert.match(e401.message, /refused loadctl's credentials \(401\)/);
  assert.match(clusterError({ code: 403, body: { message: 'no' } }, server, 'creating TestRun x').message, /forbids creating TestRun x \(403: no\)/);
  assert.match(clusterError({ code: 404 }, server, 'listing TestRuns (k6.io/v1alpha1) in namespace d').message, /k6-operator is not installed/);
  assert.match(clusterError({ code: 404, body: '{"message":"namespaces \\"nope\\" not found"}' }, server, 'creating ConfigMap x').message, /404 while creating ConfigMap x: namespaces "nope" not found/);
  assert.match(clusterError(Object.assign(new Error('request failed'), { cause: { code: 'ECONNREFUSED' } }), server, 'x').message, /cannot be reached \(ECONNREFUSED\)/);
  // No socket error: the server answered with something the client could not read; it was reached.
  const answered = clusterError(new Error('Unexpected token < in JSON at position 0'), server, 'x').message;
  assert.match(answered, /answered, but not as a Kubernetes API \(Unexpected token </);
  assert.doesNotMatch(answered, /cannot be reached/);
});

test('resultsFromFeed: an interrupted cluster run judged on what the live feed got', () => {
  const sec = (t: number, requests: number, failures: number) => ({ t, requests, failures, errorRate: requests ? failures / requests : 0, p50: null, p95: null, p99: null });
  const trend = { count: 30, avg: 40, min: null, max: null, percentile: (p: number) => p, source: 'native histograms' as const, relativeError: 0.09, series: 2 };
  const r = resultsFromFeed({ total: [sec(1, 10, 1), sec(2, 20, 1), sec(3, 0, 0)], series: {} }, { merged: (m) => (m === 'http_req_duration' ? trend : undefined) })!;
  assert.equal(r.source, 'live-feed');
  assert.equal(r.http.requests, 30);
  assert.equal(r.http.errorRate, 2 / 30);
  assert.equal(r.http.duration?.p99, 99);
  assert.equal(r.http.duration?.avg, 40);
  assert.equal(resultsFromFeed({ total: [sec(1, 0, 0)], series: {} }, { merged: () => undefined }), undefined, 'nothing arrived: nothing to judge');
});
