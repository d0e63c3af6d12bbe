// loadctl run / list / doctor end to end: bin/loadctl.js as a subprocess (built
// by `npm run build`), real k6 v2.2.0, the real sandbox as the target. The
// outcomes of a run by k6 exit code are in test/e2e/run-outcomes.test.ts.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Sandbox } from '../../src/sandbox/server.ts';
import { dockerSkip, installLine, k6Path, k6Skip, missing, realK6 } from '../kit/parts.ts';
import { sandboxWithUsers } from '../e2e/harness.ts';
import { root } from './helpers.ts';
import { runCli } from '../kit/cli.ts';
import { tempDir } from '../kit/temp.ts';

// A k6 on the caller's K6_BIN is not the one a test means: each passes its own.
const loadctl = (args: string[], opts: { cwd: string; env?: Record<string, string | undefined> }) =>
  runCli(args, { cwd: opts.cwd, env: { K6_BIN: undefined, ...opts.env } });

let cwd: string;
let server: Server;
let baseUrl: string;
let closedUrl: string;
let health = 0;

// Two seconds of the booking journey by one user.
const replayProfile = `description: A short real run
scenario: simple
executor: constant-vus
vus: 1
duration: 2s
env: { THINK_TIME: 0.05, USER_COUNT: 1 }
`;
let sandbox: Sandbox;

