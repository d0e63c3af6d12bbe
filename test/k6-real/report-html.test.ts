// The report.html a real k6 v2.2.0 run (no chaos) leaves in its run folder,
// opened in real headless Chromium: the error-rate axis reads in per cent
// with the 5 % target in view, the latency axis fits the data (not a 2 s
// target), and the legend lists only what the charts draw (no fault or
// recovery bands without chaos). Saves test-artifacts/report-real-k6.png.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser } from 'playwright-core';
import { commandSkip, k6Skip, missing, realK6 } from '../kit/parts.ts';
import { setupUsers } from '../../src/users/setup.ts';
import { ensureBuilt, openProject, repoRoot, shortProfile, type Project } from './harness.ts';

const chromiumPath = '/usr/bin/chromium';
const skip = k6Skip('v2.2.0') || missing('chromium', existsSync(chromiumPath) ? undefined : 'not installed (apt-get install chromium; bash .ci/run installs it)') || commandSkip(chromiumPath);

interface ChartView { id: string; yMax: number; yTicks: string[]; xTicks: string[]; dataMax: number }

let project: Project;
let browser: Browser | undefined;
before(async () => {
  if (skip) return;
  ensureBuilt();
  project = await openProject();
  await setupUsers({ baseUrl: project.sandbox.url, count: 2, prefix: 'testuser', domain: 'loadtest.com', password: 'LoadTest123!', concurrency: 2 });
  project.write('profiles/calm.yaml', shortProfile({ scenario: 'simple', vus: 2, duration: '4s', extra: 'env: { USER_COUNT: "2", THINK_TIME: "0.2" }' }));
  browser = await chromium.launch({ executablePath: chromiumPath, args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'] });
});
after(async () => {
  await browser?.close();
  await project?.close();
});

test('report.html of a calm real-k6 run: axes fit the data, errors in per cent, no chaos in the legend', { skip }, async () => {
  const r = await project.loadctl(['run', 'calm', '--k6', realK6('v2.2.0'), '--no-typecheck']);
  assert.equal(r.code, 0, `${r.stdout}\n${r.stderr}`);
  const file = join(r.runDir!, 'report.html');
  const page = await browser!.newPage({ viewport: { width: 1100, height: 900 }, deviceScaleFactor: 1 });
  const problems: string[] = [];
  page.on('pageerror', (e) => problems.push(e.message));
  await page.goto(pathToFileURL(file).href, { waitUntil: 'load' });
  await page.waitForFunction('window.loadctlReport !== undefined', undefined, { timeout: 5000 });
  assert.deepEqual(problems, []);

  // A string, not a function: tsx would wrap a function's inner arrows in a helper the page lacks.
  const charts = await page.evaluate<ChartView[]>(`window.loadctlReport.charts.map(({ id, plot, ticks }) => ({
    id, yMax: plot.scales.y.max, yTicks: ticks.y, xTicks: ticks.x,
    dataMax: Math.max(0, ...plot.data.slice(1).flat().filter((v) => v !== null)),
  }))`);
  const byId = Object.fromEntries(charts.map((c) => [c.id, c]));
  const errors = byId['chart-errors']!;
  const latency = byId['chart-latency']!;
  assert.equal(errors.dataMax, 0, 'no failed request in a calm run');
  assert.ok(errors.yTicks.length > 2 && errors.yTicks.every((t) => / %$/.test(t)), `error ticks read as per cent: ${errors.yTicks}`);
  assert.ok(errors.yMax > 5 && errors.yMax < 10, `the 5 % target is in view, and the axis is not 0..1 (max ${errors.yMax})`);
  assert.ok(latency.dataMax > 0 && latency.dataMax < 500, `sandbox latency is small: ${latency.dataMax} ms`);
  assert.ok(latency.yMax <= latency.dataMax * 1.5 + 1, `latency axis fits the data (max ${latency.yMax} ms for ${latency.dataMax} ms)`);
  for (const c of charts) assert.ok(c.xTicks.every((t) => /^\d+$/.test(t)), `${c.id}: whole seconds on the x axis: ${c.xTicks}`);

  const legend = await page.locator('.legend .entry').allInnerTexts();
  assert.deepEqual(legend, ['target (errors 5 %, p99 2000 ms where in range)']);

  const artifacts = join(repoRoot, 'test-artifacts');
  mkdirSync(artifacts, { recursive: true });
  await page.screenshot({ path: join(artifacts, 'report-real-k6.png'), fullPage: true });
  await page.close();
});
