// The HTML report opened in real headless Chromium (Debian's /usr/bin/chromium):
// it renders offline without console errors, draws the charts, and shades the
// fault window where the fault was. Saves test-artifacts/report.png.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, rmSync, writeFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser } from 'playwright-core';
import { analysePhases } from '../../src/live/phases.ts';
import { loadHtmlAssets } from '../../src/report/assets.ts';
import { escapeHtml, renderHtmlReport } from '../../src/report/html.ts';
import { withPhases } from '../../src/report/result-phases.ts';
import { runRecordFrom } from '../../src/report/run-record.ts';
import { repoRoot as root } from '../kit/paths.ts';
import { chaosResult, passSummary } from './run-folders.ts';
import { buildTimeline } from './timeline-builder.ts';
import { tempDir } from '../kit/temp.ts';

const chromiumPath = '/usr/bin/chromium';
interface ChartFigures { id: string; width: number; height: number; painted: number; inFault: number[]; beforeFault: number[] }
let browser: Browser | undefined;
let work = '';

// A 3-minute run: fault 60..90 s, errors until 98 s, latency hump while reconnecting.
function sampleRun() {
  const start = 1_780_000_000;
  const timeline = buildTimeline(start, 180, (t) => {
    const s = t - start;
    const wave = 400 + Math.round(60 * Math.sin(s / 7));
    if (s >= 61 && s < 99) return { requests: wave - 150, failures: Math.round((wave - 150) * (s < 90 ? 0.7 : 0.3)), p50: 8, p95: 900, p99: 2600 };
    if (s >= 99 && s < 110) return { requests: wave, p50: 40, p95: 600, p99: 1200 };
    return { requests: wave, p50: 18 + (s % 5), p95: 70 + (s % 9), p99: 140 + (s % 13) };
  });
  // Booking (a fifth of the traffic) fails outright during the fault; search slows down.
  const book = buildTimeline(start, 180, (t) => (t - start >= 61 && t - start < 99 ? { requests: 60, failures: 60, p99: 2600 } : { requests: 80, p99: 180 }));
  const search = buildTimeline(start, 180, (t) => (t - start >= 61 && t - start < 99 ? { requests: 240, failures: 60, p99: 900 } : { requests: 320, p99: 120 }));
  timeline.series = { 'name:book': book.total, 'name:search': search.total, 'scenario:spike': timeline.total };
  const fault = { experiment: 'redis-failure <stop redis>', injectedAt: (start + 60) * 1000 + 250, rolledBackAt: (start + 90) * 1000 + 250, probesRecoveredAt: (start + 93) * 1000 };
  const requests = timeline.total.reduce((n, x) => n + x.requests, 0);
  const failures = timeline.total.reduce((n, x) => n + x.failures, 0);
  const result = withPhases({
    totals: { requests, requestRate: requests / 180, errorRate: failures / requests, httpReqDuration: { med: 19, p95: 410, p99: 1890.5 }, checks: { rate: 0.93 } },
    status: 'failed', profile: { name: 'spike', scenario: 'spike' },
    targets: [{ name: 'booking P99 <img src=x onerror="window.pwned=1">', stat: 'p99', op: '<', value: 2000, actual: 1890.5, ok: true }, { name: 'error rate', stat: 'rate', op: '<', value: 0.05, actual: failures / requests, ok: false, detail: `rate ${(100 * failures / requests).toFixed(2)}% < 5.00%` }],
    thresholds: [{ metric: 'http_req_duration', expression: 'p(99)<2000', ok: true }, { metric: 'http_req_failed', expression: 'rate<0.05', ok: false }],
  }, analysePhases(timeline, fault));
  const summary = passSummary();
  summary.metrics.vus.values.max = 500;
  const chaos = { ...chaosResult(fault.injectedAt, fault.rolledBackAt, fault.probesRecoveredAt), experiment: fault.experiment };
  return runRecordFrom('/work/.loadctl/runs/2026-11-27T09-00-00Z-spike', { summary, result, timeline, chaos });
}

