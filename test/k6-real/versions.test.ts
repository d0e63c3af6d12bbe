// Real k6 at both ends of the supported range (v0.49.0, v2.2.0) against the
// real sandbox: a k6 kept under another name is still recognised; the live
// feed asks the output for native histograms the way each version takes it
// (a k6 JSON config in K6_CONFIG from v2.1, the old
// K6_PROMETHEUS_RW_TREND_AS_NATIVE_HISTOGRAM before), so v2.2.0 logs no
// "Legacy env var" warning, both give a timeline with percentiles, and the
// user's own `--out json` points carry no k6_feature_native_histograms tag
// (K6_FEATURES would tag every output's samples); a target string written
// "p95<2000" is judged like "p(95)<2000".
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, existsSync, linkSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { k6Skip, k6Versions, realK6 } from '../kit/parts.ts';
import { locateK6 } from '../../src/k6/locate.ts';
import { setupUsers } from '../../src/users/setup.ts';
import { ensureBuilt, openProject, readJson, shortProfile, type Project } from './harness.ts';
import { tempDir } from '../kit/temp.ts';

let project: Project;
before(async () => {
  ensureBuilt();
  project = await openProject();
  await setupUsers({ baseUrl: project.sandbox.url, count: 4, prefix: 'testuser', domain: 'loadtest.com', password: 'LoadTest123!', concurrency: 4 });
  project.write('profiles/feed.yaml', shortProfile({
    scenario: 'simple', vus: 2, duration: '4s',
    extra: 'env: { USER_COUNT: "4", THINK_TIME: "0.2" }\ntargets:\n  - "http_req_duration p95<2000"\n  - "http_req_duration{name:login} p(95)<2000"',
  }));
});
after(async () => { await project?.close(); });

for (const version of k6Versions) {
  describe(`real k6 ${version}`, { skip: k6Skip(version) }, () => {
    test('a copy named k6-<x> is recognised: the version is read wherever it stands in the line', async (t) => {
      const dir = tempDir('loadctl-k6name-');
      t.after(() => rmSync(dir, { recursive: true, force: true }));
      const copy = join(dir, `k6-${version.slice(1)}`);
      // k6 prints its own file name, so a symlink (resolved to .../k6) would not show the problem.
      try { linkSync(realK6(version), copy); } catch { copyFileSync(realK6(version), copy); }
      const located = await locateK6({ k6Path: copy, env: { PATH: '' } });
      assert.match(located.versionLine, new RegExp(`^k6-${version.slice(1).replace(/\./g, '\\.')} ${version} `), 'k6 printed its own name first');
      assert.equal(located.version.text, version);
    });

    test('live feed with the switch this version supports: a timeline, no legacy warning; "p95<2000" is a target', async () => {
      const points = join(project.cwd, `points-${version}.json`);
      const r = await project.loadctl(['run', 'feed', '--k6', realK6(version), '--no-typecheck', '--', '--out', `json=${points}`]);
      assert.equal(r.code, 0, `${r.stdout}\n${r.stderr}`);
      assert.ok(r.runDir && existsSync(join(r.runDir, 'timeline.json')), `a timeline was written\n${r.stderr}`);
      const k6Stderr = readFileSync(join(r.runDir, 'k6.stderr.log'), 'utf8');
      assert.doesNotMatch(k6Stderr, /Legacy env var/i);
      assert.doesNotMatch(r.stderr, /live feed|Legacy/i);
      const command = readFileSync(join(r.runDir, 'k6-command.txt'), 'utf8');
      if (version === 'v2.2.0') assert.match(command, /K6_CONFIG=\S+\/k6-config\/native-histograms\.json/);
      else assert.match(command, /K6_PROMETHEUS_RW_TREND_AS_NATIVE_HISTOGRAM=true/);
      assert.doesNotMatch(command, /K6_FEATURES/);
      const own = readFileSync(points, 'utf8');
      assert.match(own, /"type":"Point"/);
      assert.doesNotMatch(own, /k6_feature_/, 'the user\'s own points carry only their own tags');

      const result = readJson<{ live: { source: string }; totals: { requests: number }; targets: Array<{ name: string; stat: string; ok: boolean; actual: number | null }> }>(join(r.runDir, 'result.json'));
      assert.equal(result.live.source, 'remote-write');
      const timeline = readJson<{ total: Array<{ requests: number; p99: number | null }> }>(join(r.runDir, 'timeline.json'));
      assert.equal(timeline.total.reduce((n, s) => n + s.requests, 0), result.totals.requests, 'the live timeline counts every request k6 made');
      assert.ok(timeline.total.some((s) => s.requests > 0 && s.p99 !== null), 'native histograms reached the feed: per-second p99s');
      const p95 = result.targets.find((x) => x.name === 'http_req_duration p95 < 2000');
      assert.ok(p95, JSON.stringify(result.targets.map((x) => x.name)));
      assert.equal(p95.stat, 'p95');
      assert.ok(p95.ok && typeof p95.actual === 'number' && p95.actual > 0, JSON.stringify(p95));
      assert.ok(result.targets.some((x) => x.name === 'http_req_duration{name:login} p95 < 2000' && x.ok));
    });
  });
}
