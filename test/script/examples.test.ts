// The runbook's scripts shipped in examples/, each run by
// `loadctl run examples/<file>` on real k6 against the real sandbox, kept
// small the way a k6 user would: k6's own command-line overrides (--vus,
// --duration, --stage) and --env. setup-test-users.js runs first and makes
// the accounts the others log in with, as the runbook says.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { k6Path, k6Skip } from '../kit/parts.ts';
import { runCli } from '../kit/cli.ts';
import { repoRoot as repo } from '../kit/paths.ts';
import { startSandbox, type Sandbox } from '../../src/sandbox/server.ts';

const version = 'v2.2.0';
let sandbox: Sandbox;
let out: string;

before(async () => {
  sandbox = await startSandbox({ port: 0 });
  out = mkdtempSync(join(tmpdir(), 'loadctl-examples-'));
});
after(async () => {
  await sandbox?.close();
  rmSync(out, { recursive: true, force: true });
});

type Json = Record<string, any>;

async function runExample(file: string, args: string[]): Promise<{ code: number | null; result: Json; stderr: string; options: Json }> {
  return runLoadctl(`examples/${file}`, args);
}

async function runLoadctl(what: string, args: string[]): Promise<{ code: number | null; result: Json; stderr: string; options: Json }> {
  const ran = await runCli(['run', what, '--k6', k6Path(version)!, '--out-dir', out, '--json', '--env', `BASE_URL=${sandbox.url}`, ...args], { cwd: repo, env: { K6_BIN: undefined } });
  let result: Json = {};
  try { result = JSON.parse(ran.stdout) as Json; } catch { /* asserted below */ }
  let options: Json = {};
  try { options = JSON.parse(readFileSync(join(result.runDir as string, 'k6-options.json'), 'utf8')) as Json; } catch { /* asserted below */ }
  return { code: ran.code, result, stderr: ran.stderr, options };
}

describe(`examples/ on real k6 ${version} against the sandbox`, { skip: k6Skip(version), concurrency: 1 }, () => {
  test('setup-test-users.js makes the accounts: its own shared-iterations scenario, USER_COUNT from --env', async () => {
    const r = await runExample('setup-test-users.js', ['--env', 'USER_COUNT=6']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.result.totals.iterations, 6);
    assert.equal(r.options.scenarios.create_users.executor, 'shared-iterations', 'the script\'s own scenario ran');
    // Run again: existing accounts (409) count as done, as the runbook promises.
    const again = await runExample('setup-test-users.js', ['--env', 'USER_COUNT=6']);
    assert.equal(again.code, 0, again.stderr);
  });

  test('a script over two k6 runners: execution segments split its own shared-iterations scenario exactly', async () => {
    const r = await runExample('setup-test-users.js', ['--env', 'USER_COUNT=6', '--runners', '2']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.result.totals.iterations, 6, 'the two slices add up to the script\'s 6 iterations');
    assert.equal(r.result.runners?.count ?? r.result.runners?.list?.length, 2);
  });

  test('simple-load-test.js with k6\'s --vus and --duration over its stages', async () => {
    const r = await runExample('simple-load-test.js', ['--vus', '2', '--duration', '3s', '--env', 'USER_COUNT=6']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.options.scenarios.default.executor, 'constant-vus', 'k6 turned --vus/--duration into one constant-vus scenario');
    assert.ok(r.result.totals.checks.passes > 0, 'it logged in and booked');
  });

  test('booking-load-test.js, the runbook\'s quick test (--vus --duration), its own custom metrics judged', async () => {
    const r = await runExample('booking-load-test.js', ['--vus', '3', '--duration', '3s', '--env', 'USER_COUNT=6', '--env', 'THINK_TIME=0.1']);
    assert.equal(r.code, 0, r.stderr);
    const thresholds = (r.result.thresholds as Array<{ metric: string; expression: string; ok: boolean }>).map((t) => `${t.metric} ${t.expression} ${t.ok}`);
    assert.ok(thresholds.includes('booking_duration p(99)<2000 true'), thresholds.join('\n'));
    assert.ok(r.result.metrics.booking_duration.samples > 0, 'bookings were made');
  });

  test('spike-test.js with its stages replaced by k6\'s --stage', async () => {
    const r = await runExample('spike-test.js', ['--stage', '1s:2', '--stage', '1s:6', '--stage', '1s:0']);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(r.options.scenarios.default.stages.map((s: Json) => s.target), [2, 6, 0]);
  });

  test('stress-test.js in small steps: loadctl says at which step it broke, or that it held', async () => {
    const r = await runExample('stress-test.js', ['--stage', '1s:2,2s:2,1s:4,2s:4,1s:0']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.result.capacity?.unit, 'VUs', 'the staged script got its steps judged');
    assert.deepEqual(r.result.capacity.steps.map((s: Json) => s.level), [2, 4]);
  });

  test('a profile names a script: with an executor it replaces the script\'s stages (k6 refused both), and keeps no ticketing default', async () => {
    const dir = join(out, 'profiles');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'spike-short.yaml'), [
      'description: the runbook\'s spike script under a short constant load',
      `script: ${join(repo, 'examples', 'spike-test.js')}`,
      'executor: constant-vus', 'vus: 2', 'duration: 2s',
      'targets: ["http_req_failed rate<0.05"]', '',
    ].join('\n'));
    const r = await runLoadctl(join(dir, 'spike-short.yaml'), ['--no-preflight']);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(r.result.targets.map((t: Json) => t.name), ['http_req_failed rate < 0.05'], 'no booking target of the ticketing defaults');
    assert.ok(!(r.result.thresholds as Json[]).some((t) => /\{name:/.test(t.metric as string)), 'no endpoint thresholds');
  });

  test('a profile names a script and keeps its shape: the profile adds a target and env', async () => {
    const dir = join(out, 'profiles');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'users.yaml'), [
      'description: the runbook\'s account setup, as written',
      `script: ${join(repo, 'examples', 'setup-test-users.js')}`,
      'env: { USER_COUNT: 4 }',
      'targets: ["http_reqs count >= 4"]', '',
    ].join('\n'));
    const r = await runLoadctl(join(dir, 'users.yaml'), []);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.options.scenarios.create_users.iterations, 4, 'the script\'s own scenario, sized by the profile\'s env');
    assert.equal(r.result.targets[0].ok, true);
  });
});
