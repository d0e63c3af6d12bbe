// Issue 21's hostile-input sweep, High 1-8 and Medium 9-12: one row per
// defect (or per form of it), run with the same checks as the main table
// (table.ts). Each row failed before its fix.
import { after, before } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Row } from './rows.ts';
import { alive } from './harness.ts';
import { hostileTable } from './table.ts';
import { commandSkip, k6Path } from '../kit/parts.ts';
import { postgresSkip, startPostgres, type RealPostgres } from '../helpers/postgres.ts';
import { freePort } from '../../src/runners/local.ts';
import { fakeCluster, type FakeCluster } from '../runners/fake-k8s.ts';

// A FAKE Kubernetes API (no cluster can run here; see fake-k8s.ts) whose pod list has no `items`, with real k6 as its runner pods.
let trimmed: FakeCluster | undefined;
let receiverPort = 0;
const k8sSkip = () => commandSkip('openssl', ['version']) || (k6Path('v2.2.0') ? false : 'real k6 v2.2.0 not built');
before(async () => {
  if (k8sSkip()) return;
  trimmed = await fakeCluster({ k6: k6Path('v2.2.0')!, podListWithoutItems: true });
  receiverPort = await freePort();
});
after(async () => { await trimmed?.close(); });

// A real PostgreSQL with a canary table that no invariant may change.
let pg: RealPostgres | undefined;
const pgSkip = () => postgresSkip();
before(async () => {
  if (pgSkip()) return;
  pg = await startPostgres();
  await pg.sql('CREATE TABLE canary (x int); INSERT INTO canary VALUES (1), (2), (3)');
});
after(async () => { await pg?.stop(); });
const canaryIntact = async () => assert.deepEqual((await pg!.sql('SELECT x FROM canary ORDER BY x')).map((r) => r.x), [1, 2, 3], 'the canary table is untouched');
const sqlProfile = (query: string, expect = '== 0') => `description: sql\nscenario: simple\nexecutor: constant-vus\nvus: 1\nduration: 1s\ndefaultTargets: false\ntargets: ["http_reqs count>=1"]\ninvariants:\n  - name: canary\n    expect: "${expect}"\n    sql:\n      url: \${DATABASE_URL}\n      query: ${JSON.stringify(query)}\n`;
const sqlRow = (item: string, query: string, code: number, line: RegExp, extra: Partial<Row> = {}): Row => ({
  item, needs: ['k6'], skip: pgSkip, timeoutMs: 90_000, files: { 'profiles/canary.yaml': sqlProfile(query) },
  env: (c) => ({ K6_BIN: c.k6, DATABASE_URL: pg!.url }), argv: (c) => ['run', 'canary', '--no-live', '--base-url', c.sandbox!],
  code, line, after: canaryIntact, ...extra,
});

const tinyScenario = `import http from 'k6/http';\nexport default function (): void { http.get(\`\${__ENV.BASE_URL}/health\`); }\n`;
const tinyProfile = 'description: tiny\nscenario: tiny\nexecutor: constant-vus\nvus: 1\nduration: 2s\ndefaultTargets: false\ntargets: ["http_reqs count>=1"]\n';

const runResult = JSON.stringify({ schema: 'loadctl/run-result', version: 1, status: 'passed', profile: { name: 'quick', scenario: 'simple' }, targets: [], thresholds: [], totals: { requests: 10, errorRate: 0 } });
const hung = (c: { hang: number }) => ({ DOCKER_HOST: `tcp://127.0.0.1:${c.hang}` });
const docker = ['run', 'quick', '--dry-run', '--runners', '2', '--placement', 'docker'];
const nothingAt = (...paths: string[]) => (cwd: string) => { for (const p of paths) assert.ok(!existsSync(join(cwd, p)), `${p} was not made`); };

