// What a k6 user sees of their own script under `loadctl run`, with real k6
// (v0.49.0 and v2.2.0) against the sandbox: k6's figure beside each
// threshold, the script's console.log and --http-debug on the terminal
// (prefixed, throttled with a count), its own handleSummary stdout, its
// checks (with group path), groups and custom metrics in the console and in
// report.html (real Chromium); a threshold on a submetric that got no sample
// fails the run (k6 itself exits 0 and says held) unless allowed; and the
// saved k6-command.txt, run again, leaves the run's summary files alone.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, statSync } from 'node:fs';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { k6Skip, k6Versions, realK6 } from '../kit/parts.ts';
import { chromiumSkip, openReport } from '../helpers/report-page.ts';
import { ensureBuilt, openProject, readJson, repoRoot, shortProfile, type Project, type Ran } from './harness.ts';

const SCRIPT = `import http from 'k6/http';
import { check, group } from 'k6';
import { Counter, Trend } from 'k6/metrics';

const waited = new Trend('my_wait', true);
const tries = new Counter('my_tries');

export const options = {
  thresholds: {
    http_req_duration: ['p(95)<5000'],
    // A scenario that never runs: k6 reports the submetric with no sample and says held.
    'http_req_duration{scenario:never}': ['p(95)<500'],
    my_tries: ['count>0'],
  },
};

export default function () {
  console.log('iteration ' + __ITER + ' of vu ' + __VU);
  for (let i = 0; i < Number(__ENV.LOUD || 0); i++) console.log('loud line ' + i);
  group('api', function () {
    const r = http.get(__ENV.BASE_URL + '/health');
    check(r, { 'status is 200': (x) => x.status === 200 });
    waited.add(r.timings.waiting);
  });
  tries.add(1);
}

export function handleSummary(data) {
  return { stdout: 'MY SUMMARY: ' + data.metrics.iterations.values.count + ' iterations\\n' };
}
`;

let project: Project;
before(async () => {
  ensureBuilt();
  project = await openProject();
  project.write('scenarios/viewed.ts', SCRIPT);
  project.write('profiles/viewed.yaml', shortProfile({ scenario: 'viewed', vus: 2, duration: '2s', extra: 'defaultTargets: false\nendpoints: []' }));
});
after(async () => { await project?.close(); });

const out = (r: Ran) => `${r.stdout}\n${r.stderr}`;

