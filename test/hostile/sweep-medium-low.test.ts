// Issue 21's hostile-input sweep, Medium 13-19 and the Low list: one row per
// defect, each run by table.ts with the checks every row gets (exit code,
// one line, no stack trace, no run folder left). Every row here failed
// before its fix. Servers a row needs are started once below; the
// "misbehaving Prometheus" is an HTTP server of this file's own serving the
// bodies a broken or hostile Prometheus could send (the real Prometheus 2.42
// is used by test/prometheus/).
import { before, after } from 'node:test';
import assert from 'node:assert/strict';
import { hostileTable } from './table.ts';
import type { Row } from './rows.ts';
import { sweepServers, type SweepServers } from './sweep-servers.ts';
import { commandSkip } from '../kit/parts.ts';
import { postgresSkip, startPostgres, type RealPostgres } from '../helpers/postgres.ts';
import { startPrometheus, type RealPrometheus } from '../prometheus/harness.ts';

let s: SweepServers;
const promSkip = commandSkip('/usr/bin/prometheus');
const pgSkip = postgresSkip();
let prom: RealPrometheus | undefined;
let pg: RealPostgres | undefined;
before(async () => {
  s = await sweepServers();
  if (!promSkip) prom = await startPrometheus([]);
  if (!pgSkip) pg = await startPostgres();
});
after(async () => {
  await s.close();
  await prom?.stop();
  await pg?.stop();
});

const k8s = (...extra: string[]) => ['k8s', 'quick', '--parallelism', '2', ...extra];
const kubeconfig = (contexts: string, current = '') => `apiVersion: v1\nkind: Config\nclusters:\n- name: c\n  cluster: {server: "https://10.0.0.1:6443"}\ncontexts: ${contexts}\nusers:\n- name: u\n  user: {}\n${current}`;

