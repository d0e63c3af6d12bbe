// The hostile-inputs table: one row per bad input, broken environment or
// badly timed signal (issue 9's numbers in `item`). A new option joins with
// a row: argv, env, files, the exit code and the one line it must print.
// Every row also gets the common checks in inputs.test.ts: no stack trace,
// no "unexpected error", no run folder left unless the row says so, and an
// exit within its time limit (a hang is a failure, not a stuck suite).
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import assert from 'node:assert/strict';
import { alive, type FileSpec, type Ran } from './harness.ts';

export interface Ctx {
  /** Port of a TCP server that accepts and never answers. */
  hang: number;
  /** Connections it has accepted so far. */
  hangConnections(): number;
  /** Port of an HTTP server on a port fetch refuses. */
  blocked: number;
  /** Real k6 v2.2.0, when built here. */
  k6?: string;
  /** A read-only mount holding run/result.json, when this machine can mount. */
  ro?: string;
  /** The real sandbox, for the one row that runs k6 to a pass. */
  sandbox?: string;
}

export interface Row {
  item: string;
  argv: (c: Ctx) => string[];
  env?: (c: Ctx) => Record<string, string | undefined>;
  files?: Record<string, FileSpec>;
  code: number;
  line: RegExp;
  not?: RegExp;
  /** When to send it: output matching, or a condition built per run (polled). */
  signal?: { send: NodeJS.Signals; when: RegExp | ((c: Ctx, cwd: string) => () => boolean) };
  /** The signal must end the process within this long (default 2.5 s). */
  promptMs?: number;
  needs?: Array<'k6' | 'ro' | 'sandbox'>;
  /** Only raises the table's 90 s hang ceiling (table.ts), for rows that run real load longer. */
  timeoutMs?: number;
  keepsRuns?: boolean;
  /** A reason to skip this row here (a part it needs is missing), or false. */
  skip?: () => string | false;
  after?: (cwd: string, r: Ran, c: Ctx) => void | Promise<void>;
}

const ESC = '\u001b';
const bomb = ['a: &a ["x","x","x","x","x","x","x","x","x"]',
  ...'bcdefghi'.split('').map((k, i) => `${k}: &${k} [${Array(9).fill(`*${'abcdefgh'[i]}`).join(',')}]`)].join('\n');
const profile = (body: string) => `description: hostile\nscenario: simple\n${body}\n`;
const constant = (extra = '') => profile(`executor: constant-vus\nvus: 1\nduration: 1s\n${extra}`);
const runResult = JSON.stringify({ schema: 'loadctl/run-result', version: 1, status: 'passed', profile: { name: 'quick', scenario: 'simple' }, targets: [], thresholds: [], totals: { requests: 10, errorRate: 0 } });
const chaosResult = JSON.stringify({
  schema: 'loadctl/chaos-result', version: 1, experiment: { name: 'redis-failure' }, status: 'passed', verdict: 'PASS',
  targets: [{ ref: 'redis', containers: [{ id: 'abc', name: 'redis' }] }], recovery: { targetMs: 30000, measuredMs: 1200, met: true },
});
const reportFiles: Record<string, FileSpec> = {
  'runs/good/result.json': runResult,
  'runs/hello/result.json': '{"hello":1}',
  'runs/array/result.json': '[1,2]',
  'runs/null/result.json': 'null',
  'runs/chaos/result.json': chaosResult,
  'runs/dry/k6-command.txt': 'k6 run script.js\n',
  'runs/dry/profile.json': '{"name":"quick"}',
};
const manyRuns: Record<string, FileSpec> = Object.fromEntries(Array.from({ length: 400 }, (_, i) => [`runs/r${i}/result.json`, runResult]));
const pidsWritten = (cwd: string) => { try { return readFileSync(join(cwd, 'pids'), 'utf8').trim().split('\n').length === 2; } catch { return false; } };
const hangingK6 = { exec: '#!/bin/sh\necho $$ > pids\nsleep 300 &\necho $! >> pids\nwait\n' };
const k6 = (c: Ctx) => ({ K6_BIN: c.k6 });
/** Once loadctl has connected to the hung server: it is waiting on it now. */
const connectedToHang = (c: Ctx) => { const before = c.hangConnections(); return () => c.hangConnections() > before; };
const noHtml = (dir: string) => (cwd: string) => assert.ok(!existsSync(join(cwd, dir, 'report.html')), `nothing written into ${dir}`);

