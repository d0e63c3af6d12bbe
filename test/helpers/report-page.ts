// A run's report.html in real headless Chromium (Debian's /usr/bin/chromium
// through playwright-core): offline, page errors and network requests
// collected, what the page drew read back, a screenshot in test-artifacts/.
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { installLine, missing } from '../kit/parts.ts';

export const chromiumPath = '/usr/bin/chromium';

export interface SeenReport {
  /** Charts uPlot drew. */
  charts: number;
  /** Titles of the Prometheus gate charts in the page's data. */
  gates: string[];
  /** The page's visible text. */
  text: string;
  /** Console errors, page errors and any request that left file://. */
  problems: string[];
  screenshot: string;
  /** The page's chart data (the JSON island: t, requests, errorPct, p50/p95/p99, fault...). */
  data: Record<string, unknown>;
}

/** Skip reason when Chromium is not installed (a failure under CI), else false. */
export const chromiumSkip = (): string | false =>
  missing('chromium', existsSync(chromiumPath) ? undefined : installLine('chromium'));

export async function openReport(file: string, screenshot: string): Promise<SeenReport> {
  const { chromium } = await import('playwright-core');
  const browser = await chromium.launch({ executablePath: chromiumPath, args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'] });
  try {
    const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
    const problems: string[] = [];
    page.on('console', (m) => { if (m.type() === 'error') problems.push(m.text()); });
    page.on('pageerror', (e) => problems.push(e.message));
    page.on('request', (r) => { if (!r.url().startsWith('file:')) problems.push(`fetched ${r.url()}`); });
    await page.goto(pathToFileURL(file).href, { waitUntil: 'load' });
    await page.waitForFunction('window.loadctlReport !== undefined', undefined, { timeout: 5000 });
    const charts = await page.evaluate('window.loadctlReport.charts.length') as number;
    const gates = await page.evaluate('(window.loadctlReport.data.gates || []).map(function (g) { return g.title; })') as string[];
    const text = await page.locator('body').innerText();
    const data = await page.evaluate('window.loadctlReport.data') as Record<string, unknown>;
    const dir = join(import.meta.dirname, '..', '..', 'test-artifacts');
    mkdirSync(dir, { recursive: true });
    const path = join(dir, screenshot);
    await page.screenshot({ path, fullPage: true });
    return { charts, gates, text, problems, screenshot: path, data };
  } finally {
    await browser.close();
  }
}

/**
 * openReport with the usual checks (no page error, nothing fetched, three
 * charts); undefined, with one line, when Chromium is not installed here (a
 * failure under CI).
 */
export async function seenInChromium(file: string, screenshot: string): Promise<SeenReport | undefined> {
  if (!existsSync(chromiumPath)) {
    if (process.env.CI) throw new Error(`${chromiumPath} is missing: install Debian's chromium`);
    console.log(`# not opened in Chromium: ${chromiumPath} is not installed`);
    return undefined;
  }
  const seen = await openReport(file, screenshot);
  if (seen.problems.length > 0) throw new Error(`report.html in Chromium: ${seen.problems.join('; ')}`);
  if (seen.charts !== 3) throw new Error(`report.html drew ${seen.charts} charts, not 3`);
  return seen;
}
