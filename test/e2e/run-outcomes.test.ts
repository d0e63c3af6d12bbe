// `loadctl run` end to end on REAL k6, at both ends of the supported range and a v1,
// against the real sandbox: each outcome k6 can be made to produce on demand
// (pass, thresholds crossed, abortOnFail, an exception at init, test.abort(),
// Ctrl-C, --no-summary) and the exit code, status and files loadctl makes of it.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Sandbox } from '../../src/sandbox/server.ts';
import { k6Skip, k6VersionsWithV1, realK6 } from '../kit/parts.ts';
import { loadctl, project, readJson, runDirs, sandboxWithUsers } from './harness.ts';

const users = 4;
const short = (extra = '') => `description: a few seconds of the journey
scenario: simple
executor: constant-vus
vus: 2
duration: 3s
env: { THINK_TIME: 0.05, USER_COUNT: ${users} }
${extra}`;

const files = {
  'profiles/ok.yaml': short(),
  'profiles/slow.yaml': short('thresholds:\n  http_req_duration: ["p(99)<0.001"]\n'),
  'profiles/abort.yaml': short('duration: 30s\nthresholds:\n  http_req_duration: [{ threshold: "p(99)<0.001", abortOnFail: true }]\n').replace('duration: 3s\n', ''),
  'profiles/long.yaml': short().replace('duration: 3s', 'duration: 60s'),
  'profiles/boom.yaml': short().replace('scenario: simple', 'scenario: boom'),
  'profiles/giveup.yaml': short().replace('scenario: simple', 'scenario: giveup'),
  'scenarios/boom.ts': "import http from 'k6/http';\n\nconst base: string = __ENV.BASE_URL ?? '';\nthrow new Error('boom at init');\n\nexport default function (): void {\n  http.get(base);\n}\n",
  'scenarios/giveup.ts': "import exec from 'k6/execution';\nimport http from 'k6/http';\n\nexport default function (): void {\n  http.get(`${__ENV.BASE_URL}/health`);\n  if (exec.scenario.iterationInTest >= 5) exec.test.abort('enough');\n}\n",
};