const medium13: Row[] = [
  { item: 'M13 an empty kubeconfig', files: { kc: '' }, env: () => ({ KUBECONFIG: 'kc' }), argv: () => k8s('--receiver', 'http://10.0.0.5:9091', '--apply'), code: 3, line: /^loadctl: the kubeconfig kc is empty \(KUBECONFIG\)$/m, not: /reading 'clusters'/ },
  { item: 'M13 a kubeconfig with no contexts', files: { kc: kubeconfig('[]') }, env: () => ({ KUBECONFIG: 'kc' }), argv: () => k8s('--receiver', 'http://10.0.0.5:9091', '--apply'), code: 3, line: /^loadctl: the kubeconfig kc \(KUBECONFIG\) has no contexts$/m, not: /KUBECONFIG is unset/ },
  { item: 'M13 a kubeconfig with no current context', files: { kc: kubeconfig('\n- name: x\n  context: {cluster: c, user: u}') }, env: () => ({ KUBECONFIG: 'kc' }), argv: () => k8s('--receiver', 'http://10.0.0.5:9091', '--apply'), code: 3, line: /has no usable current context \(none is set; contexts: x\)\n  fix: kubectl config use-context x/, not: /KUBECONFIG is unset/ },
  { item: 'M13 --receiver with a path', argv: () => k8s('--receiver', 'http://10.0.0.5:9091/push'), code: 2, line: /--receiver "http:\/\/10\.0\.0\.5:9091\/push" names the path \/push, but loadctl's receiver answers only at \/api\/v1\/write/ },
  { item: 'M13 --receiver with a query', argv: () => k8s('--receiver', 'http://10.0.0.5:9091/?tenant=a'), code: 2, line: /--receiver "http:\/\/10\.0\.0\.5:9091\/\?tenant=a" has a query or fragment/ },
];

const k6 = (c: { k6?: string }) => ({ K6_BIN: c.k6 });
const prometheus = (mode: string) => `${s.url}/prom/${mode}`;
/** A run that gets as far as the gates' and invariants' check before the load (nothing is served at :8080). */
const runQuick = (...extra: string[]) => ['run', 'quick', '--no-preflight', '--no-live', ...extra];
const promRow = (mode: string, line: RegExp): Row => ({
  item: `M14 a Prometheus answering ${mode}`, needs: ['k6'], env: k6, argv: () => runQuick('--prometheus', prometheus(mode)), code: 3,
  line, not: /^loadctl: (boom|not_found|HTTP \d+|.*operation was aborted)/m,
});
const at = (mode: string) => `Prometheus at http://127\\.0\\.0\\.1:\\d+/prom/${mode} \\(/api/v1/query\\)`;

const medium14: Row[] = [
  promRow('error', new RegExp(`^loadctl: ${at('error')} answered HTTP 422 with an error \\(execution: "boom from fake"\\); no load was started`, 'm')),
  promRow('null', new RegExp(`${at('null')} answered HTTP 200 with null, not a Prometheus API reply`)),
  promRow('array', new RegExp(`${at('array')} answered HTTP 200 with \\[\\], not a Prometheus API reply`)),
  promRow('empty', new RegExp(`${at('empty')} answered HTTP 200 with no "status": "success"`)),
  promRow('notfound', new RegExp(`${at('notfound')} answered HTTP 404 with a body that is not JSON \\("404 page not found"\\): is this Prometheus' base URL\\?`)),
  { ...promRow('drip', new RegExp(`${at('drip')} answered HTTP 200, but its reply did not finish within 10 s`)), timeoutMs: 40_000 },
  promRow('badtype', new RegExp(`${at('badtype')} sent a malformed reply: resultType "banana" is not matrix, vector or scalar`)),
  promRow('datanull', new RegExp(`${at('datanull')} sent a malformed reply: "data" is null, not an object`)),
  promRow('oddvalues', new RegExp(`${at('oddvalues')} sent a malformed reply: series 0 has the sample \\[\\d+\\.\\d+,"lots"\\], not \\[time, "number"\\]`)),
  {
    // Up and caught up, but every range query has the wrong shape: the default gates must error (exit 3), not skip to a PASS.
    item: 'M14 a malformed range reply is a gate error, never SKIPPED + PASS', needs: ['k6', 'sandbox'], keepsRuns: true, timeoutMs: 90_000,
    files: { 'profiles/tiny.yaml': 'description: tiny\nscenario: simple\nexecutor: constant-vus\nvus: 1\nduration: 1s\ndefaultTargets: false\ntargets: ["http_reqs count>=1"]\nprometheus: { settle: 1s }\n' },
    env: k6, argv: (c) => ['run', 'tiny', '--no-live', '--base-url', c.sandbox!, '--prometheus', prometheus('rangebad')], code: 3,
    line: /Prometheus gate "lock failures <= 10\/min" errored: .*\(\/api\/v1\/query_range\) sent a malformed reply: resultType "banana"/, not: /SKIPPED|^PASS/m,
  },
];

const medium15: Row[] = [
  promRow('declared-huge', new RegExp(`${at('declared-huge')} answered HTTP 200, but its reply is 300 MB, over loadctl's ceiling of 64 MB`)),
  {
    ...promRow('endless', new RegExp(`${at('endless')} answered HTTP 200, but its reply passed loadctl's ceiling of 64 MB \\(stopped reading\\)`)),
    after: () => assert.ok(s.sentBytes('prom-endless') < 200 * 1024 * 1024, `loadctl stopped reading (the server sent ${s.sentBytes('prom-endless')} bytes)`),
  },
  {
    item: 'M15 an HTTP invariant with an endless body', needs: ['k6'], env: (c) => ({ ...k6(c), SWEEP: s.url }),
    files: { 'profiles/inv.yaml': 'description: inv\nscenario: simple\nexecutor: constant-vus\nvus: 1\nduration: 1s\ninvariants: [{ name: endless, http: { url: "${SWEEP}/http/endless" } }]\n' },
    argv: () => runQuick().map((a) => (a === 'quick' ? 'inv' : a)), code: 3,
    line: /invariant "endless" could not be checked before the load: GET http:\/\/127\.0\.0\.1:\d+\/http\/endless answered 200, but its reply passed loadctl's ceiling of 8 MB/,
    after: () => assert.ok(s.sentBytes('http-endless') < 100 * 1024 * 1024, `loadctl stopped reading (the server sent ${s.sentBytes('http-endless')} bytes)`),
  },
];

const profile = (body: string) => `description: x\nscenario: simple\nexecutor: constant-vus\nvus: 1\nduration: 1s\n${body}\n`;
const medium16: Row[] = [
  { item: 'M16 phases: [warmup] names the field', files: { 'profiles/p.yaml': profile('prometheus: { gates: [{ expr: "up > 0", phases: [warmup] }] }') }, argv: () => ['run', 'p', '--dry-run'], code: 2, line: /profiles\/p\.yaml: prometheus\.gates\.0\.phases\.0: .*expected one of "run"\|"steady"/, not: /Invalid input$/m },
  { item: 'M16 abortOnFail: "yes" names the field', files: { 'profiles/p.yaml': profile('prometheus: { gates: [{ expr: "up > 0", abortOnFail: "yes" }] }') }, argv: () => ['run', 'p', '--dry-run'], code: 2, line: /prometheus\.gates\.0\.abortOnFail: expected boolean, received string/ },
  { item: 'M16 a gate written as a number', files: { 'profiles/p.yaml': profile('prometheus: { gates: [5] }') }, argv: () => ['run', 'p', '--dry-run'], code: 2, line: /prometheus\.gates\.0: expected a string or a mapping \(key: value\), got a number/ },
  { item: 'M16 an invariant written as a number', files: { 'profiles/p.yaml': profile('invariants: [5]') }, argv: () => ['run', 'p', '--dry-run'], code: 2, line: /invariants\.0: expected a string or a mapping \(key: value\), got a number/ },
  { item: 'M16 ... in an experiment too', files: { 'chaos/e.yaml': 'name: e\ndescription: e\ntargets: { r: { container: r } }\nsteadyState: { probes: [] }\nsteps: [{ target: r, fault: { kind: pause }, duration: 1s }]\nprometheus: { gates: [{ expr: "up > 0", phases: [warmup] }] }\n' }, argv: () => ['chaos', 'e', '--dry-run'], code: 2, line: /chaos\/e\.yaml: prometheus\.gates\.0\.phases\.0: .*expected one of/ },
];

const inv = (body: string) => ({ 'profiles/inv.yaml': profile(`invariants: [${body}]`) });
const runInv = () => ['run', 'inv', '--no-preflight', '--no-live'];
const medium17: Row[] = [
  {
    item: 'M17 malformed PromQL in an invariant (real Prometheus)', needs: ['k6'], skip: () => promSkip, env: (c) => ({ ...k6(c), PROM: prom?.url }),
    files: inv('{ name: bad promql, promql: { query: "sum(rate(x[1m]", url: "${PROM}" } }'), argv: runInv, code: 2,
    line: /^loadctl: invariant "bad promql": Prometheus at .* answered HTTP 400 with an error \(bad_data: .*\): the query does not parse; no load was started\n  fix: fix the query/m, not: /start that service/,
  },
  {
    item: 'M17 malformed SQL in an invariant (real PostgreSQL)', needs: ['k6'], skip: () => pgSkip, env: (c) => ({ ...k6(c), PG: pg?.url }),
    files: inv('{ name: bad sql, sql: { url: "${PG}", query: "SELECT count(* FROM nowhere" } }'), argv: runInv, code: 2,
    line: /^loadctl: invariant "bad sql": PostgreSQL refused the query: syntax error at or near "FROM"; no load was started\n  fix: fix the query/m, not: /start that service/,
  },
  {
    item: 'M17 an HTTP invariant whose path holds a string', needs: ['k6'], env: (c) => ({ ...k6(c), SWEEP: s.url }),
    files: inv('{ name: stuck, http: { url: "${SWEEP}/http/string", path: stuck.count } }'), argv: runInv, code: 2,
    line: /^loadctl: invariant "stuck": the JSON at "stuck\.count" is "many", not an array, number or boolean; no load was started\n  fix: fix the path/m,
  },
  {
    item: 'M17 redis.url: not-a-url, before any look-up', needs: ['k6'], env: k6, files: inv('{ name: locks, redis: { url: not-a-url, keys: "x*" } }'), argv: runInv, code: 2,
    line: /^loadctl: invariant "locks": redis\.url: not a URL: "not-a-url" \(e\.g\. redis:\/\/127\.0\.0\.1:6379\)$/m, not: /ENOTFOUND|EAI_AGAIN|start that service/,
  },
  {
    item: 'M17 DATABASE_URL=garbage, named', needs: ['k6'], env: (c) => ({ ...k6(c), DATABASE_URL: 'garbage' }), argv: () => runQuick('--invariant', 'no-double-sale'), code: 2,
    line: /^loadctl: invariant "no seat sold twice": sql\.url \(DATABASE_URL from the environment\): not a URL: "garbage"/m, not: /ENOTFOUND|EAI_AGAIN|start that service/,
  },
];

const result99 = JSON.stringify({ schema: 'loadctl/run-result', version: 99, status: 'passed', profile: { name: 'quick', scenario: 'simple' }, targets: [], thresholds: [], totals: { requests: 10, errorRate: 0 } });
const medium18_19: Row[] = [
  { item: 'M18 report on a result.json of version 99', files: { 'runs/new/result.json': result99 }, argv: () => ['report', 'runs/new'], code: 2, line: /^loadctl: runs\/new\/result\.json is version 99 of its schema; this loadctl reads version 1$/m, not: /PASS/ },
  {
    // Nothing listens at 8080 + 51000: the users are tried where the offset puts the stack, and that is exit 3 with a fix.
    item: 'M19 gameday --no-up --port-offset uses the offset', needs: ['k6'], env: (c) => ({ ...k6(c), DOCKER_HOST: 'unix:///nonexistent/docker.sock' }),
    argv: () => ['gameday', '--yes', '--no-up', '--port-offset', '51000', '--vus', '1'], code: 3, timeoutMs: 60_000,
    line: /test users could not be created at http:\/\/127\.0\.0\.1:59080 \(ECONNREFUSED[^)]*\)\n  fix: start the system first \(loadctl stack up, with the same --port-offset\)/, not: /:8080/,
  },
];