export const rows: Row[] = [
  // Files and YAML
  { item: '1 alias bomb: run', files: { 'profiles/bomb.yaml': bomb }, argv: () => ['run', 'bomb', '--dry-run'], code: 2, line: /^loadctl: profiles\/bomb\.yaml: YAML aliases expand beyond 100/m },
  { item: '1 alias bomb: chaos', files: { 'chaos/bomb.yaml': bomb }, argv: () => ['chaos', 'bomb', '--dry-run'], code: 2, line: /chaos\/bomb\.yaml: YAML aliases expand beyond 100/ },
  { item: '1 alias bomb: list marks it and shows the rest', files: { 'profiles/bomb.yaml': bomb, 'chaos/bomb.yaml': bomb }, argv: () => ['list'], code: 0, line: /bomb +\(invalid.*\n[^]*quick +One-minute[^]*bomb +\(invalid file/ },
  { item: '1 alias bomb: list --json', files: { 'profiles/bomb.yaml': bomb }, argv: () => ['list', '--json'], code: 0, line: /"name": "bomb",\n\s+"description": "\(invalid/ },
  { item: '2 a profile that is a directory', files: { 'profiles/d.yaml': { dir: true } }, argv: () => ['run', 'd', '--dry-run'], code: 2, line: /^loadctl: profiles\/d\.yaml: is a directory, not a YAML file$/m },
  { item: '2 a profile that is a symlink loop', files: { 'profiles/loop.yaml': { symlink: 'loop.yaml' } }, argv: () => ['run', 'loop', '--dry-run'], code: 2, line: /profiles\/loop\.yaml: is a symbolic link loop/ },
  { item: '2 list survives both', files: { 'profiles/d.yaml': { dir: true }, 'profiles/loop.yaml': { symlink: 'loop.yaml' }, 'chaos/d.yaml': { dir: true } }, argv: () => ['list'], code: 0, line: /d +\(invalid[^]*loop +\(invalid[^]*quick/ },
  { item: '3 run --junit at a directory', needs: ['k6'], env: k6, files: { 'reports/': { dir: true } }, argv: () => ['run', 'quick', '--junit', 'reports'], code: 2, line: /^loadctl: --junit reports: cannot write there: it is a directory$/m },
  { item: '3 run --junit below a file', needs: ['k6'], env: k6, files: { 'file.txt': 'x' }, argv: () => ['run', 'quick', '--junit', 'file.txt/x.xml'], code: 2, line: /file\.txt is a file, so nothing can be created below it/ },
  { item: '3 run --junit on a read-only mount', needs: ['k6', 'ro'], env: k6, argv: (c) => ['run', 'quick', '--junit', `${c.ro}/x.xml`], code: 2, line: /cannot write there: .* is a read-only file system/ },
  { item: '3 chaos --junit at a directory, before Docker', files: { 'reports/': { dir: true } }, env: (c) => ({ DOCKER_HOST: `tcp://127.0.0.1:${c.hang}` }), argv: () => ['chaos', 'redis-failure', '--yes', '--junit', 'reports'], code: 2, line: /--junit reports: cannot write there: it is a directory/, after: (_cwd, _r, c) => assert.equal(c.hangConnections(), 0, 'the engine was never asked') },
  { item: '4 --junit under /proc does not hang', needs: ['k6'], env: k6, argv: () => ['run', 'quick', '--junit', '/proc/nope/x.xml'], code: 2, line: /--junit \/proc\/nope\/x\.xml: cannot write there: \/proc is on the kernel's proc file system/, timeoutMs: 8000 },
  { item: '5 --out-dir below a file', files: { 'file.txt': 'x' }, argv: () => ['run', 'quick', '--dry-run', '--out-dir', 'file.txt/runs'], code: 2, line: /--out-dir file\.txt\/runs: cannot write there: .*file\.txt is a file/ },
  { item: '5 --out-dir on a read-only mount', needs: ['ro'], argv: (c) => ['run', 'quick', '--dry-run', '--out-dir', `${c.ro}/runs`], code: 2, line: /--out-dir .*\/runs: cannot write there: .* read-only file system/ },
  {
    item: '6 an unwritable GITHUB_STEP_SUMMARY warns; the pass stands', needs: ['k6', 'sandbox'], keepsRuns: true, timeoutMs: 90_000,
    files: { 'summary-dir/': { dir: true }, 'profiles/tiny.yaml': constant('defaultTargets: false\ntargets: ["http_reqs count>=1"]') },
    env: (c) => ({ K6_BIN: c.k6, GITHUB_STEP_SUMMARY: 'summary-dir' }),
    argv: (c) => ['run', 'tiny', '--no-live', '--base-url', c.sandbox!], code: 0,
    line: /PASS[^]*warning: could not append the job summary to GITHUB_STEP_SUMMARY=summary-dir \(EISDIR\)/,
  },
  { item: '7 report --html into a read-only folder', needs: ['ro'], argv: (c) => ['report', '--html', `${c.ro}/run`], code: 2, line: /--html .*report\.html: cannot write there: .*read-only file system/ },
  { item: '8 result.json {"hello":1}', files: reportFiles, argv: () => ['report', 'runs/hello'], code: 2, line: /runs\/hello\/result\.json is not a loadctl result/ },
  { item: '8 result.json [1,2]', files: reportFiles, argv: () => ['report', 'runs/array'], code: 2, line: /runs\/array\/result\.json is not a loadctl result/ },
  { item: '8 result.json null', files: reportFiles, argv: () => ['report', 'runs/null'], code: 2, line: /runs\/null\/result\.json is not a loadctl result/ },
  { item: '8 a foreign --baseline is not "no regression"', files: reportFiles, argv: () => ['report', 'runs/good', '--baseline', 'runs/hello'], code: 2, line: /not a loadctl result/, not: /no regression/ },
  { item: '8 --html writes nothing into a foreign folder', files: reportFiles, argv: () => ['report', '--html', 'runs/good', 'runs/hello'], code: 2, line: /not a loadctl result/, after: (cwd) => { noHtml('runs/hello')(cwd); noHtml('runs/good')(cwd); } },
  { item: '9 a passed chaos run is PASS with no missed target', files: reportFiles, argv: () => ['report', 'runs/chaos'], code: 0, line: /\| redis-failure \| n\/a .*\| PASS \|/, not: /targets missed/ },
  { item: '10 report of a result.json file says what to pass', files: reportFiles, argv: () => ['report', 'runs/good/result.json'], code: 2, line: /runs\/good\/result\.json is a file; report takes run folders\n  fix: pass the folder that holds it: loadctl report runs\/good/ },
  { item: 'issue 8: a dry-run folder among runs is skipped with a note', files: reportFiles, argv: () => ['report', 'runs/dry', 'runs/good'], code: 0, line: /skipped runs\/dry: a dry run/ },
  { item: 'issue 8: only dry runs is exit 2', files: reportFiles, argv: () => ['report', 'runs/dry'], code: 2, line: /none of the folder given holds a run: runs\/dry is a dry run/ },

  // Signals and hangs
  // The API check waits 3 s for the hung server; the signal comes well inside that, after start-up.
  { item: '11 Ctrl-C in setup-users against a hung server', argv: (c) => ['setup-users', '--count', '5', '--base-url', `http://127.0.0.1:${c.hang}`], signal: { send: 'SIGINT', when: connectedToHang }, code: 4, line: /^loadctl: interrupted by SIGINT/m, not: /cannot reach/ },
  { item: '11 Ctrl-C in report --html over many folders', files: manyRuns, argv: () => ['report', '--html', ...Object.keys(manyRuns).map((f) => f.replace('/result.json', ''))], signal: { send: 'SIGINT', when: /wrote / }, code: 4, line: /interrupted by SIGINT/ },
  { item: '11 Ctrl-C in chaos while the engine hangs', env: (c) => ({ DOCKER_HOST: `tcp://127.0.0.1:${c.hang}` }), argv: () => ['chaos', 'redis-failure', '--yes'], signal: { send: 'SIGINT', when: connectedToHang }, code: 4, line: /interrupted by SIGINT/, not: /no Docker engine answers/ },
  { item: '11 SIGTERM too', argv: (c) => ['setup-users', '--base-url', `http://127.0.0.1:${c.hang}`], signal: { send: 'SIGTERM', when: connectedToHang }, code: 4, line: /interrupted by SIGTERM/ },
  { item: '12 Ctrl-C during the health check of a hung target', needs: ['k6'], env: k6, argv: (c) => ['run', 'quick', '--base-url', `http://127.0.0.1:${c.hang}`], signal: { send: 'SIGINT', when: /k6 v\d+\.\d+\.\d+ at / }, code: 4, line: /SIGINT during the target health check; nothing was run/, not: /unreachable/ },
  { item: '13 chaos --dry-run with a hung DOCKER_HOST ends', env: (c) => ({ DOCKER_HOST: `tcp://127.0.0.1:${c.hang}` }), argv: () => ['chaos', 'redis-failure', '--dry-run'], code: 3, line: /no Docker engine answers at tcp:\/\/127\.0\.0\.1:\d+ \(ETIMEDOUT\)/, timeoutMs: 12_000 },
  { item: '13 doctor with a hung DOCKER_HOST ends', needs: ['k6'], env: (c) => ({ K6_BIN: c.k6, DOCKER_HOST: `tcp://127.0.0.1:${c.hang}` }), argv: () => ['doctor', '--no-target'], code: 3, line: /✗ docker +no Docker engine answers .*ETIMEDOUT/, timeoutMs: 12_000 },
  {
    item: '14 Ctrl-C while a --k6 script hangs kills its whole group', files: { 'hang-k6': hangingK6 }, argv: () => ['run', 'quick', '--k6', './hang-k6'],
    signal: { send: 'SIGINT', when: (_c, cwd) => () => pidsWritten(cwd) }, code: 4, line: /SIGINT (while `.*hang-k6 version` ran|before k6 started); nothing was run/,
    after: (cwd) => {
      const pids = readFileSync(join(cwd, 'pids'), 'utf8').trim().split('\n').map(Number);
      assert.equal(pids.length, 2, 'the script and its sleep started');
      for (const pid of pids) assert.equal(alive(pid), false, `process ${pid} of the --k6 script is gone`);
    },
  },

  // Values
  { item: '15 chaos --duration past 24.8 days', argv: () => ['chaos', 'redis-failure', '--duration', '99999h', '--dry-run'], code: 2, line: /--duration 99999h: longer than the maximum of 24\.8 days/ },
  { item: '15 an experiment step past 24.8 days', files: { 'chaos/long.yaml': 'name: long\ndescription: long\ntargets: { r: { container: r } }\nsteadyState: { probes: [] }\nsteps: [{ target: r, fault: { kind: pause }, duration: 99999h }]\n' }, argv: () => ['chaos', 'long', '--dry-run'], code: 2, line: /steps\.0\.duration: .*longer than the maximum of 24\.8 days/ },
  { item: '16 run --duration 0s, before k6', needs: ['k6'], env: k6, argv: () => ['run', 'quick', '--duration', '0s'], code: 2, line: /--duration 0s: must be at least 1s/ },
  { item: '16 a profile with duration 0s', files: { 'profiles/zero.yaml': profile('executor: constant-vus\nvus: 1\nduration: 0s') }, argv: () => ['run', 'zero', '--dry-run'], code: 2, line: /profiles\/zero\.yaml: duration: expected at least 1s/ },
  { item: '16 a profile whose stages last 0s', files: { 'profiles/zero.yaml': profile('executor: ramping-vus\nstages: [{ duration: 0s, target: 5 }]') }, argv: () => ['run', 'zero', '--dry-run'], code: 2, line: /stages: the stages last 0s in total/ },
  { item: '17 --vus past the bound', argv: () => ['run', 'quick', '--vus', '99999999999999999999', '--dry-run'], code: 2, line: /--vus must be a whole number from 1 to 1,000,000, got "99999999999999999999"/ },
  { item: '17 --vus 1e9, the same words', argv: () => ['run', 'quick', '--vus', '1e9', '--dry-run'], code: 2, line: /--vus must be a whole number from 1 to 1,000,000, got "1e9"/ },
  { item: '17 vus past the bound in a profile', files: { 'profiles/big.yaml': profile('executor: constant-vus\nvus: 99999999999\nduration: 1m') }, argv: () => ['run', 'big', '--dry-run'], code: 2, line: /profiles\/big\.yaml: vus: expected at most 1,000,000/ },
  { item: '18 the health check reaches a port fetch blocks', needs: ['k6'], env: k6, argv: (c) => ['doctor', '--no-docker', '--base-url', `http://127.0.0.1:${c.blocked}`], code: 0, line: /✓ target +http:\/\/127\.0\.0\.1:\d+\/health answered 200/ },
  { item: '19 --base-url with port 99999', needs: ['k6'], env: k6, argv: () => ['run', 'quick', '--base-url', 'http://127.0.0.1:99999'], code: 2, line: /--base-url: port 99999 in "http:\/\/127\.0\.0\.1:99999" is out of range/ },
  { item: '19 BASE_URL=garbage: run', needs: ['k6'], env: (c) => ({ K6_BIN: c.k6, BASE_URL: 'garbage' }), argv: () => ['run', 'quick'], code: 2, line: /BASE_URL \(from the environment\): not a URL: "garbage"/ },
  { item: '19 BASE_URL=garbage: setup-users', env: () => ({ BASE_URL: 'garbage' }), argv: () => ['setup-users'], code: 2, line: /BASE_URL: not a URL: "garbage"/ },
  { item: '19 BASE_URL=garbage: doctor', env: () => ({ BASE_URL: 'garbage' }), argv: () => ['doctor', '--no-docker'], code: 2, line: /BASE_URL: not a URL: "garbage"/ },
  { item: '20 sandbox --host "not a host"', argv: () => ['sandbox', '--host', 'not a host'], code: 2, line: /--host: "not a host" is not a host name or IP address/ },
  { item: '20 DOCKER_HOST=bogus://x: chaos', env: () => ({ DOCKER_HOST: 'bogus://x' }), argv: () => ['chaos', 'redis-failure', '--dry-run'], code: 2, line: /DOCKER_HOST "bogus:\/\/x": unknown scheme bogus:\/\//, not: /ENOTFOUND/ },
  { item: '20 DOCKER_TLS_VERIFY=1 with no certificates: chaos', env: (c) => ({ DOCKER_HOST: `tcp://127.0.0.1:${c.hang}`, DOCKER_TLS_VERIFY: '1', DOCKER_CERT_PATH: '/nonexistent-certs' }), argv: () => ['chaos', 'redis-failure', '--dry-run'], code: 2, line: /uses TLS, but \/nonexistent-certs\/ca\.pem cannot be read \(ENOENT\)/, not: /unexpected error/, after: (_cwd, _r, c) => assert.equal(c.hangConnections(), 0, 'the engine was never asked') },
  { item: '20 DOCKER_HOST=bogus://x: doctor', env: () => ({ DOCKER_HOST: 'bogus://x' }), argv: () => ['doctor', '--no-target'], code: 2, line: /unknown scheme bogus:\/\//, not: /ENOTFOUND/ },
  { item: '21 a 5 MB env in a profile', needs: ['k6'], env: k6, files: { 'profiles/fat.yaml': constant(`env:\n  BIG: "${'x'.repeat(5_000_000)}"`) }, argv: () => ['run', 'fat'], code: 2, line: /profiles\/fat\.yaml: env\.BIG is 4\.8 MB; the system hands a program at most 128 KB per variable/, not: /doctor/ },
  {
    // Each part passes on its own; together with the shell's environment they pass the kernel's limit.
    item: '21 E2BIG at k6 itself names the size, not the binary', needs: ['k6'], keepsRuns: true,
    env: (c) => ({ K6_BIN: c.k6, ...Object.fromEntries(Array.from({ length: 15 }, (_, i) => [`LOADCTL_HOSTILE_BIG${i}`, 'x'.repeat(100_000)])) }),
    files: { 'profiles/fatenv.yaml': constant(`env:\n${Array.from({ length: 9 }, (_, i) => `  FAT${i}: "${'y'.repeat(100_000)}"`).join('\n')}`) },
    argv: () => ['run', 'fatenv', '--no-live', '--no-preflight'], code: 3,
    line: /could not start k6: its environment and arguments are too large for the system \(E2BIG\)\n  fix: shrink the profile's env/, not: /loadctl doctor/,
  },
  {
    item: '23 terminal escapes in a description are shown, not obeyed', argv: () => ['list'], code: 0,
    files: { 'profiles/evil.yaml': `description: "a \\e]0;pwned\\a b \\e[31mred \\u202e c \\0 d"\nscenario: simple\nexecutor: constant-vus\nvus: 1\nduration: 1s\n` },
    line: /evil +a \\x1b\]0;pwned\\x07 b \\x1b\[31mred \\u202e c \\x00 d/, not: new RegExp(`[${ESC}\u0007\u202e\u0000]`),
  },
  { item: '23 ... and in an error naming a field', files: { 'profiles/evil.yaml': constant('"\\e]0;x\\a": 1') }, argv: () => ['run', 'evil', '--dry-run'], code: 2, line: /\\x1b\]0;x\\x07: unknown field/, not: new RegExp(`[${ESC}\u0007]`) },

  // Every other option that takes a value: its bad value is exit 2 with a line (coverage.test.ts keeps this complete).
  { item: 'run --env', argv: () => ['run', 'quick', '--dry-run', '--env', 'NOEQUALS'], code: 2, line: /--env "NOEQUALS" is not KEY=VALUE/ },
  { item: 'run --chaos', argv: () => ['run', 'quick', '--dry-run', '--chaos', 'nosuch'], code: 2, line: /unknown experiment "nosuch"/ },
  { item: 'run --at', argv: () => ['run', 'quick', '--dry-run', '--chaos', 'redis-failure', '--at', 'bogus'], code: 2, line: /--at "bogus" is neither "steady" nor a duration/ },
  { item: 'run --load-duration', argv: () => ['run', 'quick', '--dry-run', '--chaos', 'redis-failure', '--load-duration', '0s'], code: 2, line: /--load-duration 0s: must be at least 1s/ },
  { item: 'run --mode', argv: () => ['run', 'quick', '--dry-run', '--chaos', 'redis-failure', '--mode', 'bogus'], code: 2, line: /--mode bogus: unknown mode/ },
  { item: 'run --target', argv: () => ['run', 'quick', '--dry-run', '--chaos', 'redis-failure', '--target', 'bad'], code: 2, line: /--target bad: expected ref=container-name/ },
  { item: 'run --recovery', argv: () => ['run', 'quick', '--dry-run', '--chaos', 'redis-failure', '--recovery', 'bogus'], code: 2, line: /--recovery: unknown setting "bogus"/ },
  { item: 'run --capacity', argv: () => ['run', 'stress', '--dry-run', '--capacity', 'p99=fast,window=0s'], code: 2, line: /--capacity p99=fast: expected a duration above 0 .*; --capacity window=0s: expected a duration above 0/ },
  { item: 'run --find-limit', argv: () => ['run', 'quick', '--find-limit'], code: 2, line: /--find-limit searches from a staged profile, but quick has no stages that hold a level/ },
  { item: 'run --budget', argv: () => ['run', 'stress', '--find-limit', '--budget', '-5m'], code: 2, line: /--budget "-5m" is not a duration from 10s to 24h/ },
  { item: 'run --max-vus', argv: () => ['run', 'stress', '--find-limit', '--max-vus', '0'], code: 2, line: /--max-vus must be a whole number from 1 to 1,000,000, got "0"/ },
  { item: 'run --allow-no-samples', argv: () => ['run', 'quick', '--dry-run', '--allow-no-samples', 'http_req_duration p(95)<<'], code: 2, line: /--allow-no-samples "p\(95\)<<" is not a k6 threshold expression/ },
  { item: 'run --stage', files: { 'load.js': 'export default function () {}\n' }, argv: () => ['run', 'load.js', '--dry-run', '--stage', 'abc'], code: 2, line: /--stage "abc" is not DURATION:TARGET/ },
  { item: 'run --iterations', files: { 'load.js': 'export default function () {}\n' }, argv: () => ['run', 'load.js', '--dry-run', '--iterations', '-3'], code: 2, line: /--iterations must be a whole number from 1 to .*, got "-3"/ },
  { item: 'run --preflight', files: { 'load.js': 'export default function () {}\n' }, argv: () => ['run', 'load.js', '--dry-run', '--preflight', 'ftp://x'], code: 2, line: /--preflight: expected an http:\/\/ or https:\/\/ URL, got "ftp:\/\/x"/ },
  { item: 'run --prometheus', argv: () => ['run', 'quick', '--dry-run', '--prometheus', 'garbage'], code: 2, line: /--prometheus: not a URL: "garbage"/ },
  { item: 'run --prometheus-abort without a Prometheus', needs: ['k6'], env: (c) => ({ ...k6(c), LOADCTL_PROMETHEUS: undefined }), argv: () => ['run', 'quick', '--no-preflight', '--prometheus-abort'], code: 2, line: /^loadctl: --prometheus-abort judges gates live, but no Prometheus was given$/m },
  { item: 'profile prometheus.live.every', files: { 'profiles/live.yaml': constant('prometheus: { live: { every: 0s, failures: 0 } }') }, argv: () => ['run', 'live', '--dry-run'], code: 2, line: /profiles\/live\.yaml: prometheus\.live\.every: expected 1s to 5m.*prometheus\.live\.failures: expected 1 to 100 failing evaluations in a row/s },
  { item: 'profile gate abortOnFail', files: { 'profiles/live.yaml': constant('prometheus: { gates: [{ expr: "max(x) < 1", abortOnFail: "yes" }] }') }, argv: () => ['run', 'live', '--dry-run'], code: 2, line: /profiles\/live\.yaml: prometheus\.gates\.0/ },
  { item: 'run --prometheus-rw', argv: () => ['run', 'quick', '--dry-run', '--prometheus-rw', 'ftp://x/write'], code: 2, line: /--prometheus-rw: expected an http:\/\/ or https:\/\/ URL, got "ftp:\/\/x\/write"/ },
  { item: 'run --runners', argv: () => ['run', 'quick', '--dry-run', '--runners', '0'], code: 2, line: /--runners 0 is outside 1\.\.64/ },
  { item: 'run --placement', argv: () => ['run', 'quick', '--dry-run', '--runners', '2', '--placement', 'mars'], code: 2, line: /--placement "mars" is not known/ },
  { item: 'k8s --parallelism', argv: () => ['k8s', 'quick', '--parallelism', '0', '--receiver', 'http://10.0.0.5:9091'], code: 2, line: /--parallelism 0 is outside 1\.\.64/ },
  { item: 'k8s --receiver', argv: () => ['k8s', 'quick', '--parallelism', '2', '--receiver', 'ftp://x'], code: 2, line: /--receiver: expected an http:\/\/ or https:\/\/ URL, got "ftp:\/\/x"/ },
  { item: 'k8s --memory', argv: () => ['k8s', 'quick', '--parallelism', '2', '--receiver', 'http://10.0.0.5:9091', '--memory', 'big'], code: 2, line: /--memory "big" is not a memory size/ },
  { item: 'k8s --namespace', argv: () => ['k8s', 'quick', '--parallelism', '2', '--receiver', 'http://10.0.0.5:9091', '--namespace', 'Bad_NS'], code: 2, line: /--namespace "Bad_NS" is not a DNS-1123 label/ },
  { item: 'k8s --base-url', argv: () => ['k8s', 'quick', '--parallelism', '2', '--receiver', 'http://10.0.0.5:9091', '--base-url', 'notaurl'], code: 2, line: /base.?url|BASE_URL/i },
  { item: 'k8s --listen', argv: () => ['k8s', 'quick', '--parallelism', '2', '--receiver', 'http://10.0.0.5:9091', '--apply', '--listen', 'nohost'], code: 2, line: /--listen "nohost" is not HOST:PORT/ },
  { item: 'k8s --listen port 0', argv: () => ['k8s', 'quick', '--parallelism', '2', '--receiver', 'http://10.0.0.5:9091', '--apply', '--listen', '127.0.0.1:0'], code: 2, line: /--listen "127\.0\.0\.1:0": the port must be a whole number 1\.\.65535/ },
  { item: 'k8s --listen without --apply', argv: () => ['k8s', 'quick', '--parallelism', '2', '--receiver', 'http://10.0.0.5:9091', '--listen', '0.0.0.0:9091'], code: 2, line: /--listen only applies with --apply/ },
  // A kubeconfig that does not exist would be exit 3: exit 2 shows --junit is checked before the cluster.
  { item: 'k8s --junit at a directory, before the cluster', files: { 'reports/': { dir: true } }, env: () => ({ KUBECONFIG: '/nonexistent/kubeconfig' }), argv: () => ['k8s', 'quick', '--parallelism', '2', '--receiver', 'http://10.0.0.5:9091', '--apply', '--junit', 'reports'], code: 2, line: /--junit reports: cannot write there: it is a directory/ },
  { item: 'k8s -- k6 flag with a space', argv: () => ['k8s', 'quick', '--parallelism', '2', '--receiver', 'http://10.0.0.5:9091', '--', '--tag', 'a b'], code: 2, line: /k6 flag "a b" has a space or quote, which the k6-operator's arguments cannot carry/ },
  { item: 'run --docker-host scheme', argv: () => ['run', 'quick', '--dry-run', '--runners', '2', '--placement', 'docker', '--docker-host', 'ftp://x'], code: 2, line: /--docker-host "ftp:\/\/x": unknown scheme ftp:\/\// },
  { item: 'run --docker-host empty entry', argv: () => ['run', 'quick', '--dry-run', '--runners', '2', '--placement', 'docker', '--docker-host', 'unix:///var/run/docker.sock,'], code: 2, line: /--docker-host "unix:\/\/\/var\/run\/docker\.sock," has an empty entry/ },
  { item: 'run --docker-host weight', argv: () => ['run', 'quick', '--dry-run', '--runners', '2', '--placement', 'docker', '--docker-host', 'tcp://127.0.0.1:2375=0'], code: 2, line: /weight 0 is outside 1\.\.100/ },
  { item: 'run --docker-host twice', argv: () => ['run', 'quick', '--dry-run', '--runners', '2', '--placement', 'docker', '--docker-host', 'tcp://127.0.0.1:2375', '--docker-host', 'tcp://127.0.0.1:2375'], code: 2, line: /--docker-host tcp:\/\/127\.0\.0\.1:2375 is given twice/ },
  { item: 'run --docker-host without docker', argv: () => ['run', 'quick', '--dry-run', '--runners', '2', '--docker-host', 'tcp://127.0.0.1:2375'], code: 2, line: /--docker-host only applies with --placement docker/ },
  // Refused before any connection: nothing is sent to 10.0.0.5.
  { item: 'run --docker-host remote without --receiver-host', argv: () => ['run', 'quick', '--dry-run', '--runners', '2', '--placement', 'docker', '--docker-host', 'tcp://10.0.0.5:2375'], code: 2, line: /the Docker engine at tcp:\/\/10\.0\.0\.5:2375 is on another machine/ },
  { item: 'run --receiver-host', argv: () => ['run', 'quick', '--dry-run', '--runners', '2', '--placement', 'docker', '--receiver-host', 'no host!'], code: 2, line: /--receiver-host "no host!" is not a host name or IP address/ },
  { item: 'run --receiver-host without docker', argv: () => ['run', 'quick', '--dry-run', '--runners', '2', '--receiver-host', '10.0.0.9'], code: 2, line: /--receiver-host only applies with --placement docker/ },
  { item: 'run --calibrate', argv: () => ['run', 'quick', '--plan', '--calibrate', 'x'], code: 2, line: /--calibrate x is not a VU count from 5 to 5,000/ },
  { item: 'run --mb-per-vu', argv: () => ['run', 'quick', '--plan', '--mb-per-vu', 'lots'], code: 2, line: /--mb-per-vu "lots" is not a number of MB above 0/ },
  { item: 'run --runner-memory', argv: () => ['run', 'quick', '--plan', '--runner-memory', 'big'], code: 2, line: /--runner-memory "big" is not a memory size/ },
  { item: 'run --runner-image', argv: () => ['run', 'quick', '--dry-run', '--runners', '2', '--runner-image', 'x'], code: 2, line: /--runner-image only applies with --placement docker/ },
  { item: 'run --runner-network', argv: () => ['run', 'quick', '--dry-run', '--runners', '2', '--runner-network', 'x'], code: 2, line: /--runner-network only applies with --placement docker/ },
  { item: 'run --invariant', argv: () => ['run', 'quick', '--dry-run', '--invariant', 'bogus'], code: 2, line: /--invariant bogus: unknown invariant \(shipped: / },
  { item: 'chaos --mode', argv: () => ['chaos', 'redis-failure', '--dry-run', '--mode', 'bogus'], code: 2, line: /--mode bogus: unknown mode/ },
  { item: 'chaos --target', argv: () => ['chaos', 'redis-failure', '--dry-run', '--target', 'bad'], code: 2, line: /--target bad: expected ref=container-name/ },
  { item: 'chaos --project', argv: () => ['chaos', 'redis-failure', '--dry-run', '--project', 'bad name'], code: 2, line: /--project "bad name" is not a compose project name/ },
  { item: 'chaos --out-dir', files: { 'file.txt': 'x' }, argv: () => ['chaos', 'redis-failure', '--dry-run', '--out-dir', 'file.txt/runs'], code: 2, line: /--out-dir file\.txt\/runs: cannot write there/ },
  { item: 'chaos --load', argv: () => ['chaos', 'redis-failure', '--dry-run', '--load', 'nosuch'], code: 2, line: /unknown profile "nosuch"/ },
  { item: 'chaos --at', argv: () => ['chaos', 'redis-failure', '--dry-run', '--load', 'quick', '--at', 'bogus'], code: 2, line: /--at "bogus" is neither/ },
  { item: 'setup-users --count', argv: () => ['setup-users', '--count', '1e9'], code: 2, line: /--count must be a whole number from 1 to 1,000,000, got "1e9"/ },
  { item: 'setup-users --prefix', argv: () => ['setup-users', '--prefix', 'a b'], code: 2, line: /--prefix may hold letters, digits/ },
  { item: 'setup-users --domain', argv: () => ['setup-users', '--domain', 'x'], code: 2, line: /--domain must look like example\.com/ },
  { item: 'setup-users --password', argv: () => ['setup-users', '--password', ''], code: 2, line: /--password must not be empty/ },
  { item: 'setup-users --password-env', argv: () => ['setup-users', '--password-env', 'LOADCTL_HOSTILE_UNSET'], code: 2, line: /--password-env LOADCTL_HOSTILE_UNSET: that environment variable is not set/ },
  { item: 'setup-users --concurrency', argv: () => ['setup-users', '--concurrency', '0'], code: 2, line: /--concurrency must be a whole number from 1 to 1,000/ },
  { item: 'setup-users --base-url', argv: () => ['setup-users', '--base-url', 'http://127.0.0.1:99999'], code: 2, line: /--base-url: port 99999/ },
  { item: 'setup-users --register-path', argv: () => ['setup-users', '--register-path', 'x'], code: 2, line: /--register-path must start with \// },
  { item: 'sandbox --port', argv: () => ['sandbox', '--port', '99999'], code: 2, line: /--port must be a whole number from 0 to 65535/ },
  { item: 'sandbox --redis', argv: () => ['sandbox', '--redis', 'http://x'], code: 2, line: /--redis must be a URL such as redis:/ },
  { item: 'sandbox --hold-ttl', argv: () => ['sandbox', '--hold-ttl', '99999h'], code: 2, line: /--hold-ttl 99999h: longer than the maximum of 24\.8 days/ },
  { item: 'sandbox --postgres', argv: () => ['sandbox', '--postgres', 'http://x'], code: 2, line: /--postgres must be a URL such as postgres:/ },
  { item: 'sandbox --break', argv: () => ['sandbox', '--break', 'bogus'], code: 2, line: /--break: unknown break mode bogus/ },
  { item: 'sandbox --events', argv: () => ['sandbox', '--events', '0'], code: 2, line: /--events must be a whole number/ },
  { item: 'sandbox --seats', argv: () => ['sandbox', '--seats', '0'], code: 2, line: /--seats must be a whole number/ },
  { item: 'demo --port', argv: () => ['demo', '--port', '99999'], code: 2, line: /--port must be a whole number/, not: /sandbox listening/ },
  { item: 'demo --k6', argv: () => ['demo', '--k6', 'no-such-k6'], code: 3, line: /k6 not found at .*no-such-k6 \(from --k6\)/, not: /sandbox listening|users ready|creating users/ },
  { item: 'demo --users', argv: () => ['demo', '--users', '0'], code: 2, line: /--users must be a whole number from 1 to 100,000/ },
  { item: 'demo --hold-ttl', argv: () => ['demo', '--hold-ttl', 'x'], code: 2, line: /--hold-ttl must be a duration/ },
  { item: 'demo --duration', argv: () => ['demo', '--duration', '0s'], code: 2, line: /--duration 0s: must be at least 1s/, not: /sandbox listening/ },
  { item: 'demo --out-dir', files: { 'file.txt': 'x' }, argv: () => ['demo', '--out-dir', 'file.txt/runs'], code: 2, line: /--out-dir file\.txt\/runs: cannot write there/, not: /sandbox listening/ },
  { item: 'report --tolerance', files: reportFiles, argv: () => ['report', 'runs/good', '--tolerance', 'abc'], code: 2, line: /--tolerance abc is not a percentage/ },
  { item: 'doctor --k6', argv: () => ['doctor', '--no-target', '--no-docker', '--k6', '/nonexistent/k6'], code: 3, line: /✗ k6 +k6 not found at \/nonexistent\/k6/ },
  { item: 'stack --project', argv: () => ['stack', 'up', '--project', 'bad name'], code: 2, line: /--project bad name: use 1-41 lowercase letters/ },
  { item: 'stack --port-offset', argv: () => ['stack', 'up', '--port-offset', '99999'], code: 2, line: /--port-offset 99999: must be a whole number/ },
  // Refused before the Docker engine is asked anything: DOCKER_HOST points at a server that never answers.
  { item: 'stack --break', env: (c) => ({ DOCKER_HOST: `tcp://127.0.0.1:${c.hang}` }), argv: () => ['stack', 'up', '--break', 'double-sell,sell-twice'], code: 2, line: /^loadctl: --break: unknown break mode sell-twice \(known: double-sell, lose-confirms, lock-leak, backlog-stall\)$/m },
  { item: 'stack LOADCTL_STACK_BREAK unknown', env: (c) => ({ DOCKER_HOST: `tcp://127.0.0.1:${c.hang}`, LOADCTL_STACK_BREAK: 'nope' }), argv: () => ['stack', 'up'], code: 2, line: /^loadctl: LOADCTL_STACK_BREAK: unknown break mode nope \(known: /m },
  { item: 'stack status --break', env: (c) => ({ DOCKER_HOST: `tcp://127.0.0.1:${c.hang}` }), argv: () => ['stack', 'status', '--break', 'double-sell'], code: 2, line: /^loadctl: --break applies to `stack up` only/m },
  { item: 'gameday --profile', env: (c) => ({ DOCKER_HOST: `tcp://127.0.0.1:${c.hang}` }), argv: () => ['gameday', '--yes', '--profile', 'nosuch'], code: 2, line: /unknown profile "nosuch"/ },
  { item: 'gameday --vus', argv: () => ['gameday', '--yes', '--vus', '99999999999999999999'], code: 2, line: /--vus must be a whole number from 1 to 1,000,000/ },
  { item: 'gameday --hold', argv: () => ['gameday', '--yes', '--hold', '99999h'], code: 2, line: /99999h: longer than the maximum of 24\.8 days/ },
  { item: 'gameday --load-duration', env: (c) => ({ DOCKER_HOST: `tcp://127.0.0.1:${c.hang}` }), argv: () => ['gameday', '--yes', '--load-duration', '0s'], code: 2, line: /--load-duration 0s: must be at least 1s/ },
  { item: 'gameday --users', argv: () => ['gameday', '--yes', '--users', '0'], code: 2, line: /--users must be a whole number/ },
  { item: 'gameday --out-dir', files: { 'file.txt': 'x' }, env: (c) => ({ DOCKER_HOST: `tcp://127.0.0.1:${c.hang}` }), argv: () => ['gameday', '--yes', '--out-dir', 'file.txt/runs'], code: 2, line: /--out-dir file\.txt\/runs: cannot write there/ },
  { item: 'gameday --project', argv: () => ['gameday', '--yes', '--project', 'bad name'], code: 2, line: /--project bad name: use 1-41/ },
  { item: 'gameday --port-offset', argv: () => ['gameday', '--yes', '--port-offset', '99999'], code: 2, line: /--port-offset 99999: must be a whole number/ },
  { item: 'gameday --base-url', env: (c) => ({ DOCKER_HOST: `tcp://127.0.0.1:${c.hang}` }), argv: () => ['gameday', '--yes', '--no-up', '--base-url', 'garbage'], code: 2, line: /--base-url: not a URL: "garbage"/ },
  { item: 'gameday --k6', env: (c) => ({ DOCKER_HOST: `tcp://127.0.0.1:${c.hang}` }), argv: () => ['gameday', '--yes', '--k6', 'no-such-k6'], code: 3, line: /k6 not found at .*no-such-k6 \(from --k6\)/, not: /game day: stack|creating users/ },
  { item: 'gameday --prometheus', env: (c) => ({ DOCKER_HOST: `tcp://127.0.0.1:${c.hang}` }), argv: () => ['gameday', '--yes', '--prometheus', 'garbage'], code: 2, line: /--prometheus: not a URL: "garbage"/, not: /game day: stack/ },
  { item: 'gameday --prometheus that does not answer', env: (c) => ({ DOCKER_HOST: `tcp://127.0.0.1:${c.hang}` }), argv: () => ['gameday', '--yes', '--prometheus', 'http://127.0.0.1:1'], code: 3, line: /^loadctl: Prometheus at http:\/\/127\.0\.0\.1:1 is not reachable \(.*\) \(from --prometheus\); no stack was started and no experiment run$/m, not: /game day: stack/ },
  { item: 'install-k6 --cache-dir', files: { 'file.txt': 'x' }, argv: () => ['install-k6', '--cache-dir', 'file.txt/k6', 'v2.2.0'], code: 2, line: /--cache-dir file\.txt\/k6: cannot write there/, not: /starting the Go build/ },
  { item: '24 demo --vus abc before the sandbox starts', argv: () => ['demo', '--vus', 'abc'], code: 2, line: /--vus must be a whole number/, not: /sandbox listening|users ready|creating users/ },
];
