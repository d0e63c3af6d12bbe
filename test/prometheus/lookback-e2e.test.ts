// The look-back rule against a real Prometheus (Debian's, scraping every
// second): after a fault, `rate(...[20s])` still sees the fault's failures for
// 20 s, so an "after" phase judged from its first second failed a system that
// had recovered. Judged once its look-back lies inside the phase, it passes
// when the failures stopped and still fails when they did not.
// The system here is a real HTTP /metrics endpoint whose two counters follow
// a script on the clock (a fault from 8 s to 14 s; one series stops failing,
// the other keeps failing at 60/min), so the phases are known to the second.
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { commandSkip } from '../kit/parts.ts';
import { startPrometheus, waitForMetric, type RealPrometheus } from './harness.ts';
import { createPrometheusClient } from '../../src/prometheus/client.ts';
import { evaluateGates, type Window } from '../../src/prometheus/evaluate.ts';
import type { Gate } from '../../src/prometheus/gates.ts';

const skip = commandSkip('prometheus');
let prom: RealPrometheus | undefined;
let server: Server | undefined;
let t0 = 0;
const elapsed = () => Math.floor(Date.now() / 1000 - t0);
// 5 failures a second during the fault; the broken system then keeps failing once a second.
const recoveredCount = () => 5 * Math.min(6, Math.max(0, elapsed() - 8));
const brokenCount = () => recoveredCount() + Math.max(0, elapsed() - 16);

before(async () => {
  if (skip) return;
  t0 = Math.floor(Date.now() / 1000) + 1;
  server = createServer((req, res) => {
    res.setHeader('content-type', 'text/plain; version=0.0.4');
    res.end([
      '# TYPE booking_lock_failures_total counter',
      `booking_lock_failures_total{system="recovered"} ${recoveredCount()}`,
      `booking_lock_failures_total{system="broken"} ${brokenCount()}`, '',
    ].join('\n'));
  });
  await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  prom = await startPrometheus([`127.0.0.1:${port}`]);
  await waitForMetric(prom, 'booking_lock_failures_total');
});
after(async () => {
  await prom?.stop();
  server?.close();
});

const gate = (system: string): Gate => ({
  name: system, query: `sum(rate(booking_lock_failures_total{system="${system}"}[20s])) * 60`, op: '<', value: 10, scopes: ['after'], source: 'profile',
});

test('after a fault: the after phase passes once recovered, fails when not; a short after phase is judged as a whole', { skip, timeout: 120_000 }, async () => {
  const end = t0 + 46;
  while (Date.now() / 1000 < end + 2) await new Promise((r) => setTimeout(r, 500));
  const client = createPrometheusClient(prom!.url);
  const phases = (afterEnd: number): Window[] => [
    { name: 'baseline', from: t0, to: t0 + 8 }, { name: 'fault', from: t0 + 8, to: t0 + 14 },
    { name: 'recovery', from: t0 + 14, to: t0 + 16 }, { name: 'after', from: t0 + 16, to: afterEnd },
  ];
  const long = await evaluateGates(client, [gate('recovered'), gate('broken')], { run: { name: 'run', from: t0, to: end }, phases: phases(end) }, { settleMs: 5000 });
  const [recovered, broken] = long.results;
  assert.equal(recovered?.status, 'pass', JSON.stringify(recovered));
  const w = recovered!.windows[0]!;
  assert.deepEqual([w.from, w.to, w.judged?.from, w.judged?.lookback], [t0 + 16, end, t0 + 36, 20]);
  assert.ok(w.samples >= 9, `judged on the samples from t+36 s: ${JSON.stringify(w)}`);
  assert.equal(broken?.status, 'fail', JSON.stringify(broken));
  assert.ok((broken!.windows[0]!.worst?.value ?? 0) >= 40, JSON.stringify(broken!.windows[0]));
  assert.match(broken!.reason, /^< 10 broken: after: \d+/);

  // The first seconds of that after phase, as they were judged before: the fault's failures, 20 s on.
  const { judgeWindow } = await import('../../src/prometheus/gates.ts');
  const series = await client.queryRange(gate('recovered').query, t0, end, 1);
  assert.equal(judgeWindow(gate('recovered'), 'after', t0 + 16, end, series).verdict, 'fail', 'the look-back reaches into the fault');

  // An after phase of 10 s (shorter than the 20 s look-back): rate over those 10 s.
  const short = await evaluateGates(client, [gate('recovered'), gate('broken')], { run: { name: 'run', from: t0, to: t0 + 26 }, phases: phases(t0 + 26) }, { settleMs: 5000 });
  assert.equal(short.results[0]?.status, 'pass', JSON.stringify(short.results[0]));
  assert.equal(short.results[0]?.windows[0]?.judged?.query, 'sum(rate(booking_lock_failures_total{system="recovered"}[10s])) * 60');
  assert.equal(short.results[1]?.status, 'fail', JSON.stringify(short.results[1]));
});