before(async () => {
  cwd = tempDir('loadctl-cli-');
  mkdirSync(join(cwd, 'profiles'));
  writeFileSync(join(cwd, 'profiles/replay.yaml'), replayProfile);
  writeFileSync(join(cwd, 'profiles/broken.yaml'), 'description: broken\nscenario: simple\nexecutor: [constant-vus\n');
  writeFileSync(join(cwd, 'profiles/wrong.yaml'), 'description: wrong field\nscenario: simple\nexecutor: constant-vus\nvus: many\nduration: 1s\n');
  sandbox = await sandboxWithUsers(1);
  server = createServer((req, res) => {
    if (req.url === '/health') health += 1;
    res.writeHead(req.url === '/health' ? 200 : 404, { 'content-type': 'application/json' }).end('{"status":"UP"}');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  baseUrl = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  const closed = createServer();
  await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
  closedUrl = `http://127.0.0.1:${(closed.address() as { port: number }).port}`;
  await new Promise((r) => closed.close(r));
});

after(async () => {
  await sandbox?.close();
  server?.close();
  if (cwd) rmSync(cwd, { recursive: true, force: true });
});

// A k6-less machine must not find the k6 that `loadctl install-k6` cached either.
const noK6 = () => ({ PATH: '/nonexistent', LOADCTL_K6_CACHE: join(cwd, 'no-k6-cache') });
// The tests that run k6 skip (one line, once) where it was not built; CI fails instead.
const needsK6 = { skip: k6Skip('v2.2.0') };
const k6Env = () => ({ K6_BIN: realK6('v2.2.0') });
const runDirs = (outDir: string) => (existsSync(outDir) ? readdirSync(outDir).map((d) => join(outDir, d)) : []);

test('bad input: one line, what and how to fix, exit 2, no stack trace', async () => {
  const cases: Array<[string[], RegExp]> = [
    [['run', 'nosuch'], /unknown profile "nosuch"; known profiles: .*quick.*replay.*simple/],
    [['run', 'broken'], /^loadctl: profiles\/broken\.yaml:\d+:\d+: .*\n  fix: fix the YAML syntax/],
    [['run', 'wrong'], /profiles\/wrong\.yaml.*vus/],
    [['run', 'replay', '--vus', 'abc'], /--vus must be a whole number from 1 to 1,000,000, got "abc"/],
    [['run', 'replay', '--vus', '0'], /--vus must be a whole number from 1 to 1,000,000, got "0"/],
    [['run', 'replay', '--duration', '10 minutes'], /--duration: expected a k6 duration/],
    [['run', 'replay', '--base-url', 'localhost:8080'], /--base-url: expected an http/],
    [['run', 'replay', '--env', 'NOEQUALS'], /--env "NOEQUALS" is not KEY=VALUE/],
    [['run', 'replay', 'stray'], /unexpected argument "stray"/],
    [['run', 'replay', '--bogus'], /unknown option '--bogus'/],
    [['run'], /missing required argument 'profile'/],
  ];
  await Promise.all(cases.map(async ([args, message]) => {
    const r = await loadctl([...args, '--dry-run'], { cwd, env: noK6() });
    assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, message, args.join(' '));
    assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
  }));
});

test('k6 missing, wrong or unsupported: exit 3 with install hints', async () => {
  const missing = await loadctl(['run', 'replay'], { cwd, env: noK6() });
  assert.equal(missing.code, 3);
  assert.match(missing.stderr, /^loadctl: k6 was not found on PATH\n  fix: install k6/);
  assert.match(missing.stderr, /brew install k6/);
  const wrong = await loadctl(['run', 'replay', '--k6', join(cwd, 'no-k6-here')], { cwd });
  assert.equal(wrong.code, 3);
  assert.match(wrong.stderr, /k6 not found at .*no-k6-here \(from --k6\)/);
  const old = join(cwd, 'k6-old');
  writeFileSync(old, '#!/bin/sh\necho "k6 v0.48.0 (go1.21.4, linux/amd64)"\n', { mode: 0o755 });
  const unsupported = await loadctl(['run', 'replay', '--k6', old], { cwd });
  assert.equal(unsupported.code, 3);
  assert.match(unsupported.stderr, /^loadctl: k6 v0\.48\.0 at .*k6-old is not supported \(loadctl needs k6 v0\.49\.0 to v2\.x\)\n  fix: /);
  assert.equal(runDirs(join(cwd, '.loadctl/runs')).length, 0, 'nothing left behind');
});

test('target unreachable before the start: exit 3; --no-preflight skips the check', needsK6, async () => {
  const down = await loadctl(['run', 'replay', '--base-url', closedUrl], { cwd, env: k6Env() });
  assert.equal(down.code, 3);
  assert.match(down.stderr, new RegExp(`target ${closedUrl}/health is unreachable \\(ECONNREFUSED\\)`));
  assert.match(down.stderr, /--no-preflight/);
  const outDir = join(cwd, 'out-nopreflight');
  const skipped = await loadctl(['run', 'replay', '--base-url', closedUrl, '--no-preflight', '--out-dir', outDir], { cwd, env: k6Env() });
  // k6 did run, against nothing: every request failed, so the verdict fails.
  assert.equal(skipped.code, 1, skipped.stdout + skipped.stderr);
  const doc = JSON.parse(readFileSync(join(runDirs(outDir)[0]!, 'result.json'), 'utf8'));
  assert.equal(doc.totals.errorRate, 1);
});

test('--dry-run: resolves, bundles, prints the exact k6 command; needs no k6', async () => {
  const outDir = join(cwd, 'out-dry');
  const r = await loadctl(['run', 'replay', '--dry-run', '--out-dir', outDir, '--env', 'USER_COUNT=5', '--base-url', 'http://127.0.0.1:1', '--', '--http-debug'], { cwd, env: noK6() });
  assert.equal(r.code, 0, r.stderr);
  const [dir] = runDirs(outDir);
  assert.ok(dir && /\d{4}-\d\d-\d\dT\d\d-\d\d-\d\dZ-replay$/.test(dir), dir);
  const command = readFileSync(join(dir, 'k6-command.txt'), 'utf8').trim();
  assert.ok(r.stdout.includes(command), 'printed command equals the recorded one');
  assert.match(command, /^env BASE_URL=http:\/\/127\.0\.0\.1:1 .*LOADCTL_SUMMARY_PATH=\S+summary\.json .*USER_COUNT=5 k6 run --no-color --summary-export \S+ --http-debug \S+script\.js$/);
  for (const f of ['profile.json', 'script.js', 'script.js.map', 'k6-command.txt']) assert.ok(existsSync(join(dir, f)), f);
  assert.equal(existsSync(join(dir, 'k6.stdout.log')), false, 'k6 did not run');
  assert.equal(JSON.parse(readFileSync(join(dir, 'profile.json'), 'utf8')).env.USER_COUNT, '5');
});

test('a type error in the project\'s scenario: exit 5 naming file and line; --no-typecheck bundles anyway', async () => {
  const project = tempDir('loadctl-typeerr-');
  mkdirSync(join(project, 'profiles'));
  mkdirSync(join(project, 'scenarios'));
  writeFileSync(join(project, 'scenarios/typo.ts'), "/** Broken on purpose. */\nimport http from 'k6/http';\nexport default function () {\n  const n: number = http.get('http://127.0.0.1:1/').status.toUpperCase();\n}\n");
  writeFileSync(join(project, 'profiles/typo.yaml'), 'description: typo\nscenario: typo\nexecutor: constant-vus\nvus: 1\nduration: 1s\n');
  const checked = await loadctl(['run', 'typo', '--dry-run'], { cwd: project });
  assert.equal(checked.code, 5, checked.stderr);
  assert.match(checked.stderr, /scenarios\/typo\.ts:4:\d+/);
  const unchecked = await loadctl(['run', 'typo', '--dry-run', '--no-typecheck'], { cwd: project });
  assert.equal(unchecked.code, 0, unchecked.stderr);
  rmSync(project, { recursive: true, force: true });
});

test('list shows profiles, scenarios and experiments with descriptions', async () => {
  const r = await loadctl(['list'], { cwd });
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /Profiles[\s\S]*\n  replay +A short real run \[simple\]/);
  assert.match(r.stdout, /Scenarios[\s\S]*\n  spike +\S/);
  // Experiments come from the project's chaos/ folder; the repository ships some.
  const shipped = await loadctl(['list'], { cwd: root });
  assert.match(shipped.stdout, /Chaos experiments[\s\S]*\n  redis-failure +\S/);
  const json = JSON.parse((await loadctl(['list', '--json'], { cwd })).stdout);
  assert.ok(json.profiles.some((p: { name: string }) => p.name === 'broken'), 'a broken profile is listed, not fatal');
});