for (const version of k6VersionsWithV1) {
  describe(`loadctl run on real k6 ${version}`, { skip: k6Skip(version), timeout: 240_000 }, () => {
    let sandbox: Sandbox;
    let cwd: string;
    let env: Record<string, string>;
    before(async () => {
      sandbox = await sandboxWithUsers(users);
      cwd = project(files);
      env = { K6_BIN: realK6(version) };
    });
    after(async () => {
      await sandbox?.close();
      if (cwd) rmSync(cwd, { recursive: true, force: true });
    });
    const run = (profile: string, extra: string[] = [], options: Parameters<typeof loadctl>[1] extends infer O ? Partial<O> : never = {}) => {
      const outDir = join(cwd, 'runs', `${profile}-${extra.join('').replace(/\W/g, '')}`);
      return loadctl(['run', profile, '--base-url', sandbox.url, '--out-dir', outDir, ...extra], { cwd, env, ...options })
        .then((r) => ({ ...r, dir: runDirs(outDir)[0] }));
    };

    test('a passing run: exit 0, the verdict on k6\'s own counts, every file', async () => {
      const stepSummary = join(cwd, 'step-summary.md');
      writeFileSync(stepSummary, '# earlier step\n');
      const r = await run('ok', ['--json', '--junit', 'reports/ok.xml'], { env: { ...env, GITHUB_STEP_SUMMARY: stepSummary } });
      assert.equal(r.code, 0, r.stderr);
      const doc = JSON.parse(r.stdout);
      assert.equal(doc.status, 'passed');
      assert.equal(doc.k6.version, version);
      assert.equal(doc.k6.exitCode, 0);
      // The totals are k6's own: the summary k6 wrote for this very script.
      const summary = readJson(join(r.dir!, 'summary.json'));
      const reqs = summary.metrics.http_reqs.values.count;
      assert.ok(reqs > 10, `requests ${reqs}`);
      assert.equal(doc.totals.requests, reqs);
      assert.equal(doc.totals.errorRate, 0);
      assert.equal(doc.endpoints.login.http_req_failed.stats.count, 2, 'each VU logged in once with a created account');
      assert.deepEqual(readJson(join(r.dir!, 'result.json')), doc);
      for (const f of ['profile.json', 'script.js', 'script.js.map', 'k6-command.txt', 'k6.stdout.log', 'k6.stderr.log', 'timeline.json', 'report.html']) {
        assert.ok(existsSync(join(r.dir!, f)), f);
      }
      assert.match(readFileSync(join(cwd, 'reports/ok.xml'), 'utf8'), /tests="\d+" failures="0"/);
      assert.match(readFileSync(stepSummary, 'utf8'), /^# earlier step\n### ✅ loadctl run `ok`: PASSED/);
      // The live feed saw the same requests k6 counted.
      const timeline = readJson<{ total: Array<{ requests: number }> }>(join(r.dir!, 'timeline.json'));
      assert.equal(timeline.total.reduce((sum, s) => sum + s.requests, 0), reqs);
    });

    test('thresholds crossed (k6 99): exit 1, status failed, the threshold named', async () => {
      const r = await run('slow');
      assert.equal(r.code, 1, r.stdout + r.stderr);
      const doc = readJson(join(r.dir!, 'result.json'));
      assert.equal(doc.k6.exitCode, 99);
      assert.equal(doc.status, 'failed');
      assert.match(r.stdout, /http_req_duration: p\(99\)<0\.001\s*│[^\n]*│ FAIL/);
    });

    test('abortOnFail stops k6 early: exit 1, marked aborted, long before the 30 s', async () => {
      const r = await run('abort');
      assert.equal(r.code, 1, r.stdout + r.stderr);
      const doc = readJson(join(r.dir!, 'result.json'));
      assert.equal(doc.k6.exitCode, 99);
      // k6's own lifetime, not loadctl's start-up and bundle, which a busy machine stretches.
      assert.ok(doc.k6.durationMs < 25_000, `k6 ran ${doc.k6.durationMs} ms`);
    });

    test('an exception at init (k6 107): exit 5, script-error', async () => {
      const r = await run('boom', ['--no-typecheck']);
      assert.equal(r.code, 5, r.stdout + r.stderr);
      assert.equal(readJson(join(r.dir!, 'result.json')).status, 'script-error');
      assert.match(r.stdout + r.stderr, /boom at init/);
    });

    test('test.abort() in the script (k6 108): exit 4, aborted', async () => {
      const r = await run('giveup', ['--no-typecheck']);
      assert.equal(r.code, 4, r.stdout + r.stderr);
      assert.equal(readJson(join(r.dir!, 'result.json')).k6.exitCode, 108);
    });

    test('summary turned off (k6 exits 0): loadctl never passes a run it has no summary of', async () => {
      // k6 v2 replaced --no-summary with --summary-mode disabled.
      const r = await run('ok', ['--', version === 'v0.49.0' ? '--no-summary' : '--summary-mode=disabled']);
      assert.equal(r.code, 1, r.stdout + r.stderr);
      const doc = readJson(join(r.dir!, 'result.json'));
      assert.equal(doc.k6.exitCode, 0, 'k6 itself ran and passed');
      assert.equal(doc.status, 'no-summary');
    });

    test('Ctrl-C: forwarded to k6, which writes its summary (105); exit 4 with the partial figures', async () => {
      let sent = false;
      const r = await run('long', [], {
        onOutput: (text, kill) => {
          // Once k6 reports progress its VUs are running; interrupt a little later.
          if (!sent && /k6 0m0\ds/.test(text)) { sent = true; setTimeout(() => kill('SIGINT'), 2500); }
        },
      });
      assert.ok(sent, r.stdout + r.stderr);
      assert.equal(r.code, 4, r.stdout + r.stderr);
      const doc = readJson(join(r.dir!, 'result.json'));
      assert.equal(doc.status, 'interrupted');
      assert.equal(doc.k6.exitCode, 105);
      assert.ok(doc.totals.requests > 0);
      assert.ok(r.ms < 40_000, `stopped long before the 60 s hold: ${r.ms} ms`);
    });
  });
}
