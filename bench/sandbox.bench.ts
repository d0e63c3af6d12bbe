// Sandbox figures for the README: setup-users throughput (1,000 and 10,000
// accounts) and requests/s and p99 of the booking flow under autocannon.
// The sandbox runs as its own process (bin/loadctl.js sandbox), as users run
// it, so the load generator does not share its event loop. Medians of 3 runs.
import { spawn, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import { setupUsers } from '../src/users/setup.ts';
import { rowName } from '../src/sandbox/store.ts';
import { startSandboxProcess } from './sandbox-process.ts';

const RUNS = 3;
// Enough seats that three 8 s runs at ~20k req/s (a quarter of them holds) never wrap round to taken ones.
const EVENTS = 1500;
const SEATS = 200;

interface CannonRequest {
  method?: string; path?: string; body?: string; headers?: Record<string, string>;
  setupRequest?: (req: CannonRequest, context: Record<string, unknown>) => CannonRequest;
  onResponse?: (status: number, body: string, context: Record<string, unknown>) => void;
}
interface CannonResult {
  requests: { average: number; total: number };
  latency: { p50: number; p99: number };
  non2xx: number; errors: number; timeouts: number;
}
type Autocannon = (opts: Record<string, unknown>) => Promise<CannonResult>;
const autocannon = createRequire(import.meta.url)('autocannon') as Autocannon;

const median = (xs: number[]) => { const s = [...xs].sort((a, b) => a - b); return s[Math.floor(s.length / 2)] as number; };

async function benchSetupUsers(url: string): Promise<void> {
  console.log('setup-users (accounts created per second; fresh accounts each run)');
  let run = 0;
  for (const count of [1000, 10_000]) {
    for (const concurrency of [10, 50]) {
      const rates: number[] = [];
      const times: number[] = [];
      for (let i = 0; i < RUNS; i += 1) {
        run += 1;
        const r = await setupUsers({ baseUrl: url, count, prefix: `bench${run}-`, domain: 'loadtest.com', password: 'LoadTest123!', concurrency });
        if (r.created !== count) throw new Error(`expected ${count} created, got ${r.created} (${r.failed} failed)`);
        times.push(r.durationMs / 1000);
        rates.push(count / (r.durationMs / 1000));
      }
      console.log(`  ${String(count).padStart(6)} users, concurrency ${String(concurrency).padStart(2)}: median ${median(times).toFixed(2)} s, ${Math.round(median(rates))} users/s`);
    }
  }
}

async function token(url: string): Promise<string> {
  const body = JSON.stringify({ email: 'bench-booker@loadtest.com', password: 'LoadTest123!' });
  const headers = { 'content-type': 'application/json' };
  await fetch(`${url}/api/auth/register`, { method: 'POST', headers, body });
  const login = await fetch(`${url}/api/auth/login`, { method: 'POST', headers, body });
  return ((await login.json()) as { token: string }).token;
}

async function benchBookingFlow(url: string, label: string): Promise<void> {
  const auth = { authorization: `Bearer ${await token(url)}`, 'content-type': 'application/json' };
  // Every hold takes a seat nobody has taken, so the flow measures the happy
  // path (hold 201, confirm 200) rather than conflicts.
  let nextSeat = 0;
  const seatRequest = (req: CannonRequest, context: Record<string, unknown>): CannonRequest => {
    const k = nextSeat++;
    const event = `evt-${1 + (Math.floor(k / SEATS) % EVENTS)}`;
    const idx = k % SEATS;
    context.event = event;
    return { ...req, body: JSON.stringify({ eventId: event, seatIds: [`${rowName(Math.floor(idx / 20))}-${(idx % 20) + 1}`] }) };
  };
  const flow: CannonRequest[] = [
    { method: 'GET', path: '/api/events?page=1&size=20' },
    { method: 'GET', path: '/api/events/evt-1/seats', setupRequest: (req, ctx) => ({ ...req, path: `/api/events/evt-${1 + (Number(ctx.n ?? 0) % EVENTS)}/seats` }) },
    { method: 'POST', path: '/api/bookings', headers: auth, setupRequest: seatRequest, onResponse: (status, body, ctx) => { ctx.id = status === 201 ? (JSON.parse(body) as { id: string }).id : 'none'; } },
    { method: 'POST', path: '/api/bookings/x/confirm', headers: auth, setupRequest: (req, ctx) => { ctx.n = Number(ctx.n ?? 0) + 1; return { ...req, path: `/api/bookings/${String(ctx.id)}/confirm` }; } },
  ];
  const rates: number[] = [];
  const p99s: number[] = [];
  const p50s: number[] = [];
  let bad = 0;
  for (let i = 0; i < RUNS; i += 1) {
    const r = await autocannon({ url, connections: 50, duration: 8, requests: flow });
    rates.push(r.requests.average);
    p99s.push(r.latency.p99);
    p50s.push(r.latency.p50);
    bad += r.non2xx + r.errors + r.timeouts;
  }
  console.log(`booking flow, ${label} (autocannon: 50 connections, 8 s; search, seat map, hold, confirm)`);
  console.log(`  median ${Math.round(median(rates))} requests/s, p50 ${median(p50s)} ms, p99 ${median(p99s)} ms; non-2xx or errors: ${bad}`);
  if (bad > 0) throw new Error(`${bad} requests of the booking flow failed`);
}

/** A throwaway redis-server on a free port; undefined when none is installed. */
async function startRedis(): Promise<{ url: string; child: ChildProcess } | undefined> {
  const port = 20_000 + Math.floor(Math.random() * 20_000);
  const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
  const ok = await new Promise<boolean>((resolve) => {
    child.once('error', () => resolve(false));
    setTimeout(() => resolve(child.exitCode === null), 300);
  });
  return ok ? { url: `redis://127.0.0.1:${port}`, child } : undefined;
}

const memory = await startSandboxProcess(['--events', String(EVENTS), '--seats', String(SEATS)]);
try {
  console.log(`sandbox ${memory.url} (${EVENTS} events x ${SEATS} seats)`);
  await benchBookingFlow(memory.url, 'in-memory locks');
  await benchSetupUsers(memory.url);
} finally {
  memory.child.kill('SIGINT');
}

const redis = await startRedis();
if (!redis) {
  console.log('booking flow, Redis locks: skipped (redis-server is not installed)');
} else {
  try {
    const sandbox = await startSandboxProcess(['--events', String(EVENTS), '--seats', String(SEATS), '--redis', redis.url]);
    try {
      await benchBookingFlow(sandbox.url, 'Redis locks');
    } finally {
      sandbox.child.kill('SIGINT');
    }
  } finally {
    redis.child.kill('SIGTERM');
  }
}
