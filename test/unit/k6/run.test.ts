// The k6 runner against the k6 stand-in (test/fixtures/k6-standin/k6, a
// replay of recorded k6 behaviour, since k6 cannot run here).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { chmodSync, existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runK6, buildK6Argv, formatK6Command, type K6RunRequest } from '../../../src/k6/run.ts';
import { locateK6, resolveK6Path } from '../../../src/k6/locate.ts';
import { readRunSummary } from '../../../src/run/summary-files.ts';
import { EnvironmentError } from '../../../src/errors.ts';
import { fixture, standin, versions } from '../../run/helpers.ts';
import { tempDir } from '../../kit/temp.ts';

function workdir(t: { after(fn: () => void): void }): string {
  const dir = tempDir('loadctl-runner-');
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

function request(dir: string, env: Record<string, string>, extra: Partial<K6RunRequest> = {}): K6RunRequest {
  return {
    k6Path: standin,
    scriptPath: join(dir, 'script.js'),
    summaryPath: join(dir, 'summary.json'),
    summaryExportPath: join(dir, 'summary-export.json'),
    stdoutLog: join(dir, 'k6.stdout.log'),
    stderrLog: join(dir, 'k6.stderr.log'),
    env: { K6_STANDIN_RECORD: join(dir, 'record.json'), ...env },
    ...extra,
  };
}

const recorded = (dir: string) => JSON.parse(readFileSync(join(dir, 'record.json'), 'utf8')) as { argv: string[]; env: Record<string, string> };

test('argv and env reach k6: flags, outputs, the user\'s flags before the script, the summary path', async (t) => {
  const dir = workdir(t);
  const req = request(dir, { BASE_URL: 'http://127.0.0.1:9', USER_COUNT: '7' }, { outputs: ['experimental-prometheus-rw'], extraArgs: ['--http-debug', '--tag', 'run=ci'] });
  const result = await runK6(req, {}, new EventEmitter());
  assert.equal(result.exitCode, 0);
  const { argv, env } = recorded(dir);
  assert.deepEqual(argv, [
    'run', '--no-color', '--summary-export', req.summaryExportPath!, '--out', 'experimental-prometheus-rw',
    '--http-debug', '--tag', 'run=ci', req.scriptPath,
  ]);
  assert.deepEqual(buildK6Argv(req), argv);
  assert.equal(env.BASE_URL, 'http://127.0.0.1:9');
  assert.equal(env.USER_COUNT, '7');
  assert.equal(env.LOADCTL_SUMMARY_PATH, req.summaryPath);
  assert.ok(env.PATH, 'loadctl\'s own environment is kept');
});

for (const v of versions) {
  test(`${v}: each recorded case comes back as a value with its exit code, logs teed`, async (t) => {
    const expected: Record<string, number> = { pass: 0, fail: 99, abort: 99, throws: 107, syntax: 107 };
    for (const [name, code] of Object.entries(expected)) {
      const dir = workdir(t);
      const lines: string[] = [];
      const progress: number[] = [];
      const result = await runK6(request(dir, { K6_STANDIN_CASE: name, K6_STANDIN_VERSION: v }), {
        onStderrLine: (l) => lines.push(l),
        onProgress: (p) => progress.push(p.elapsedMs),
      }, new EventEmitter());
      assert.equal(result.exitCode, code, name);
      assert.equal(result.interrupted, false);
      assert.equal(result.spawnError, undefined);
      assert.equal(readFileSync(result.stdoutLog, 'utf8'), fixture(v, `${name}.stdout.txt`), `${name} stdout`);
      assert.equal(readFileSync(result.stderrLog, 'utf8'), fixture(v, `${name}.stderr.txt`), `${name} stderr`);
      assert.equal(lines.join('\n').trim(), fixture(v, `${name}.stderr.txt`).trim());
      if (name === 'fail') assert.deepEqual([...new Set(progress)], [1000, 2000, 3000]);
      const summary = await readRunSummary({ summary: req(dir).summaryPath, summaryExport: req(dir).summaryExportPath! });
      assert.equal(summary.results === undefined, name === 'syntax', `${name}: summary read`);
      if (name === 'pass') assert.equal(summary.source?.source, 'handleSummary');
      if (name === 'fail') assert.equal(summary.source?.source, 'summary-export');
    }
  });
}
const req = (dir: string) => request(dir, {});

test('SIGINT is forwarded once; k6 writes its summary and exits 105', async (t) => {
  const dir = workdir(t);
  const signals = new EventEmitter();
  const seen: string[] = [];
  const running = runK6(request(dir, { K6_STANDIN_CASE: 'sigint' }), {
    onProgress: () => { if (seen.length === 0) { seen.push('progress'); signals.emit('SIGINT'); } },
    onSignal: (s, as) => seen.push(`${s}->${as}`),
  }, signals);
  const result = await running;
  assert.deepEqual(seen, ['progress', 'SIGINT->SIGINT']);
  assert.equal(result.exitCode, 105);
  assert.equal(result.interrupted, true);
  assert.equal(signals.listenerCount('SIGINT'), 0, 'handlers removed after the run');
  const summary = await readRunSummary({ summary: join(dir, 'summary.json'), summaryExport: join(dir, 'summary-export.json') });
  assert.ok(summary.results && summary.results.http.requests! > 0);
  assert.match(readFileSync(join(dir, 'k6.stderr.log'), 'utf8'), /aborted because k6 received a 'interrupt' signal/);
});

test('SIGTERM is forwarded too', async (t) => {
  const dir = workdir(t);
  const signals = new EventEmitter();
  let sent = 0;
  const result = await runK6(request(dir, { K6_STANDIN_CASE: 'sigint' }), { onProgress: () => { if (sent++ === 0) signals.emit('SIGTERM'); } }, signals);
  assert.equal(result.exitCode, 105);
  assert.equal(result.interrupted, true);
});

// The third signal (SIGKILL) is tested in third-signal.test.ts, with a k6 that ignores the first two.

test('a missing or corrupt summary is reported, and the export is the fallback', async (t) => {
  const dir = workdir(t);
  const files = { summary: join(dir, 'summary.json'), summaryExport: join(dir, 'summary-export.json') };
  const none = await readRunSummary(files);
  assert.equal(none.results, undefined);
  assert.match(none.error!, /summary\.json \(handleSummary\) missing; summary-export\.json missing/);
  writeFileSync(files.summary, fixture('v2.2.0', 'pass.handle-summary.json').slice(0, 500));
  const corrupt = await readRunSummary(files);
  assert.match(corrupt.error!, /summary\.json \(handleSummary\): not valid JSON/);
  writeFileSync(files.summaryExport, fixture('v2.2.0', 'pass.summary-export.json'));
  const fallback = await readRunSummary(files);
  assert.equal(fallback.source?.source, 'summary-export');
  assert.equal(fallback.source?.file, files.summaryExport);
});

test('--no-summary: k6 exits 0 and leaves no summary', async (t) => {
  const dir = workdir(t);
  const result = await runK6(request(dir, {}, { extraArgs: ['--no-summary'] }), {}, new EventEmitter());
  assert.equal(result.exitCode, 0);
  assert.equal(existsSync(join(dir, 'summary.json')), false);
  assert.equal(existsSync(join(dir, 'summary-export.json')), false);
});

test('k6 missing from PATH, or a --k6/K6_BIN path that is not there: EnvironmentError with install hints', async (t) => {
  const dir = workdir(t);
  assert.throws(() => resolveK6Path({ env: { PATH: dir, LOADCTL_K6_CACHE: dir } }), (e: unknown) => e instanceof EnvironmentError && /not found on PATH/.test(e.message) && /brew install k6/.test(e.hint!) && /winget/.test(e.hint!));
  assert.throws(() => resolveK6Path({ k6Path: join(dir, 'nope'), env: { PATH: '' } }), /k6 not found at .*nope \(from --k6\)/);
  assert.throws(() => resolveK6Path({ env: { K6_BIN: join(dir, 'nope') } }), /from K6_BIN/);
  writeFileSync(join(dir, 'k6'), '#!/bin/sh\n');
  chmodSync(join(dir, 'k6'), 0o755);
  assert.equal(resolveK6Path({ env: { PATH: `/nonexistent:${dir}` } }).path, join(dir, 'k6'));
  assert.equal(resolveK6Path({ k6Path: standin, env: { PATH: dir } }).source, '--k6');
});

for (const v of versions) {
  test(`${v}: locateK6 runs \`k6 version\` and accepts it`, async () => {
    const k6 = await locateK6({ k6Path: standin, env: { ...process.env, K6_STANDIN_VERSION: v } });
    assert.equal(k6.version.text, v);
    assert.equal(k6.versionLine, fixture(v, 'version.txt').trim());
  });
}

test('an unsupported or unrecognised k6 version is an EnvironmentError', async (t) => {
  const dir = workdir(t);
  const old = join(dir, 'k6-old');
  writeFileSync(old, '#!/bin/sh\necho "k6 v0.48.0 (go1.21.4, linux/amd64)"\n');
  chmodSync(old, 0o755);
  await assert.rejects(locateK6({ k6Path: old }), (e: unknown) => e instanceof EnvironmentError && /k6 v0\.48\.0 .* is not supported \(loadctl needs k6 v0\.49\.0 to v2\.x\)/.test(e.message));
  const odd = join(dir, 'k6-odd');
  writeFileSync(odd, '#!/bin/sh\necho "hello"\n');
  chmodSync(odd, 0o755);
  await assert.rejects(locateK6({ k6Path: odd }), /did not report a k6 version/);
});

test('the recorded command line is copy-pasteable shell', () => {
  const line = formatK6Command('/opt/k6', ['run', '--tag', "a b's"], { B: 'x y', A: '1' });
  assert.equal(line, `env A=1 'B=x y' /opt/k6 run --tag 'a b'\\''s'`);
});

test('a binary that cannot be spawned comes back as spawnError', async (t) => {
  const dir = workdir(t);
  const notExec = join(dir, 'k6');
  writeFileSync(notExec, 'not a program');
  const result = await runK6({ ...request(dir, {}), k6Path: notExec }, {}, new EventEmitter());
  assert.ok(result.spawnError);
  assert.equal(result.exitCode, null);
});
