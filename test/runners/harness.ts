// Real parts for the runners tests: a deterministic HTTP server that notes,
// per runner (the x-runner header the scenario sends from LOADCTL_RUNNER),
// how many requests arrived and when the first one did; a project folder
// with a scenario whose latencies depend only on the iteration number; and
// `bin/loadctl.js run` spawned with real k6.
import { spawnSync } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { spawnCli } from '../kit/cli.ts';
import { repoRoot } from '../kit/paths.ts';
import { tempDir } from '../kit/temp.ts';

export { repoRoot };

export interface CountingServer {
  url: string;
  /** Requests per runner id ("single" for a run without runners). */
  counts(): Record<string, number>;
  /** Unix ms of each runner's first request. */
  first(): Record<string, number>;
  reset(): void;
  close(): Promise<void>;
}

/** Answers /delay?ms=N after N ms; host is where to listen (127.0.0.1 unless containers must reach it). */
export async function countingServer(host = '127.0.0.1'): Promise<CountingServer> {
  let counts: Record<string, number> = {};
  let first: Record<string, number> = {};
  const server: Server = createServer((req, res) => {
    const u = new URL(req.url ?? '/', 'http://x');
    if (u.pathname === '/health') return void res.end('{"status":"UP"}');
    const r = String(req.headers['x-runner'] ?? '?');
    first[r] ??= Date.now();
    counts[r] = (counts[r] ?? 0) + 1;
    setTimeout(() => res.end('ok'), Number(u.searchParams.get('ms') ?? 0));
  });
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${host}:${port}`,
    counts: () => ({ ...counts }),
    first: () => ({ ...first }),
    reset: () => { counts = {}; first = {}; },
    close: () => new Promise((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
}

/** Iteration i asks for BASE_MS + STEP_MS * (i % 20) ms (20 + 5i by default), whichever runner runs it. */
export const steadyScenario = `import http from 'k6/http';
import exec from 'k6/execution';

export default function (): void {
  const ms = Number(__ENV.BASE_MS ?? 20) + Number(__ENV.STEP_MS ?? 5) * (exec.scenario.iterationInTest % 20);
  http.get(\`\${__ENV.BASE_URL}/delay?ms=\${ms}\`, { headers: { 'x-runner': __ENV.LOADCTL_RUNNER ?? 'single' }, tags: { name: 'delay' } });
}
`;

/**
 * A profile over a script that declares its own shared-iterations scenario: a
 * profile run refuses k6's --vus/--iterations after `--` (they would replace
 * the profile's executor), so the shape lives in the script, as a team writes it.
 */
export function sharedIterationsFiles(o: { vus: number; iterations: number }): Record<string, string> {
  return {
    'scenarios/shared.ts': `${steadyScenario}
export const options = { scenarios: { shared: { executor: 'shared-iterations', vus: ${o.vus}, iterations: ${o.iterations}, maxDuration: '120s' } } };
`,
    'profiles/shared.yaml': ['description: shared-iterations declared by the script itself', 'script: ../scenarios/shared.ts', ''].join('\n'),
  };
}

export function steadyProfile(o: { vus: number; duration: string; env?: string }): string {
  return [
    ...(o.env ? [`env: ${o.env}`] : []),
    'description: deterministic latencies for the runners tests',
    'scenario: steady',
    'executor: constant-vus',
    `vus: ${o.vus}`,
    `duration: ${o.duration}`,
    'defaultTargets: false',
    'thresholds:',
    '  http_req_duration: ["p(95)<5000"]',
    '  http_reqs: ["count>10"]',
    'targets:',
    '  - "http_req_duration p(99)<5000"',
    '  - "http_req_failed rate<0.05"',
    '',
  ].join('\n');
}

export interface Ran { code: number | null; out: string; runDir: string | undefined; /** loadctl's pid (its runners' owner label is host:pid). */ pid: number | undefined }

export interface Project {
  cwd: string;
  /** `loadctl <args>`; `onOutput` sees the output as it grows (to act mid-run). */
  loadctl(args: string[], onOutput?: (text: string, kill: (s: NodeJS.Signals) => void) => void, env?: NodeJS.ProcessEnv): Promise<Ran>;
  close(): void;
}

export function openProject(files: Record<string, string>): Project {
  const cwd = tempDir('loadctl-runners-');
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(join(cwd, path, '..'), { recursive: true });
    writeFileSync(join(cwd, path), text);
  }
  const runs = join(cwd, '.loadctl', 'runs');
  return {
    cwd,
    loadctl(args, onOutput, extraEnv = {}) {
      const before = new Set(existsSync(runs) ? readdirSync(runs) : []);
      const run = spawnCli(args, { cwd, env: { K6_BIN: undefined, BASE_URL: undefined, ...extraEnv }, onOutput });
      return run.done.then(({ code }) => {
        const made = existsSync(runs) ? readdirSync(runs).filter((d) => !before.has(d)) : [];
        return { code, out: run.output(), runDir: made.length > 0 ? join(runs, made.sort().at(-1)!) : undefined, pid: run.child.pid };
      });
    },
    close: () => rmSync(cwd, { recursive: true, force: true }),
  };
}

/** k6's own percentile rule: linear between the order statistics at floor and ceil of p(n-1). */
export function k6Percentile(sorted: readonly number[], p: number): number {
  const i = (p / 100) * (sorted.length - 1);
  const lo = sorted[Math.floor(i)]!;
  return lo + (sorted[Math.ceil(i)]! - lo) * (i - Math.floor(i));
}

export function readJson<T>(path: string): T {
  return JSON.parse(readFileSync(path, 'utf8')) as T;
}

/** The pids loadctl printed for its local runners ("3 runners started paused (process 1, process 2, ...)"). */
export function runnerPids(out: string): number[] {
  const m = /runners started paused \(([^)]*)\)/.exec(out);
  return m ? [...m[1]!.matchAll(/process (\d+)/g)].map((x) => Number(x[1])) : [];
}

export interface ResultDoc {
  status: string;
  exitCode: number;
  reason: string;
  totals: { requests: number; iterations: number; httpReqDuration: Record<string, number> };
  thresholds: Array<{ metric: string; expression: string; ok: boolean }>;
  runners?: {
    count: number;
    placement: string;
    releaseSpreadMs: number;
    failure: string | null;
    setup: { ok: boolean } | null;
    teardown: { ok: boolean } | null;
    merge: { percentiles: string; bucketWidth: number | null; relativeError: number | null; clamped: Array<{ key: string; stat: string; from: number; to: number }> };
    engines?: string[];
    list: Array<{ id: number; end: string; exitCode: number | null; signal: string | null; requests: number | null; requestsFrom?: string | null; p99?: number | null; engine?: string | null }>;
  };
}

/**
 * For runners in Docker: the k6 image built from the cached binary when
 * missing (no registry), and a labelled network of the test's own, with its
 * gateway (this machine) where the test's servers listen. Remove the network
 * with `docker network rm` in after().
 */
export function dockerRunnersRig(prefix: string, image: string, k6: string): { network: string; gateway: string } {
  if (spawnSync('docker', ['image', 'inspect', image], { stdio: 'ignore' }).status !== 0) {
    const built = spawnSync('bash', [join(repoRoot, 'scripts', 'build-k6-image.sh'), k6, image], { encoding: 'utf8' });
    if (built.status !== 0) throw new Error(`building ${image}: ${built.stderr}`);
  }
  const network = `${prefix}-${randomBytes(3).toString('hex')}`;
  const docker = (...args: string[]) => {
    const r = spawnSync('docker', args, { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`docker ${args.join(' ')}: ${r.stderr}`);
    return r.stdout.trim();
  };
  docker('network', 'create', '--label', 'io.loadctl.test=1', network);
  return { network, gateway: docker('network', 'inspect', network, '-f', '{{(index .IPAM.Config 0).Gateway}}') };
}
