// `loadctl demo` end to end as a subprocess. k6 cannot run here: the first
// test has none at all; the second uses the project's k6 stand-in
// (test/fixtures/k6-standin/k6, a FAKE that replays recorded k6 runs, or in
// its http mode sends real booking traffic) to check what demo hands to k6
// and that the users it created can log in and book.
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { spawn } from 'node:child_process';
import { cliPath, ensureBuilt, portIsFree, repoRoot, sparePort } from './helpers.ts';

before(() => ensureBuilt());

function demo(args: string[], env: Record<string, string>, cwd: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  // A bare environment: no k6 on PATH, no K6_BIN inherited from the machine.
  const base = { PATH: dirname(process.execPath), HOME: process.env.HOME ?? tmpdir(), NO_COLOR: '1' };
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [cliPath, 'demo', ...args], { cwd, env: { ...base, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => { stdout += c.toString(); });
    child.stderr.on('data', (c: Buffer) => { stderr += c.toString(); });
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

test('demo without k6: stops the sandbox, then says so in one line with how to install k6, exit 3', async (t) => {
  const cwd = mkdtempSync(join(tmpdir(), 'loadctl-demo-'));
  t.after(() => rmSync(cwd, { recursive: true, force: true }));
  const port = await sparePort();
  const r = await demo(['--port', String(port), '--users', '20'], {}, cwd);
  assert.equal(r.code, 3, r.stderr);
  const lines = r.stderr.trimEnd().split('\n');
  assert.equal(lines.length, 1, r.stderr);
  assert.match(lines[0] as string, /^loadctl: demo: k6 was not found on PATH .*install k6 from https:\/\/grafana\.com\/docs\/k6\//);
  assert.match(r.stdout, new RegExp(`sandbox listening on http://127\\.0\\.0\\.1:${port}[\\s\\S]*20 test users ready[\\s\\S]*demo: sandbox stopped`));
  assert.ok(await portIsFree(port), 'the sandbox port is free afterwards');
});

test('demo hands k6 the sandbox URL and the user count, prints the verdict, and stops the sandbox', async (t) => {
  const cwd = mkdtempSync(join(tmpdir(), 'loadctl-demo-'));
  t.after(() => rmSync(cwd, { recursive: true, force: true }));
  const port = await sparePort();
  const record = join(cwd, 'k6-call.json');
  const standin = join(repoRoot, 'test/fixtures/k6-standin/k6');
  const r = await demo(['--port', String(port), '--users', '30', '--k6', standin], { K6_STANDIN_RECORD: record, K6_STANDIN_CASE: 'fail' }, cwd);
  assert.equal(r.code, 1, `a failed verdict is exit 1\n${r.stderr}`);
  const call = JSON.parse(readFileSync(record, 'utf8')) as { argv: string[]; env: Record<string, string> };
  assert.ok(call.argv.includes('run'));
  assert.equal(call.env.BASE_URL, `http://127.0.0.1:${port}`);
  assert.equal(call.env.USER_COUNT, '30');
  assert.match(r.stdout, /FAIL[\s\S]*demo: sandbox stopped/);
  assert.ok(await portIsFree(port));
});

test('demo under real traffic (stand-in http mode): the created users log in and book with no failed request', async (t) => {
  const cwd = mkdtempSync(join(tmpdir(), 'loadctl-demo-'));
  t.after(() => rmSync(cwd, { recursive: true, force: true }));
  const standin = join(repoRoot, 'test/fixtures/k6-standin/k6');
  const r = await demo(['--users', '5', '--k6', standin], {
    K6_STANDIN_CASE: 'http', K6_STANDIN_VUS: '5', K6_STANDIN_MAX_REQUESTS: '150', K6_STANDIN_DURATION_MS: '3000',
  }, cwd);
  assert.equal(r.code, 0, `every target met against the sandbox\n${r.stdout}\n${r.stderr}`);
  const runs = join(cwd, '.loadctl/runs');
  const result = JSON.parse(readFileSync(join(runs, readdirSync(runs)[0] as string, 'result.json'), 'utf8')) as {
    totals: { requests: number; errorRate: number };
    endpoints: Record<string, { http_req_failed: { stats: { rate: number; count: number } } }>;
  };
  assert.ok(result.totals.requests > 20, `requests ${result.totals.requests}`);
  assert.equal(result.totals.errorRate, 0);
  assert.equal(result.endpoints.login?.http_req_failed.stats.count, 5, 'each VU logged in with a created account');
  for (const name of ['login', 'hold_seats', 'confirm_booking']) {
    assert.ok((result.endpoints[name]?.http_req_failed.stats.count ?? 0) > 0, name);
    assert.equal(result.endpoints[name]?.http_req_failed.stats.rate, 0, name);
  }
  assert.match(r.stdout, /booking P99[\s\S]*PASS/);
  assert.match(r.stdout, /demo: sandbox stopped\s*$/);
});
