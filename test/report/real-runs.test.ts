// `loadctl report` on run folders from real runs (real k6 v0.49.0 and v2.2.0,
// the real sandbox): the table's error rate and p99 are k6's own figures, a
// regression against a real baseline is found, and report.html regenerated
// from a real folder opens in Chromium with the real timeline drawn.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { k6Skip, k6Versions } from '../kit/parts.ts';
import { chromiumSkip, openReport } from '../helpers/report-page.ts';
import { ensureBuilt } from '../kit/build.ts';
import { runCli } from '../kit/cli.ts';
import { repoRoot } from '../kit/paths.ts';
import { makeRealRuns, type RealRuns } from './real-runs.ts';

const report = (...args: string[]) => runCli(['report', ...args], { cwd: repoRoot });
const percent = (rate: number) => `${(rate * 100).toFixed(2)} %`;

for (const version of k6Versions) {
  describe(`report on real runs, k6 ${version}`, { skip: k6Skip(version) }, () => {
    let runs: RealRuns;
    before(async () => { ensureBuilt(); runs = await makeRealRuns(version); }, { timeout: 120_000 });
    after(async () => { await runs?.close(); });

    test('the table shows k6\'s own error rate, p99 and VUs for each folder', async () => {
      const clean = runs.k6Figures(runs.clean);
      const half = runs.k6Figures(runs.half);
      // Known from the requests made, not from timing: one 404 in every two requests.
      assert.equal(clean.errorRate, 0);
      assert.equal(half.errorRate, 0.5);
      assert.ok(half.requests > 20, `k6 made ${half.requests} requests`);
      const r = await report(runs.clean, runs.half);
      assert.equal(r.code, 0, r.stderr);
      const [, , cleanRow, halfRow] = r.stdout.trim().split('\n');
      const cells = (row: string | undefined) => (row ?? '').split('|').slice(1, -1).map((c) => c.trim());
      const [cScenario, cVus, cP99, cErr, cNotes] = cells(cleanRow);
      const [hScenario, hVus, , hErr, hNotes] = cells(halfRow);
      assert.equal(cScenario, 'clean');
      assert.equal(hScenario, 'half');
      assert.equal(cVus, String(clean.vusMax));
      assert.equal(hVus, String(half.vusMax));
      assert.equal(cErr, '0 %', 'no request failed');
      assert.equal(hErr, '50.00 %');
      assert.equal(hErr, percent(half.errorRate));
      assert.ok(Math.abs(Number(/^([\d.]+) ms$/.exec(cP99 ?? '')?.[1]) - clean.p99) < 1, `p99 cell ${cP99} vs k6's ${clean.p99} ms`);
      assert.match(cNotes ?? '', /^PASS; \d+ req\/s$/);
      assert.match(hNotes ?? '', /^FAIL; targets missed: http_req_failed rate < 0\.05/);
    });

    test('--baseline: the clean run against itself passes; the failing one is a regression in error rate and in its target', async () => {
      const same = await report('--baseline', runs.clean, runs.clean);
      assert.equal(same.code, 0, same.stdout + same.stderr);
      const worse = await report('--baseline', runs.clean, runs.half);
      assert.equal(worse.code, 1, worse.stdout + worse.stderr);
      assert.match(worse.stdout, /\| error rate \| 0\.00 % \| 50\.00 % \|.*REGRESSION/);
      assert.match(worse.stdout, /\| target: http_req_failed rate < 0\.05 \| PASS \| FAIL \|/);
    });

    test('--html from a real folder: the real timeline drawn in Chromium, offline, without errors', { skip: chromiumSkip() }, async () => {
      const r = await report('--html', runs.half);
      assert.equal(r.code, 0, r.stderr);
      const file = join(runs.half, 'report.html');
      assert.ok(existsSync(file));
      assert.ok(existsSync(join(runs.half, 'timeline.json')), 'the live feed left a timeline');
      const seconds = (JSON.parse(readFileSync(join(runs.half, 'timeline.json'), 'utf8')) as { total: unknown[] }).total.length;
      const seen = await openReport(file, `report-real-run-${version}.png`);
      assert.deepEqual(seen.problems, []);
      assert.equal(seen.charts, 3);
      const { t, requests, errorPct } = seen.data as { t: number[]; requests: number[]; errorPct: Array<number | null> };
      assert.equal(t.length, seconds, 'one point per second of the timeline');
      // The error chart is in percent: weighted by requests it averages k6's 50 %.
      assert.ok(errorPct.every((e) => e === null || (e >= 0 && e <= 100)), `error % out of range: ${errorPct.join(',')}`);
      const weighted = errorPct.reduce<number>((n, e, i) => n + (e ?? 0) * requests[i]!, 0) / requests.reduce((n, x) => n + x, 0);
      assert.ok(Math.abs(weighted - 50) < 0.5, `weighted error % ${weighted}`);
      assert.doesNotMatch(seen.text, /No per-second timeline/);
      assert.match(seen.text, /50\.00 %/);
    });
  });
}
