// A real Prometheus (Debian's /usr/bin/prometheus) for the gate tests: a temp
// config and data folder, a free port on 127.0.0.1, scraping the given
// targets every second, and accepting remote-write (for the forwarded k6
// series). Stopped and removed by stop().
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, waitFor } from '../chaos-e2e/harness.ts';
import { stopProcess } from '../helpers/process.ts';

export interface RealPrometheus {
  url: string;
  port: number;
  /** Instant query at now; the result array. */
  query(expr: string): Promise<Array<{ metric: Record<string, string>; value: [number, string] }>>;
  stop(): Promise<void>;
}

export async function startPrometheus(targets: string[], options: { port?: number } = {}): Promise<RealPrometheus> {
  const dir = mkdtempSync(join(tmpdir(), 'loadctl-prom-'));
  const port = options.port ?? await freePort();
  const config = [
    'global: { scrape_interval: 1s, evaluation_interval: 1s }',
    'scrape_configs:',
    '  - job_name: sandbox',
    '    scrape_interval: 1s',
    `    static_configs: [{ targets: [${targets.map((t) => `"${t}"`).join(', ')}] }]`,
    '',
  ].join('\n');
  writeFileSync(join(dir, 'prometheus.yml'), config);
  const child = spawn('/usr/bin/prometheus', [
    `--config.file=${join(dir, 'prometheus.yml')}`, `--storage.tsdb.path=${join(dir, 'data')}`,
    `--web.listen-address=127.0.0.1:${port}`, '--web.enable-remote-write-receiver', '--log.level=warn',
    // k6 sends its trends as native histograms; Prometheus 2.42 takes them only with this.
    '--enable-feature=native-histograms',
  ], { stdio: ['ignore', 'ignore', 'pipe'] });
  let log = '';
  child.stderr.on('data', (d: Buffer) => { log = (log + d.toString()).slice(-4000); });
  const url = `http://127.0.0.1:${port}`;
  try {
    await waitFor('Prometheus to be ready', async () => (await fetch(`${url}/-/ready`).catch(() => undefined))?.status === 200, 30_000, 200);
  } catch (error) {
    child.kill('SIGKILL');
    throw new Error(`${(error as Error).message}\n${log}`);
  }
  return {
    url,
    port,
    async query(expr) {
      const res = await fetch(`${url}/api/v1/query?query=${encodeURIComponent(expr)}`);
      const body = await res.json() as { data?: { result?: Array<{ metric: Record<string, string>; value: [number, string] }> } };
      return body.data?.result ?? [];
    },
    async stop() {
      await stopProcess(child, 'SIGTERM', 5000);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Waits until Prometheus has scraped `metric` at least once. */
export async function waitForMetric(prom: RealPrometheus, metric: string, timeoutMs = 20_000): Promise<void> {
  await waitFor(`Prometheus to scrape ${metric}`, async () => (await prom.query(metric)).length > 0, timeoutMs, 250);
}


/** A profile of 3 VUs booking seats through the `simple` journey for `seconds`, with extra YAML lines. */
export const bookingProfile = (seconds: number, description: string, extra: string[]) => [
  `description: ${description}`,
  'scenario: simple',
  'executor: constant-vus',
  'vus: 3',
  `duration: ${seconds}s`,
  'defaultTargets: false',
  'env: { THINK_TIME: 0.1, USER_COUNT: 3 }',
  ...extra,
  '',
].join('\n');

interface Dashboard {
  uid: string;
  panels: Array<{ type: string; title: string; targets?: Array<{ expr: string }> }>;
  annotations: { list: Array<{ name: string; expr: string }> };
  templating: { list: Array<{ type: string; query: string }> };
}

/** The shipped Grafana dashboard (grafana/loadctl-dashboard.json). */
export const dashboard = JSON.parse(readFileSync(join(import.meta.dirname, '..', '..', 'grafana', 'loadctl-dashboard.json'), 'utf8')) as Dashboard;
/** Every PromQL in it, with Grafana's range variable as a plain duration. */
export const dashboardQueries = [
  ...dashboard.panels.flatMap((p) => (p.targets ?? []).map((t) => ({ where: p.title, expr: t.expr }))),
  ...dashboard.annotations.list.map((a) => ({ where: `annotation ${a.name}`, expr: a.expr })),
].map((q) => ({ ...q, expr: q.expr.replaceAll('$__rate_interval', '1m') }));
