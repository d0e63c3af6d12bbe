// `loadctl demo` end to end as a subprocess, with real k6: none at all, the
// real binary, and the pinned k6 built with Go on a machine that has no k6.
// The project folder's own profiles/simple.yaml shortens the demo's profile.
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { installLine, k6Skip, missing, realK6 } from '../kit/parts.ts';
import { runCli } from '../kit/cli.ts';
import { ensureBuilt, portIsFree, repoRoot, sparePort } from './helpers.ts';
import { tempDir } from '../kit/temp.ts';

before(() => ensureBuilt());

function demo(args: string[], env: Record<string, string>, cwd: string) {
  // A bare environment: no k6 on PATH, no K6_BIN inherited from the machine.
  const base = { PATH: dirname(process.execPath), HOME: process.env.HOME ?? tmpdir(), LOADCTL_K6_CACHE: join(cwd, 'no-k6-cache') };
  return runCli(['demo', ...args], { cwd, env: { ...base, ...env }, inheritEnv: false });
}

test('demo without k6: stops the sandbox, then says so in one line with how to install k6, exit 3', async (t) => {
  const cwd = tempDir('loadctl-demo-');
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

/** A project folder whose simple.yaml is a few seconds long (the demo's profile). */
function shortDemoProject(): string {
  const cwd = tempDir('loadctl-demo-');
  mkdirSync(join(cwd, 'profiles'));
  writeFileSync(join(cwd, 'profiles/simple.yaml'), 'description: the demo, shortened\nscenario: simple\nexecutor: constant-vus\nvus: 3\nduration: 3s\nenv: { THINK_TIME: 0.05 }\n');
  return cwd;
}

test('demo on real k6: the users it created log in and book with no failed request, verdict PASS, sandbox stopped', { skip: k6Skip() }, async (t) => {
  const cwd = shortDemoProject();
  t.after(() => rmSync(cwd, { recursive: true, force: true }));
  const port = await sparePort();
  const r = await demo(['--port', String(port), '--users', '3', '--k6', realK6()], {}, cwd);
  assert.equal(r.code, 0, `every target met against the sandbox\n${r.stdout}\n${r.stderr}`);
  const runs = join(cwd, '.loadctl/runs');
  const dir = join(runs, readdirSync(runs)[0] as string);
  const result = JSON.parse(readFileSync(join(dir, 'result.json'), 'utf8')) as {
    totals: { requests: number; errorRate: number };
    endpoints: Record<string, { http_req_failed: { stats: { rate: number; count: number } } }>;
  };
  assert.ok(result.totals.requests > 20, `requests ${result.totals.requests}`);
  assert.equal(result.totals.errorRate, 0);
  assert.equal(result.endpoints.login?.http_req_failed.stats.count, 3, 'each VU logged in with a created account');
  for (const name of ['login', 'hold_seats', 'confirm_booking']) {
    assert.ok((result.endpoints[name]?.http_req_failed.stats.count ?? 0) > 0, name);
    assert.equal(result.endpoints[name]?.http_req_failed.stats.rate, 0, name);
  }
  // What demo handed k6: the sandbox's address and the number of accounts it made.
  const command = readFileSync(join(dir, 'k6-command.txt'), 'utf8');
  assert.match(command, new RegExp(`BASE_URL=http://127\\.0\\.0\\.1:${port} `));
  assert.match(command, / USER_COUNT=3 /);
  assert.match(r.stdout, /booking P99[\s\S]*PASS/);
  assert.match(r.stdout, /demo: sandbox stopped\s*$/);
  assert.ok(await portIsFree(port));
});

test('demo on a machine with Go and no k6: builds the pinned k6 once into the cache, then runs', { timeout: 900_000 }, async (t) => {
  const go = spawnSync('sh', ['-c', 'command -v go'], { encoding: 'utf8' }).stdout.trim();
  if (!go) return t.skip(missing('go', installLine('go')) || undefined);
  const cwd = shortDemoProject();
  t.after(() => rmSync(cwd, { recursive: true, force: true }));
  const cache = join(cwd, 'k6-cache');
  const r = await demo(['--users', '3'], { PATH: `${dirname(process.execPath)}:${dirname(go)}`, LOADCTL_K6_CACHE: cache }, cwd);
  assert.equal(r.code, 0, `${r.stdout}\n${r.stderr}`);
  assert.match(r.stdout, /demo: k6 was not found; Go is here, so building k6 v2\.2\.0 once into /);
  assert.match(r.stdout, /k6 v2\.2\.0 built in \d+ s/);
  assert.ok(existsSync(join(cache, 'v2.2.0', 'k6')));
  assert.match(r.stdout, /k6 v2\.2\.0 .*\(from cache\)|PASS/);
  // The second demo reuses it: no build.
  const again = await demo(['--users', '3'], { PATH: `${dirname(process.execPath)}:${dirname(go)}`, LOADCTL_K6_CACHE: cache }, cwd);
  assert.equal(again.code, 0, again.stderr);
  assert.doesNotMatch(again.stdout, /building k6/);
});
