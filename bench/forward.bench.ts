// What --prometheus-rw costs loadctl's CPU: the receiver takes a 25k req/s
// test's pushes (the live feed simulator's shape) over HTTP, once as the live
// feed alone and once forwarding every push to a real Prometheus (or, without
// one, a sink in another process). Interleaved rounds; the figure is the
// median per-push CPU difference, i.e. per second of a test. The k6 side of
// the cost (request rate) is in k6-real.bench.ts.
import { spawnSync } from 'node:child_process';
import { startSink } from './sink-process.ts';
import { startReceiver } from '../src/live/receiver.ts';
import { createForwarder } from '../src/live/forward.ts';
import { FeedSimulator } from './live-feed-sim.ts';
import { startPrometheus } from '../test/prometheus/harness.ts';

const PUSHES = Number(process.env.BENCH_FORWARD_PUSHES ?? 120);
const ROUNDS = Number(process.env.BENCH_FORWARD_ROUNDS ?? 5);
const HEADERS = { 'content-encoding': 'snappy', 'content-type': 'application/x-protobuf', 'x-prometheus-remote-write-version': '0.1.0' };

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)] as number;

/** A remote-write endpoint in its own process: Prometheus when installed, else a Node sink answering 204. */
async function endpoint(): Promise<{ url: string; what: string; stop(): Promise<void> }> {
  if (spawnSync('/usr/bin/prometheus', ['--version']).status === 0) {
    const prom = await startPrometheus([]);
    return { url: `${prom.url}/api/v1/write`, what: 'Prometheus 2.42 (remote-write receiver)', stop: () => prom.stop() };
  }
  return { ...(await startSink()), what: 'a Node sink answering 204' };
}

// One clock over every round: Prometheus takes each series' samples in order, and recent.
let clock = Date.now() - (ROUNDS * 2 + 2) * PUSHES * 1000;

async function round(forwardTo: string | null): Promise<{ cpuMsPerPush: number; forwarded: number; failed: number; lastError: string | null }> {
  const forwarder = forwardTo ? createForwarder(forwardTo) : undefined;
  const receiver = await startReceiver(forwarder ? { onPush: (b, h) => forwarder.push(b, h) } : {});
  const sim = new FeedSimulator(25_000, clock);
  clock += PUSHES * 1000;
  const bodies = Array.from({ length: PUSHES }, () => sim.nextPush());
  const cpu = process.cpuUsage();
  for (const body of bodies) {
    const res = await fetch(receiver.url, { method: 'POST', body: body as Uint8Array<ArrayBuffer>, headers: HEADERS });
    await res.arrayBuffer();
  }
  const stats = await forwarder?.close(10_000);
  const used = process.cpuUsage(cpu);
  await receiver.close();
  return { cpuMsPerPush: (used.user + used.system) / 1000 / PUSHES, forwarded: stats?.forwarded ?? 0, failed: stats?.failed ?? 0, lastError: stats?.lastError ?? null };
}

const target = await endpoint();
try {
  await round(null); // warm-up: JIT, connection pools
  const alone: number[] = [];
  const forwarding: number[] = [];
  let failed = 0;
  let lastError: string | null = null;
  for (let r = 0; r < ROUNDS; r++) {
    for (const kind of r % 2 === 0 ? ['alone', 'forward'] : ['forward', 'alone']) {
      const result = await round(kind === 'forward' ? target.url : null);
      (kind === 'forward' ? forwarding : alone).push(result.cpuMsPerPush);
      failed += result.failed;
      lastError = result.lastError ?? lastError;
    }
  }
  const a = median(alone);
  const f = median(forwarding);
  console.log(`${PUSHES} pushes of a 25k req/s test (1 s each) x ${ROUNDS} interleaved rounds; forwarding to ${target.what}${failed ? `; ${failed} forwards FAILED (${lastError})` : ''}`);
  console.log(`  receiver alone (incl. this bench's own POSTs): ${a.toFixed(3)} ms CPU per push`);
  console.log(`  receiver + forward:                            ${f.toFixed(3)} ms CPU per push`);
  console.log(`forward's CPU: ${(f - a).toFixed(3)} ms per second of test = ${((f - a) / 10).toFixed(4)} % of one core (median rounds)`);
} finally {
  await target.stop();
}
