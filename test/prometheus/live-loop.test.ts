// The live gates' querying loop (src/prometheus/live.ts) against a real
// Prometheus (Debian's) that is stopped mid-run and started again on the same
// port: while it is away the loop warns once and never stops the run; back,
// it judges again and stops on three failing evaluations in a row. The
// system is a real HTTP /metrics endpoint whose gauge the test sets.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { commandSkip } from '../kit/parts.ts';
import { waitFor } from '../chaos-e2e/harness.ts';
import { startPrometheus, waitForMetric, type RealPrometheus } from './harness.ts';
import { createPrometheusClient } from '../../src/prometheus/client.ts';
import { startLiveGates } from '../../src/prometheus/live.ts';
import type { LiveAbort } from '../../src/prometheus/live-decide.ts';

const skip = commandSkip('prometheus');
let value = 1;
const server = createServer((req, res) => res.end(`# TYPE lg_queue_length gauge\nlg_queue_length ${value}\n`));
let prom: RealPrometheus | undefined;
after(async () => { await prom?.stop(); server.close(); });

test('Prometheus going away mid-run is a warning and never an abort; back, a failing gate stops the run', { skip, timeout: 120_000 }, async () => {
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const target = `127.0.0.1:${(server.address() as { port: number }).port}`;
  prom = await startPrometheus([target]);
  await waitForMetric(prom, 'lg_queue_length');
  const warnings: string[] = [];
  const aborts: LiveAbort[] = [];
  const start = Date.now() / 1000;
  const loop = startLiveGates({
    client: createPrometheusClient(prom.url, { timeoutMs: 1000 }),
    gates: [
      { name: 'queue', query: 'max(lg_queue_length)', op: '<', value: 10, scopes: ['run'], source: 'profile', abortOnFail: true },
      { name: 'not live', query: 'max(lg_queue_length)', op: '<', value: 0, scopes: ['run'], source: 'profile' },
    ],
    settings: { everyMs: 300, failures: 3 },
    marks: () => ({ start, chaos: false }),
    onAbort: (a) => aborts.push(a),
    onWarn: (line) => warnings.push(line),
  });
  await new Promise((r) => setTimeout(r, 1500));
  assert.equal(aborts.length, 0);

  // Away: the system breaks the gate meanwhile, but nobody can see it.
  const port = prom.port;
  await prom.stop();
  prom = undefined;
  value = 50;
  await waitFor('the warning that Prometheus does not answer', () => warnings.length > 0);
  // A window after the first warning in which a second one, or an abort, would show.
  await new Promise((r) => setTimeout(r, 3000));
  assert.equal(aborts.length, 0, "no abort while Prometheus does not answer");
  assert.equal(warnings.length, 1, warnings.join('\n'));
  assert.match(warnings[0] ?? '', /^live gates: Prometheus at http:\/\/127\.0\.0\.1:\d+ did not answer \(.*\); not judging live until it does, never stopping the run for it$/);

  prom = await startPrometheus([target], { port });
  await waitFor('the abort', async () => aborts.length > 0, 60_000, 100);
  assert.match(warnings[1] ?? '', /answers again/);
  const doc = await loop.stop();
  assert.equal(aborts.length, 1);
  assert.deepEqual([aborts[0]?.gate, aborts[0]?.window, aborts[0]?.streak.length, aborts[0]?.last.value], ['queue', 'run', 3, 50]);
  assert.deepEqual(doc.gates, ['queue'], 'only gates with abortOnFail are judged live');
  assert.ok(doc.evaluations.unanswered >= 5 && doc.evaluations.pass >= 2 && doc.evaluations.fail >= 3, JSON.stringify(doc.evaluations));
  assert.equal(doc.abort?.gate, 'queue');
});
