// `loadctl report` end to end: bin/loadctl.js spawned on run folders this test writes.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { ensureBuilt } from '../kit/build.ts';
import { runCli } from '../kit/cli.ts';
import { repoRoot } from '../kit/paths.ts';
import { chaosResult, writeRunFolder } from './run-folders.ts';
import { buildTimeline, outage } from './timeline-builder.ts';
import { tempDir } from '../kit/temp.ts';

let work = '';
const run = (...args: string[]) => runCli(args, { cwd: repoRoot });

before(() => {
  ensureBuilt();
  work = tempDir('loadctl-report-');
  writeRunFolder(work, 'base', { profile: 'normal', vus: 1000, p99: 200, errorRate: 0.001, targets: [{ name: 'booking P99', actual: 180, ok: true }] });
  writeRunFolder(work, 'good', { profile: 'normal', vus: 1000, p99: 210, errorRate: 0.0012, targets: [{ name: 'booking P99', actual: 190, ok: true }] });
  // An older run: timeline and fault window kept, phases not in result.json; report computes them.
  const timeline = buildTimeline(1000, 90, (t) => (t >= 1030 && t < 1058 ? outage : {}));
  writeRunFolder(work, 'bad', {
    profile: 'spike', vus: 1000, p99: 480, errorRate: 0.04, targets: [{ name: 'booking P99', actual: 450, ok: false }],
    timeline, fault: { experiment: 'redis-failure', injectedAt: 1_030_000, rolledBackAt: 1_045_000, probesRecoveredAt: 1_047_000 }, phasesInResult: false,
  });
  // A chaos run as the engine leaves it: chaos.json with the fault window and events, timeline.json.
  writeRunFolder(work, 'chaos', {
    profile: 'spike', timeline: buildTimeline(2000, 60, (t) => (t >= 2010 && t < 2026 ? outage : {})),
    chaos: chaosResult(2_010_000, 2_020_600, 2_023_000),
  });
  mkdirSync(join(work, 'empty'));
});
after(() => rmSync(work, { recursive: true, force: true }));

test('prints the benchmark table as markdown, one row per run folder', async () => {
  const r = await run('report', join(work, 'base'), join(work, 'bad'));
  assert.equal(r.code, 0, r.stderr);
  const lines = r.stdout.trim().split('\n');
  assert.equal(lines[0], '| Scenario | VUs | P99 latency | Error rate | Notes |');
  assert.match(lines[2] as string, /^\| normal \| 1,000 \| 200 ms \| 0\.10 % \| PASS; 64 req\/s \|$/);
  // Recovery computed from timeline.json: errors until 1057, rollback at 1045 -> 13 s; probes 2 s.
  assert.match(lines[3] as string, /^\| spike \| 1,000 \| 480 ms \| 4\.00 % \| FAIL; targets missed: booking P99; redis-failure: users recovered in 13 s, containers 2 s \(PASS < 30 s\)/);
});

test('--baseline: within tolerance exits 0, a regression exits 1 and names the metrics', async () => {
  const ok = await run('report', '--baseline', join(work, 'base'), join(work, 'good'));
  assert.equal(ok.code, 0, ok.stdout + ok.stderr);
  assert.match(ok.stdout, /no regression beyond the tolerance/);

  const bad = await run('report', '--baseline', join(work, 'base'), '--tolerance', '10%', join(work, 'bad'));
  assert.equal(bad.code, 1, bad.stdout + bad.stderr);
  assert.match(bad.stdout, /\| p99 latency \| 200\.0 ms \| 480\.0 ms \| \+140\.0 % \| REGRESSION/);
  assert.match(bad.stdout, /\| error rate \| 0\.10 % \| 4\.00 % \|.*REGRESSION/);
  assert.match(bad.stdout, /\| target: booking P99 \| PASS \| FAIL \|/);
  assert.match(bad.stdout, /3 regressions beyond the 10\.0 % tolerance/);

  // A looser tolerance lets the p99 pass but the flipped target still counts.
  const loose = await run('report', '--baseline', join(work, 'base'), '--tolerance', '5000%', join(work, 'bad'));
  assert.equal(loose.code, 1);
  assert.match(loose.stdout, /1 regression beyond/);
});

test('a folder that is not a run folder, or a bad tolerance, is a usage error (exit 2) with one clear line', async () => {
  for (const dir of [join(work, 'empty'), join(work, 'missing')]) {
    const r = await run('report', join(work, 'base'), dir);
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /^loadctl: .* is not a run folder: .*\n  fix: pass a folder made by `loadctl run`/);
    assert.doesNotMatch(r.stderr, /\n\s+at /);
    assert.equal(r.stdout, '', 'nothing printed before the bad folder was found');
  }
  const tol = await run('report', '--tolerance', 'lots', join(work, 'base'));
  assert.equal(tol.code, 2);
  assert.match(tol.stderr, /--tolerance lots is not a percentage/);

  const broken = join(work, 'broken');
  mkdirSync(broken);
  writeFileSync(join(broken, 'result.json'), '{"schema": ');
  const b = await run('report', broken);
  assert.equal(b.code, 2);
  assert.match(b.stderr, /result\.json is not valid JSON/);
});

test('--html writes a self-contained report.html into each run folder', async () => {
  const r = await run('report', '--html', join(work, 'bad'), join(work, 'base'));
  assert.equal(r.code, 0, r.stderr);
  for (const name of ['bad', 'base']) {
    const path = join(work, name, 'report.html');
    assert.ok(existsSync(path), `${path} written`);
    assert.match(r.stdout, new RegExp(`wrote .*${name}/report\\.html`));
    const html = readFileSync(path, 'utf8');
    assert.doesNotMatch(html, /<script[^>]+src=|<link[^>]+href=|@import|url\(http/i, 'nothing loaded from elsewhere');
  }
  const bad = readFileSync(join(work, 'bad', 'report.html'), 'utf8');
  assert.match(bad, /uPlot/);
  assert.match(bad, /redis-failure: fault injected/);
  const base = readFileSync(join(work, 'base', 'report.html'), 'utf8');
  assert.match(base, /No per-second timeline/);
});

test('a chaos run folder (chaos.json + timeline.json): recovery from the engine\'s window, its events in the HTML', async () => {
  const r = await run('report', '--html', '--phases', join(work, 'chaos'), join(work, 'base'));
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /\| recovery \| 6 \| 600 \| 80\.00 % \|/);
  assert.match(r.stdout, /\*\*Recovery \(redis-failure\): PASS\*\*: users 5\.4 s, containers 2\.4 s; users suffered 3 s/);
  assert.match(r.stdout, /base:\n+no chaos experiment in this run/);
  // Errors until 2025, rollback 2020.6 -> users at 2026 = 5.4 s; probes at 2023 = 2.4 s.
  assert.match(r.stdout, /redis-failure: users recovered in 5\.4 s, containers 2\.4 s \(PASS < 30 s\)/);
  const html = readFileSync(join(work, 'chaos', 'report.html'), 'utf8');
  assert.match(html, /step 1 injected: stop container ticketing-redis/);
  assert.match(html, /undo start ticketing-redis: ok/);
  assert.equal(html.match(/probes unhealthy/g)?.length, 1, 'probe rounds only when health changes');
  assert.equal(html.match(/probes healthy/g)?.length, 1);
});