const low: Row[] = [
  { item: 'L report on a k8s manifests folder', files: { 'runs/k8s/k8s.yaml': 'kind: TestRun\n', 'runs/k8s/k6-command.txt': 'k6 run script.js\n' }, argv: () => ['report', 'runs/k8s'], code: 2, line: /runs\/k8s holds k8s manifests \(the TestRun runs in the cluster\)/, not: /dry run/ },
  { item: 'L k8s --image empty names --image', argv: () => k8s('--receiver', 'http://10.0.0.5:9091', '--image', ''), code: 2, line: /^loadctl: --image is empty: it must name an image/m, not: /namespace|profile name/ },
  { item: 'L k8s --image not a reference', argv: () => k8s('--receiver', 'http://10.0.0.5:9091', '--image', 'Grafana K6!'), code: 2, line: /^loadctl: --image "Grafana K6!" is not an image reference/m },
  { item: 'L k8s --receiver password is not printed', keepsRuns: true, timeoutMs: 90_000, argv: () => k8s('--receiver', 'http://u:hunter2@10.0.0.5:9091'), code: 0, line: /live feed to http:\/\/u:\*\*\*@10\.0\.0\.5:9091\/api\/v1\/write/, not: /hunter2/ },
  { item: 'L k8s loopback --receiver is flagged', keepsRuns: true, timeoutMs: 90_000, argv: () => k8s('--receiver', 'http://127.0.0.1:9091'), code: 0, line: /^warning: --receiver http:\/\/127\.0\.0\.1:9091\/ is a loopback address: a pod reaches its own loopback/m },
  { item: 'L k8s --receiver port 99999 says the port', argv: () => k8s('--receiver', 'http://10.0.0.5:99999'), code: 2, line: /--receiver: port 99999 in "http:\/\/10\.0\.0\.5:99999" is out of range/, not: /not an http\(s\) URL/ },
  { item: 'L prometheus.step: 0s', files: { 'profiles/p.yaml': profile('prometheus: { step: 0s }') }, argv: () => ['run', 'p', '--dry-run'], code: 2, line: /prometheus\.step: expected a step above 0/ },
  { item: 'L duplicate gate names', files: { 'profiles/p.yaml': profile('prometheus: { gates: [{ name: q, expr: "up > 0" }, { name: q, expr: "up < 2" }] }') }, argv: () => ['run', 'p', '--dry-run'], code: 2, line: /prometheus\.gates\.1\.name: the gate name "q" is already used by gates\.0/ },
  { item: 'L a gate named like a default gate', files: { 'profiles/p.yaml': profile('prometheus: { gates: [{ name: "booking queue <= 1000", expr: "up > 0" }] }') }, argv: () => ['run', 'p', '--dry-run'], code: 2, line: /the gate name "booking queue <= 1000" is already used by a default gate/ },
  { item: 'L a 200,000-character name is cut in the message', files: { 'profiles/p.yaml': profile('').replace('scenario: simple', `scenario: ${'s'.repeat(200_000)}`) }, argv: () => ['run', 'p', '--dry-run'], code: 2, line: /unknown scenario "s{80}…\(200,000 characters\)"; known scenarios: /, after: (_cwd, r) => assert.ok(r.stdout.length + r.stderr.length < 2000, `${r.stdout.length + r.stderr.length} characters printed`) },
  { item: 'L --runner-memory 1KB gives the range', argv: () => ['run', 'quick', '--plan', '--runner-memory', '1KB'], code: 2, line: /--runner-memory "1KB" is not a memory size from 64MB up, in MB or GB/ },
  { item: 'L k8s --memory 1KB gives the range', argv: () => k8s('--receiver', 'http://10.0.0.5:9091', '--memory', '1KB'), code: 2, line: /--memory "1KB" is not a memory size from 64MB up/ },
  { item: 'L stack up --break , is not "no break"', env: (c) => ({ DOCKER_HOST: `tcp://127.0.0.1:${c.hang}` }), argv: () => ['stack', 'up', '--break', ','], code: 2, line: /^loadctl: --break: "," has an empty entry \(known: double-sell/m, after: (_cwd, _r, c) => assert.equal(c.hangConnections(), 0, 'the engine was never asked') },
  { item: 'L gameday --hold 0s names --hold', needs: ['k6'], env: (c) => ({ ...k6(c), DOCKER_HOST: `tcp://127.0.0.1:${c.hang}` }), argv: () => ['gameday', '--yes', '--hold', '0s'], code: 2, line: /^loadctl: --hold 0s: a fault must hold for more than 0s\n  fix: write e\.g\. --hold 30s/m, not: /--duration/ },
  { item: 'L a runner engine\'s TLS problem keeps its certificate fix', env: () => ({ DOCKER_CERT_PATH: '/nonexistent-certs' }), argv: () => ['run', 'quick', '--dry-run', '--runners', '2', '--placement', 'docker', '--docker-host', 'tcp://127.0.0.1:2376', '--receiver-host', '127.0.0.1'], code: 2, line: /^loadctl: --docker-host "tcp:\/\/127\.0\.0\.1:2376" uses TLS, but \/nonexistent-certs\/ca\.pem cannot be read \(ENOENT\)\n  fix: point DOCKER_CERT_PATH/m },
  { item: 'L --runner-image checked', argv: () => ['run', 'quick', '--dry-run', '--runners', '2', '--placement', 'docker', '--runner-image', 'Bad Image'], code: 2, line: /^loadctl: --runner-image "Bad Image" is not an image reference/m },
  { item: 'L chaos --tc-image checked', env: (c) => ({ DOCKER_HOST: `tcp://127.0.0.1:${c.hang}` }), argv: () => ['chaos', 'redis-failure', '--dry-run', '--tc-image', 'x::y'], code: 2, line: /^loadctl: --tc-image "x::y" is not an image reference/m, after: (_cwd, _r, c) => assert.equal(c.hangConnections(), 0, 'the engine was never asked') },
  { item: 'L stack --redis-image checked', env: (c) => ({ DOCKER_HOST: `tcp://127.0.0.1:${c.hang}` }), argv: () => ['stack', 'up', '--redis-image', ''], code: 2, line: /^loadctl: --redis-image is empty: it must name an image/m },
  { item: 'L gameday --node-image checked', env: (c) => ({ DOCKER_HOST: `tcp://127.0.0.1:${c.hang}` }), argv: () => ['gameday', '--yes', '--node-image', 'node:'], code: 2, line: /^loadctl: --node-image "node:" is not an image reference/m },
  { item: 'L binary output from a non-k6 --k6 is not quoted', files: { 'notk6': { exec: '#!/bin/sh\nprintf "\\000\\001garbage\\377 junk"\n' } }, argv: () => ['run', 'quick', '--k6', './notk6'], code: 3, line: /version` did not report a k6 version \(it printed \d+ bytes that are not text, so it is not k6\)/, not: /garbage|\\x00/ },
  { item: 'L no Node deprecation warning for an ssh:// engine', env: () => ({ DOCKER_HOST: 'ssh://nobody@127.0.0.1:1' }), argv: () => ['chaos', 'redis-failure', '--dry-run'], code: 3, line: /^loadctl: no Docker engine answers at ssh:\/\/nobody@127\.0\.0\.1:1/m, not: /DeprecationWarning|trace-deprecation/ },
  { item: 'L a runner engine from DOCKER_HOST that does not answer: the fix does not name --docker-host alone', needs: ['k6'], env: (c) => ({ ...k6(c), DOCKER_HOST: 'unix:///nonexistent/docker.sock' }), argv: () => ['run', 'quick', '--no-preflight', '--runners', '2', '--placement', 'docker', '--base-url', 'http://172.17.0.1:8080'], code: 3, timeoutMs: 60_000, line: /did not answer: connect ENOENT \/nonexistent\/docker\.sock\n  fix: start that engine, or point --docker-host \(or DOCKER_HOST/, not: /leave --docker-host/ },
  { item: 'L a redirect loop from Prometheus is named', needs: ['k6'], env: k6, argv: () => runQuick('--prometheus', prometheus('redirect')), code: 3, line: /Prometheus at .*\/prom\/redirect \(\/api\/v1\/query\) answered, but it redirects in a loop/, not: /fetch failed/ },
  {
    item: 'L a redirect loop from an HTTP invariant is named', needs: ['k6'], env: (c) => ({ ...k6(c), SWEEP: s.url }),
    files: inv('{ name: loop, http: { url: "${SWEEP}/http/redirect" } }'), argv: runInv, code: 3, line: /GET http:\/\/127\.0\.0\.1:\d+\/http\/redirect failed \(it redirects in a loop/, not: /fetch failed/,
  },
];

hostileTable('issue 21 sweep, Medium 13-19 and Low: one line, the documented exit code, nothing left behind', [...medium13, ...medium14, ...medium15, ...medium16, ...medium17, ...medium18_19, ...low]);