test('doctor: k6 version, target health, each failure with its fix, exit 3', needsK6, async () => {
  const ok = await loadctl(['doctor', '--base-url', baseUrl, '--no-docker', '--json'], { cwd, env: k6Env() });
  assert.equal(ok.code, 0, ok.stdout);
  const checks = JSON.parse(ok.stdout).checks;
  assert.match(checks[0].detail, /^k6 v2\.2\.0 \(go[\d.]+, linux\/amd64\) at \S+\/k6 \(from K6_BIN\)$/);
  assert.match(checks[1].detail, /\/health answered 200/);
  const bad = await loadctl(['doctor', '--base-url', closedUrl, '--no-docker'], { cwd, env: noK6() });
  assert.equal(bad.code, 3);
  assert.match(bad.stdout, /✗ k6 +k6 was not found on PATH\n +fix: install k6/);
  assert.match(bad.stdout, /✗ target .*unreachable \(ECONNREFUSED\)\n +fix: start the system under test/);
});

test('k6 built by `loadctl install-k6` is found in the cache; with Go on PATH the fix leads with loadctl install-k6', async (t) => {
  const real = k6Path('v2.2.0');
  const go = spawnSync('sh', ['-c', 'command -v go'], { encoding: 'utf8' }).stdout.trim();
  if (!real || !go) return t.skip((go ? k6Skip('v2.2.0') : missing('go', installLine('go'))) || undefined);
  const cache = join(cwd, 'k6-cache');
  mkdirSync(join(cache, 'v2.2.0'), { recursive: true });
  symlinkSync(real, join(cache, 'v2.2.0', 'k6'));
  const found = await loadctl(['doctor', '--no-target', '--no-docker', '--json'], { cwd, env: { PATH: '/nonexistent', LOADCTL_K6_CACHE: cache } });
  assert.equal(found.code, 0, found.stdout + found.stderr);
  assert.match(JSON.parse(found.stdout).checks[0].detail, /^k6 v2\.2\.0 .* \(from cache\)$/);
  const withGo = await loadctl(['doctor', '--no-target', '--no-docker'], { cwd, env: { PATH: dirname(go), LOADCTL_K6_CACHE: join(cwd, 'empty-cache') } });
  assert.equal(withGo.code, 3);
  assert.match(withGo.stdout, /fix: loadctl install-k6 \(Go found at .*\): builds k6 v2\.2\.0 into .*empty-cache, where loadctl finds it; or\n +install k6/);
  assert.doesNotMatch(withGo.stdout, /go install/);
  const withoutGo = await loadctl(['doctor', '--no-target', '--no-docker'], { cwd, env: noK6() });
  assert.doesNotMatch(withoutGo.stdout, /loadctl install-k6/);
});

test('doctor: a DOCKER_HOST that does not answer is exit 3 with its fix (the engine was asked for by name)', needsK6, async () => {
  const env = { ...k6Env(), DOCKER_HOST: `unix://${join(cwd, 'no-docker.sock')}` };
  const r = await loadctl(['doctor', '--no-target', '--json'], { cwd, env });
  assert.equal(r.code, 3, r.stdout + r.stderr);
  const docker = JSON.parse(r.stdout).checks.find((c: { name: string }) => c.name === 'docker');
  assert.equal(docker.ok, false);
  assert.equal(docker.required, true);
  assert.ok(docker.hint, 'a failed check carries its fix');
  const plain = await loadctl(['doctor', '--no-target'], { cwd, env });
  assert.equal(plain.code, 3);
  assert.match(plain.stdout, /✗ docker .*no-docker\.sock/);
  const skipped = await loadctl(['doctor', '--no-target', '--no-docker'], { cwd, env });
  assert.equal(skipped.code, 0, 'without the Docker check, the rest is ready');
});

test('doctor: the Docker engine this machine runs answers', { skip: k6Skip('v2.2.0') || dockerSkip(null) }, async () => {
  const r = await loadctl(['doctor', '--no-target', '--require-docker', '--json'], { cwd, env: k6Env() });
  assert.equal(r.code, 0, r.stdout);
  assert.match(JSON.parse(r.stdout).checks[1].detail, /^engine at .* answered$/);
});

test('--quiet prints only the table and the verdict; NO_COLOR output has no escape codes', needsK6, async () => {
  const r = await loadctl(['run', 'replay', '--base-url', sandbox.url, '--quiet', '--out-dir', join(cwd, 'out-quiet')], { cwd, env: k6Env() });
  assert.equal(r.code, 0, r.stderr);
  assert.doesNotMatch(r.stdout, /^profile |^run folder|^k6 starting|^requests /m);
  assert.match(r.stdout, /│ Target +│ Actual +│ Result │/);
  assert.match(r.stdout, /^PASS: all targets met and all k6 thresholds held \(exit 0\)$/m);
  assert.doesNotMatch(r.stdout + r.stderr, /\u001b\[/);
});