for (const version of k6Versions) {
  describe(`real k6 ${version}: the script's own view`, { skip: k6Skip(version) }, () => {
    test('figures beside thresholds, console, handleSummary stdout, checks, groups, custom metrics; the empty threshold fails', async () => {
      const r = await project.loadctl(['run', 'viewed', '--k6', realK6(version), '--no-typecheck']);
      assert.equal(r.code, 1, out(r));
      const doc = readJson<{ k6: { exitCode: number }; reason: string; thresholds: Array<{ metric: string; ok: boolean; noSamples: boolean; figure: string | null }> }>(join(r.runDir!, 'result.json'));
      assert.equal(doc.k6.exitCode, 0, 'k6 itself said every threshold held');
      assert.equal(doc.reason, '1 of 3 k6 thresholds failed (all on a metric with no samples)');
      const never = doc.thresholds.find((t) => t.metric === 'http_req_duration{scenario:never}')!;
      assert.deepEqual([never.ok, never.noSamples], [false, true]);
      assert.match(r.stdout, /k6 threshold http_req_duration\{scenario:never\}: p\(95\)<500 .*no samples/s);
      assert.match(r.stdout, /p\(95\)=[\d.]+(ms|µs)\s+held/);
      assert.match(r.stdout, /count=\d+\s+held/);
      assert.match(r.stdout, /^console: iteration 0 of vu 1$/m);
      assert.match(r.stdout, /^the script's handleSummary printed:\nMY SUMMARY: \d+ iterations$/m);
      assert.match(r.stdout, /^ {2}✓ api › status is 200 {2}100% \(\d+ passed, 0 failed\)$/m);
      assert.match(r.stdout, /^groups: api$/m);
      assert.match(r.stdout, /^ {2}my_tries +counter +count=\d+/m);
      assert.match(r.stdout, /^ {2}my_wait +trend +avg=/m);
    });

    test('--allow-no-samples lets that threshold be empty; --http-debug and a loud script print, throttled with a count', async () => {
      const r = await project.loadctl(['run', 'viewed', '--k6', realK6(version), '--no-typecheck', '--allow-no-samples', 'http_req_duration{scenario:never}', '--env', 'LOUD=60', '--', '--http-debug']);
      assert.equal(r.code, 0, out(r));
      assert.match(r.stdout, /no samples \(allowed/);
      // The loud lines may spend the second's budget before k6's debug dump arrives, so the dump is checked on a quiet run.
      const quiet = await project.loadctl(['run', 'viewed', '--k6', realK6(version), '--no-typecheck', '--allow-no-samples', 'http_req_duration{scenario:never}', '--', '--http-debug']);
      assert.equal(quiet.code, 0, out(quiet));
      assert.match(quiet.stdout, /^http-debug: (Request:\n {12}GET \/health HTTP\/1\.1|Response:\n {12}HTTP\/1\.1 200 OK)$/m);
      assert.match(r.stdout, /^console: [\d,]+ more script lines not shown \(at most 20 a second here; all are in k6\.stderr\.log\)$/m);
      const stderr = readFileSync(join(r.runDir!, 'k6.stderr.log'), 'utf8');
      assert.ok((stderr.match(/loud line/g) ?? []).length >= 120, 'the log keeps every line');
    });
  });
}

test('report.html of that run lists the checks with their group, the groups and the custom metrics (real Chromium)', { skip: k6Skip('v2.2.0') || chromiumSkip() }, async () => {
  const r = await project.loadctl(['run', 'viewed', '--k6', realK6('v2.2.0'), '--no-typecheck', '--allow-no-samples', 'http_req_duration{scenario:never}']);
  assert.equal(r.code, 0, out(r));
  const seen = await openReport(join(r.runDir!, 'report.html'), join(repoRoot, 'test-artifacts', 'report-script-view.png'));
  assert.deepEqual(seen.problems, []);
  assert.match(seen.text, /Checks, groups and custom metrics/);
  assert.match(seen.text, /api › status is 200/);
  assert.match(seen.text, /Groups: ::api/);
  assert.match(seen.text, /my_wait\s+trend\s+avg=/);
  assert.match(seen.text, /my_tries\s+counter\s+count=\d+/);
  assert.match(seen.text, /p\(95\)<500\s+no samples/);
  assert.match(seen.text, /p\(95\)<5000\s+p\(95\)=[\d.]+(ms|µs)/);
});

test('a script that makes no HTTP request is not told the remote-write feed failed', { skip: k6Skip('v2.2.0') }, async () => {
  project.write('scenarios/nohttp.ts', `import { sleep } from 'k6';\nexport default function (): void { sleep(0.2); }\n`);
  project.write('profiles/nohttp.yaml', shortProfile({ scenario: 'nohttp', vus: 1, duration: '2s', extra: 'defaultTargets: false\nendpoints: []' }));
  const r = await project.loadctl(['run', 'nohttp', '--k6', realK6('v2.2.0'), '--no-typecheck', '--no-preflight']);
  assert.equal(r.code, 0, out(r));
  assert.doesNotMatch(out(r), /remote-write/);
});

test('running the saved k6-command.txt again leaves the run\'s own summary files as they were', { skip: k6Skip('v2.2.0') }, async () => {
  const r = await project.loadctl(['run', 'viewed', '--k6', realK6('v2.2.0'), '--no-typecheck', '--no-live']);
  assert.equal(r.code, 1, out(r));
  const summary = join(r.runDir!, 'summary.json');
  const before = readFileSync(summary, 'utf8');
  const mtime = statSync(summary).mtimeMs;
  // Not spawnSync: the sandbox answering k6 lives in this process.
  const replay = await new Promise<{ code: number | null; stderr: string }>((resolve) => {
    const child = spawn('sh', [join(r.runDir!, 'k6-command.txt')], { cwd: project.cwd, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => { stderr += c.toString(); });
    child.on('close', (code) => resolve({ code, stderr }));
  });
  assert.equal(replay.code, 0, replay.stderr); // plain k6 says held on the empty submetric
  assert.equal(readFileSync(summary, 'utf8'), before);
  assert.equal(statSync(summary).mtimeMs, mtime);
  assert.ok(statSync(join(r.runDir!, 'replay-summary.json')).size > 0, 'the replay wrote its own summary');
  assert.match(readFileSync(join(r.runDir!, 'replay-summary-script-stdout.txt'), 'utf8'), /^MY SUMMARY/);
});