before(async () => {
  work = tempDir('loadctl-html-');
  if (!existsSync(chromiumPath)) return;
  browser = await chromium.launch({
    executablePath: chromiumPath,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
});
after(async () => {
  await browser?.close();
  rmSync(work, { recursive: true, force: true });
});

test('text from the run is escaped, never markup', () => {
  assert.equal(escapeHtml(`<img src=x onerror="a">&'`), '&lt;img src=x onerror=&quot;a&quot;&gt;&amp;&#39;');
});

test('report.html renders offline in Chromium: no console errors, charts drawn, fault window shaded', async (t) => {
  if (!browser) {
    // CI installs chromium (.ci/run); without it this test cannot mean anything.
    if (process.env.CI) assert.fail(`${chromiumPath} is missing: install Debian's chromium`);
    t.skip(`${chromiumPath} not installed`);
    return;
  }
  const run = sampleRun();
  const html = renderHtmlReport({ run, generatedAt: '2026-11-27T09:03:00Z', assets: await loadHtmlAssets() });
  assert.doesNotMatch(html, /<stop redis>/, 'the experiment name is escaped');
  const file = join(work, 'report.html');
  writeFileSync(file, html);

  const page = await browser.newPage({ viewport: { width: 1200, height: 900 }, deviceScaleFactor: 1 });
  const problems: string[] = [];
  const requests: string[] = [];
  page.on('console', (m) => { if (m.type() === 'error' || m.type() === 'warning') problems.push(`${m.type()}: ${m.text()}`); });
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  page.on('request', (r) => { if (!r.url().startsWith('file:')) requests.push(r.url()); });
  await page.goto(pathToFileURL(file).href, { waitUntil: 'load' });
  await page.waitForFunction(() => (window as unknown as { loadctlReport?: unknown }).loadctlReport !== undefined, undefined, { timeout: 5000 });

  assert.deepEqual(problems, []);
  assert.deepEqual(requests, [], 'the report fetches nothing');

  // A string, not a function: tsx would wrap a function's inner arrows in a helper the page lacks.
  const figures = await page.evaluate<ChartFigures[]>(`(() => {
    const report = window.loadctlReport;
    return report.charts.map(({ id, plot }) => {
      const { width, height } = plot.ctx.canvas;
      const pixels = plot.ctx.getImageData(0, 0, width, height).data;
      let painted = 0;
      for (let i = 3; i < pixels.length; i += 4) if (pixels[i] > 0) painted++;
      // Near the top of the plot area, where no line runs: the band's tint, or nothing.
      const probe = (v) => Array.from(plot.ctx.getImageData(Math.round(plot.valToPos(v, 'x', true)), Math.round(plot.bbox.top + 3), 1, 1).data);
      const fault = report.data.fault;
      return { id, width, height, painted, inFault: probe((fault.from + fault.to) / 2), beforeFault: probe(fault.from / 2) };
    });
  })()`);
  assert.deepEqual(figures.map((f) => f.id), ['chart-rate', 'chart-errors', 'chart-latency']);
  for (const f of figures) {
    assert.ok(f.width > 300 && f.height > 100, `${f.id} canvas has a size`);
    assert.ok(f.painted > f.width * 20, `${f.id} canvas is drawn on (${f.painted} painted pixels)`);
    const [r, g, b, a] = f.inFault as [number, number, number, number];
    assert.ok(a > 0 && r > g && r > b, `${f.id}: the fault window is shaded red (got rgba ${f.inFault.join(',')})`);
    assert.equal(f.beforeFault[3], 0, `${f.id}: no shading before the fault`);
  }
  // With a fault, the legend names every band and line the charts draw.
  assert.deepEqual(await page.locator('.legend .entry').allInnerTexts(), [
    'fault (inject → rollback)', 'recovery (rollback → users recovered)', 'containers healthy (probes)', 'users recovered',
    'target (errors 5 %, p99 2000 ms where in range)',
  ]);
  const text = await page.locator('body').innerText();
  assert.equal(await page.evaluate('window.pwned'), undefined, 'markup in a target name stays text');
  assert.equal(await page.locator('img').count(), 0);
  assert.match(text, /booking P99 <img src=x onerror="window\.pwned=1">/);
  assert.match(text, /User-visible recovery\s+8\.8 s/);
  assert.match(text, /Container recovery\s+2\.8 s/);
  assert.match(text, /step 1 injected: stop container ticketing-redis/);
  assert.match(text, /users: first healthy second of the recovered run/);
  assert.match(text, /name:book\s+0 %\s+·\s+180 ms\s+95\.60 %\s+·\s+2\.49 s/);
  assert.match(text, /http_req_failed\s+rate<0.05\s+FAIL/);
  assert.match(text, /error rate\s+rate 8\.10% < 5\.00%\s+rate < 0\.05\s+8\.10 %\s+FAIL/);
  assert.match(text, /booking P99 .*\s+p99 < 2000\s+1\.89 s\s+PASS/);

  const artifacts = join(root, 'test-artifacts');
  mkdirSync(artifacts, { recursive: true });
  const shot = join(artifacts, 'report.png');
  await page.screenshot({ path: shot, fullPage: true });
  assert.ok(statSync(shot).size > 10_000, 'screenshot saved');
  await page.close();
});