// Real k6 behind a wrapper that, for `k6 run`, leaves a sleep holding k6's stdout and stderr.
const leakyWrapper = { exec: '#!/bin/sh\nif [ "$1" = run ]; then sleep 300 & echo $! > sleep.pid; fi\nexec "$K6_REAL" "$@"\n' };
const sleepPid = (cwd: string) => { try { return Number(readFileSync(join(cwd, 'sleep.pid'), 'utf8')); } catch { return 0; } };
const sleepGone = (cwd: string) => { const pid = sleepPid(cwd); assert.ok(pid > 0, 'the wrapper started its sleep'); assert.equal(alive(pid), false, `the sleep (${pid}) holding k6's pipes is gone`); };
const k6Profile = (duration: string) => `description: w\nscenario: simple\nexecutor: constant-vus\nvus: 1\nduration: ${duration}\ndefaultTargets: false\ntargets: ["http_reqs count>=1"]\n`;

const rows: Row[] = [
  // 3: k6's pipes held open after k6 has exited.
  {
    item: 'H3 k6 exits, a child keeps its pipes: loadctl ends anyway', needs: ['k6'], keepsRuns: true, timeoutMs: 90_000,
    files: { k6wrap: leakyWrapper, 'profiles/w.yaml': k6Profile('1s') },
    env: (c) => ({ K6_REAL: c.k6 }), argv: (c) => ['run', 'w', '--k6', './k6wrap', '--no-live', '--base-url', c.sandbox!],
    code: 0, line: /^PASS: /m, after: sleepGone,
  },
  {
    item: 'H3 ... and SIGTERM during such a run ends it', needs: ['k6'], keepsRuns: true, timeoutMs: 90_000, promptMs: 20_000,
    files: { k6wrap: leakyWrapper, 'profiles/w.yaml': k6Profile('60s') },
    env: (c) => ({ K6_REAL: c.k6 }), argv: (c) => ['run', 'w', '--k6', './k6wrap', '--no-live', '--base-url', c.sandbox!],
    signal: { send: 'SIGTERM', when: (_c, cwd) => () => sleepPid(cwd) > 0 },
    code: 4, line: /SIGTERM/, after: sleepGone,
  },

  // 1: an invariant's SQL reads, once.
  sqlRow('H1 SQL with a second statement that drops the table', 'SELECT 0 AS n; DROP TABLE canary; --', 2, /^loadctl: profiles\/canary\.yaml: invariants\.0\.sql\.query: holds 2 statements; an invariant reads with one/m),
  sqlRow('H1 SQL that deletes', 'DELETE FROM canary RETURNING x', 2, /invariants\.0\.sql\.query: starts with DELETE; an invariant only reads: start it with SELECT or WITH/),
  sqlRow('H1 SQL whose CTE deletes: the read-only transaction refuses it', 'WITH d AS (DELETE FROM canary RETURNING x) SELECT count(*) FROM d', 2, /^loadctl: invariant "canary": the query tried to change data, which an invariant may not \(PostgreSQL: cannot execute \w+ in a read-only transaction\); no load was started/m),
  sqlRow('H1 a ";" inside a string is one statement, and reads', "SELECT count(*) FROM canary WHERE 'a;b' = 'c;d' -- ; DROP TABLE canary", 0, /^invariant HELD canary: 0 == 0/m, { keepsRuns: true }),

  // 4: every variable that stands in for a flag is checked as the flag is.
  { item: 'H4 LOADCTL_PROMETHEUS_RW=garbage', env: () => ({ LOADCTL_PROMETHEUS_RW: 'garbage' }), argv: () => ['run', 'quick', '--dry-run'], code: 2, line: /^loadctl: LOADCTL_PROMETHEUS_RW: not a URL: "garbage"/m },
  { item: 'H4 LOADCTL_PROMETHEUS_RW=ftp://', env: () => ({ LOADCTL_PROMETHEUS_RW: 'ftp://x/write' }), argv: () => ['run', 'quick', '--dry-run'], code: 2, line: /LOADCTL_PROMETHEUS_RW: expected an http:\/\/ or https:\/\/ URL, got "ftp:\/\/x\/write"/ },
  { item: 'H4 LOADCTL_PROMETHEUS_RW with --no-live is said, not ignored', keepsRuns: true, env: () => ({ LOADCTL_PROMETHEUS_RW: 'http://127.0.0.1:9/api/v1/write' }), timeoutMs: 90_000, argv: () => ['run', 'quick', '--dry-run', '--no-typecheck', '--no-live'], code: 0, line: /LOADCTL_PROMETHEUS_RW is set, but --no-live turns the live feed off: nothing is forwarded/ },
  { item: 'H4 LOADCTL_PROMETHEUS=garbage, also under --dry-run', env: () => ({ LOADCTL_PROMETHEUS: 'garbage' }), argv: () => ['run', 'quick', '--dry-run'], code: 2, line: /^loadctl: LOADCTL_PROMETHEUS: not a URL: "garbage"/m },
  { item: 'H4 LOADCTL_STACK_PORT_OFFSET=abc is named as set', env: (c) => ({ ...hung(c), LOADCTL_STACK_PORT_OFFSET: 'abc' }), argv: () => ['stack', 'up'], code: 2, line: /^loadctl: LOADCTL_STACK_PORT_OFFSET abc: must be a whole number/m, not: /--port-offset abc/ },
  { item: 'H4 LOADCTL_STACK_PROJECT bad: gameday', env: (c) => ({ ...hung(c), LOADCTL_STACK_PROJECT: 'Bad Name' }), argv: () => ['gameday', '--yes'], code: 2, line: /^loadctl: LOADCTL_STACK_PROJECT Bad Name: use 1-41/m },
  { item: 'H4 LOADCTL_K6_CACHE below a file', files: { 'file.txt': 'x' }, env: () => ({ LOADCTL_K6_CACHE: 'file.txt/k6' }), argv: () => ['install-k6', 'v2.2.0'], code: 2, line: /^loadctl: LOADCTL_K6_CACHE file\.txt\/k6: cannot write there/m, not: /starting the Go build/ },

  // 5: install-k6 refuses what it cannot build or keep, before building.
  { item: 'H5 install-k6 --cache-dir \'\'', argv: () => ['install-k6', 'v2.2.0', '--cache-dir', ''], code: 2, line: /^loadctl: --cache-dir is empty/m, not: /starting the Go build/, after: nothingAt('v2.2.0') },
  { item: 'H5 install-k6 v0.48.0, below the range', argv: () => ['install-k6', 'v0.48.0', '--cache-dir', 'cache'], code: 2, line: /^loadctl: k6 v0\.48\.0 is outside the versions loadctl runs \(v0\.49\.0 to v2\.x\); nothing was built/m, not: /starting the Go build/, after: nothingAt('cache') },
  { item: 'H5 install-k6 v9.9.9, above it, with a good one first', argv: () => ['install-k6', 'v2.2.0', 'v9.9.9', '--cache-dir', 'cache'], code: 2, line: /k6 v9\.9\.9 is outside the versions loadctl runs[^]*fix: e\.g\. loadctl install-k6 v2\.2\.0/, not: /starting the Go build/, after: nothingAt('cache') },

  // 6: a damaged run folder is exit 2 with its name.
  { item: 'H6 report: result.json a symlink loop', files: { 'runs/loop/result.json': { symlink: 'result.json' } }, argv: () => ['report', 'runs/loop'], code: 2, line: /^loadctl: run folder damaged: runs\/loop\/result\.json is a symbolic link loop/m },
  { item: 'H6 report: result.json a directory', files: { 'runs/dir/result.json': { dir: true }, 'runs/ok/result.json': runResult }, argv: () => ['report', 'runs/ok', 'runs/dir'], code: 2, line: /^loadctl: run folder damaged: runs\/dir\/result\.json is a directory, not a file/m },
  { item: 'H6 report --html: timeline.json a directory, nothing written', files: { 'runs/t/result.json': runResult, 'runs/t/timeline.json': { dir: true } }, argv: () => ['report', '--html', 'runs/t'], code: 2, line: /run folder damaged: runs\/t\/timeline\.json is a directory/, after: nothingAt('runs/t/report.html') },

  // 7: a reply of the wrong shape from the Kubernetes API.
  {
    item: 'H7 k8s --apply: a pod list without items', needs: ['k6'], skip: k8sSkip, keepsRuns: true, timeoutMs: 120_000,
    files: { 'scenarios/tiny.ts': tinyScenario, 'profiles/tiny.yaml': tinyProfile },
    env: () => ({ KUBECONFIG: trimmed!.kubeconfig() }),
    argv: (c) => ['k8s', 'tiny', '--parallelism', '2', '--receiver', `http://127.0.0.1:${receiverPort}`, '--base-url', c.sandbox!, '--apply'],
    code: 3, line: /^loadctl: the Kubernetes API at https:\/\/127\.0\.0\.1:\d+ answered listing the runner pods of loadctl-tiny-\S+ with no pod list \(no "items" in the reply\)/m,
    after: () => assert.deepEqual(trimmed!.objects(), [], 'the ConfigMap and TestRun it made are deleted'),
  },

  // 2: a check name that the scenario never defines would read 0, and "== 0" would hold.
  sqlRow('H2 expect names an unknown k6 check', 'SELECT 0 AS n', 2, /^loadctl: invariant "canary": expect names k6 check "no_such_check", which the scenario never defines \(its checks: login 200, login returns a token, .*confirm 200/m,
    { files: { 'profiles/canary.yaml': sqlProfile('SELECT 0 AS n', '== k6.checks.no_such_check') }, not: /PASS/ }),
  sqlRow('H2 ... a known one is judged', 'SELECT 0 AS n', 0, /^invariant HELD canary: 0 <= \d+/m,
    { files: { 'profiles/canary.yaml': sqlProfile('SELECT 0 AS n', '<= k6.checks.login 200') }, keepsRuns: true }),

  // 8: k6 flags that the runners set themselves.
  { item: 'H8 --runners 2 -- --execution-segment', argv: () => ['run', 'quick', '--dry-run', '--runners', '2', '--', '--execution-segment', '0:1/2'], code: 2, line: /^loadctl: k6 flag --execution-segment after `--` would override what --runners 2 sets on each runner/m },
  { item: 'H8 --runners 2 -- --address', argv: () => ['run', 'quick', '--dry-run', '--runners', '2', '--', '--address', '127.0.0.1:6565'], code: 2, line: /k6 flag --address after `--` would override/ },
  { item: 'H8 --runners 2 -- -a=... and --tag runner=', argv: () => ['run', 'quick', '--dry-run', '--runners', '3', '--', '--tag', 'runner=7', '-a=:1'], code: 2, line: /k6 flag --tag runner=7 after `--`/ },
  { item: 'H8 --runners 2 -- --linger', argv: () => ['run', 'quick', '--dry-run', '--runners', '2', '--', '--linger'], code: 2, line: /k6 flag --linger after/ },
  { item: 'H8 k8s --parallelism 2 -- --execution-segment-sequence=', argv: () => ['k8s', 'quick', '--parallelism', '2', '--receiver', 'http://10.0.0.5:9091', '--', '--execution-segment-sequence=0,1'], code: 2, line: /k6 flag --execution-segment-sequence=0,1 after `--` would override what --parallelism 2 sets/ },
  { item: 'H8 other k6 flags still pass with --runners', keepsRuns: true, timeoutMs: 90_000, argv: () => ['run', 'quick', '--dry-run', '--no-typecheck', '--runners', '2', '--', '--tag', 'team=a', '--http-debug'], code: 0, line: /--tag team=a --http-debug/ },

  // 9: runners in containers cannot reach this machine's loopback.
  { item: 'M9 --placement docker with a loopback --base-url', argv: () => [...docker, '--base-url', 'http://127.0.0.1:8080'], code: 2, line: /^loadctl: BASE_URL http:\/\/127\.0\.0\.1:8080 is this machine's loopback, which runners in containers \(--placement docker\) cannot reach[^]*fix: .*--receiver-host.*host-gateway/m },
  { item: 'M9 ... and the default localhost BASE_URL', argv: () => docker, code: 2, line: /BASE_URL http:\/\/localhost:8080 is this machine's loopback/ },
  { item: 'M9 ... a routable one is taken', keepsRuns: true, timeoutMs: 90_000, argv: () => [...docker, '--no-typecheck', '--base-url', 'http://172.17.0.1:8080'], code: 0, line: /with --runners 2, 2 such k6 \(a container/ },

  // 10: a split run whose merged thresholds were crossed.
  {
    item: 'M10 runners over a crossed threshold: no "all thresholds held" above it', needs: ['k6'], keepsRuns: true, timeoutMs: 120_000,
    files: { 'profiles/crossed.yaml': 'description: c\nscenario: simple\nexecutor: constant-vus\nvus: 2\nduration: 2s\ndefaultTargets: false\nthresholds:\n  http_reqs: ["count>100000000"]\n' },
    env: (c) => ({ K6_BIN: c.k6 }), argv: (c) => ['run', 'crossed', '--runners', '2', '--base-url', c.sandbox!],
    code: 1, line: /2 k6 runners exited \d+, \d+ \(each judged its own slice; the verdict below is on the merged data\)[^]*k6 thresholds? failed/, not: /all thresholds held/,
  },

  // 11: a calibration where every request failed measures nothing.
  {
    item: 'M11 --plan --calibrate against a closed port', needs: ['k6'], keepsRuns: true, timeoutMs: 120_000,
    env: (c) => ({ K6_BIN: c.k6 }), argv: () => ['run', 'quick', '--plan', '--calibrate', '5', '--base-url', 'http://127.0.0.1:1'],
    code: 3, line: /^loadctl: calibration refused: (all \d+ requests failed|k6 sent no request) at 1 VUs against http:\/\/127\.0\.0\.1:1/m, not: /MB\/VU|MB per VU/,
  },

  // 12: --docker-host weights and addresses without a scheme.
  { item: 'M12 --docker-host unix:///x.sock=-1', argv: () => [...docker, '--docker-host', 'unix:///x.sock=-1'], code: 2, line: /--docker-host "unix:\/\/\/x\.sock=-1": weight "-1" is not a whole number from 1 to 100/ },
  { item: 'M12 --docker-host unix:///x.sock=abc', argv: () => [...docker, '--docker-host', 'unix:///x.sock=abc'], code: 2, line: /weight "abc" is not a whole number/ },
  { item: 'M12 --docker-host bogus: no look-up', argv: () => [...docker, '--docker-host', 'bogus'], code: 2, line: /^loadctl: --docker-host "bogus" is not an engine address: it has no scheme \(unix:\/\/, tcp:\/\//m, not: /ENOTFOUND|EAI_AGAIN/ },
  { item: 'M12 DOCKER_HOST=garbage: chaos', env: () => ({ DOCKER_HOST: 'garbage' }), argv: () => ['chaos', 'redis-failure', '--dry-run'], code: 2, line: /^loadctl: DOCKER_HOST "garbage" is not an engine address/m, not: /no Docker engine answers/ },
  { item: 'M12 DOCKER_HOST=garbage: doctor', env: () => ({ DOCKER_HOST: 'garbage' }), argv: () => ['doctor', '--no-target'], code: 2, line: /DOCKER_HOST "garbage" is not an engine address/ },
];

hostileTable('issue 21 sweep, High 1-8 and Medium 9-12: one line, the documented exit code, nothing left behind', rows);
