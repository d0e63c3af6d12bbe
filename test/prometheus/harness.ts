// A real Prometheus (Debian's /usr/bin/prometheus) for the gate tests: a temp
// config and data folder, a free port on 127.0.0.1, scraping the given
// targets every second, and accepting remote-write (for the forwarded k6
// series). Stopped and removed by stop().
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { freePort, waitFor } from '../chaos-e2e/harness.ts';
import { before, after } from 'node:test';
import { stopProcess } from '../helpers/process.ts';
import { realK6 } from '../kit/parts.ts';
import { tempDir } from '../kit/temp.ts';

export interface RealPrometheus {
  url: string;
  port: number;
  /** Instant query at now; the result array. */
  query(expr: string): Promise<Array<{ metric: Record<string, string>; value: [number, string] }>>;
  stop(): Promise<void>;
}

export async function startPrometheus(targets: string[], options: { port?: number } = {}): Promise<RealPrometheus> {
  const dir = tempDir('loadctl-prom-');
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
    await waitFor('Prometheus to be ready', async () => (await fetch(`${url}/-/ready`).catch(() => undefined))?.status === 200, 60_000, 200);
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
export async function waitForMetric(prom: RealPrometheus, metric: string, timeoutMs = 60_000): Promise<void> {
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

/** The system the gate tests judge: Redis in a container (with Docker), the sandbox on it, Prometheus scraping the sandbox. */
export async function startGatedSystem(prefix: string, o: { docker: boolean; stops: Array<() => Promise<void>>; containers: string[] }): Promise<{
  prom: RealPrometheus; sandbox: { url: string; stop(): Promise<void> }; redis: { name: string; port: number } | undefined;
}> {
  const { startRedis, startSandbox, unique } = await import('../live-run/harness.ts');
  let redis: { name: string; port: number } | undefined;
  if (o.docker) {
    redis = await startRedis(unique(prefix));
    o.containers.push(redis.name);
  }
  const sandbox = await startSandbox({ users: 3, ...(redis ? { redisPort: redis.port } : {}) });
  o.stops.push(sandbox.stop);
  const prom = await startPrometheus([new URL(sandbox.url).host]);
  o.stops.push(prom.stop);
  await waitForMetric(prom, 'booking_lock_failures_total');
  return { prom, sandbox, redis };
}

export interface GatedSystem { prom: RealPrometheus; sandbox: { url: string; stop(): Promise<void> }; redis: { name: string; port: number } | undefined }

/**
 * Registers before/after hooks that start the gated system once for the test
 * file and take it all down at its end; the returned object is filled in by
 * the time the tests run.
 */
export function useGatedSystem(prefix: string, o: { skip: boolean; docker: boolean }): GatedSystem {
  const sys = {} as GatedSystem;
  const stops: Array<() => Promise<void>> = [];
  const containers: string[] = [];
  before(async () => {
    if (o.skip) return;
    Object.assign(sys, await startGatedSystem(prefix, { docker: o.docker, stops, containers }));
  });
  after(async () => {
    for (const stop of stops.reverse()) await stop().catch(() => undefined);
    if (containers.length > 0) (await import('../live-run/harness.ts')).docker('rm', '-f', ...containers);
  });
  return sys;
}

/** Real k6 v2.2.0, and no Prometheus from the environment (each test names its own). */
export const gatesK6Env = () => ({ K6_BIN: realK6('v2.2.0'), LOADCTL_PROMETHEUS: '' });

/** The one run folder of a test project. */
export function runFolder(cwd: string): string {
  const runs = join(cwd, '.loadctl', 'runs');
  return join(runs, readdirSync(runs)[0] as string);
}

/** The --json document in loadctl's output. */
export const jsonDoc = (out: string) => JSON.parse(out.slice(out.indexOf('{\n  "schema"')));
