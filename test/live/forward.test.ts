// The remote-write forward against a real HTTP endpoint in this process: bytes
// and headers unchanged, in order with one request in flight, a full queue
// drops its oldest, a refused endpoint is counted and reported once; the
// markers decode with loadctl's own remote-write decoder.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createForwarder } from '../../src/live/forward.ts';
import { markerEvent, markerTick } from '../../src/live/markers.ts';
import { decodeBody } from '../../src/live/remote-write/decode.ts';
import { sparePort } from '../sandbox/helpers.ts';

async function endpoint(delayMs = 0) {
  const got: Array<{ body: Buffer; headers: IncomingHttpHeaders }> = [];
  let open = 0;
  let maxOpen = 0;
  const server = createServer((req, res) => {
    open += 1;
    maxOpen = Math.max(maxOpen, open);
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => setTimeout(() => {
      got.push({ body: Buffer.concat(chunks), headers: req.headers });
      open -= 1;
      res.writeHead(204).end();
    }, delayMs));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const url = `http://user:pw@127.0.0.1:${(server.address() as AddressInfo).port}/api/v1/write`;
  return { url, got, maxOpen: () => maxOpen, close: () => new Promise<void>((r) => server.close(() => r())) };
}

test('pushes go on unchanged, in order, one at a time, with the sender\'s headers and Basic auth from the URL', async () => {
  const ep = await endpoint(5);
  const fw = createForwarder(ep.url);
  for (let i = 0; i < 20; i++) fw.push(Buffer.from([i, 1, 2, 3]), { 'x-prometheus-remote-write-version': '0.1.0' });
  const stats = await fw.close();
  await ep.close();
  assert.deepEqual(stats, { url: ep.url.replace('user:pw@', ''), forwarded: 20, failed: 0, dropped: 0, lastError: null });
  assert.deepEqual(ep.got.map((g) => g.body[0]), Array.from({ length: 20 }, (_, i) => i));
  assert.deepEqual([...ep.got[0]!.body], [0, 1, 2, 3]);
  assert.equal(ep.maxOpen(), 1);
  const h = ep.got[0]!.headers;
  assert.equal(h['content-encoding'], 'snappy');
  assert.equal(h['content-type'], 'application/x-protobuf');
  assert.equal(h['x-prometheus-remote-write-version'], '0.1.0');
  assert.equal(h.authorization, `Basic ${Buffer.from('user:pw').toString('base64')}`);
});

test('an endpoint that cannot keep up: the queue keeps the newest, the rest is counted as dropped', async () => {
  const ep = await endpoint(200);
  const fw = createForwarder(ep.url, { maxQueue: 3 });
  for (let i = 0; i < 10; i++) fw.push(Buffer.from([i]), {});
  const stats = await fw.close(5000);
  await ep.close();
  assert.equal(stats.forwarded + stats.dropped, 10);
  assert.ok(stats.dropped >= 6, JSON.stringify(stats));
  assert.equal(ep.got.at(-1)!.body[0], 9, 'the newest push got through');
});

test('a refused endpoint: every failure counted, reported once, nothing thrown', async () => {
  const port = await sparePort();
  const reports: string[] = [];
  const fw = createForwarder(`http://127.0.0.1:${port}/api/v1/write`, { onFirstFailure: (e) => reports.push(e) });
  for (let i = 0; i < 4; i++) fw.push(Buffer.from([i]), {});
  const stats = await fw.close();
  assert.equal(stats.failed, 4);
  assert.equal(stats.lastError, 'ECONNREFUSED');
  assert.deepEqual(reports, ['ECONNREFUSED']);
});

test('markers: run active, fault active for the experiment, start and end events, as a valid remote-write body', async () => {
  const ep = await endpoint();
  const fw = createForwarder(ep.url);
  const state = { profile: 'spike', run: '2026-11-30T19:00:00.000Z', experiment: 'redis-failure', faultActive: true };
  fw.markers([markerEvent(state, 'start', 1_796_000_000_000), ...markerTick(state, 1_796_000_000_000, true)]);
  await fw.close();
  await ep.close();
  const series = decodeBody(ep.got[0]!.body, { 'content-encoding': 'snappy', 'content-type': 'application/x-protobuf' });
  const flat = series.map((s) => ({ labels: Object.fromEntries(s.labels.map((l) => [l.name, l.value])), samples: s.samples }));
  assert.deepEqual(flat.map((s) => [s.labels.__name__, s.labels.event ?? s.labels.experiment ?? '', s.samples[0]!.value, s.samples[0]!.timestamp]), [
    ['loadctl_run_event', 'start', 1, 1_796_000_000_000],
    ['loadctl_run_active', '', 1, 1_796_000_000_000],
    ['loadctl_fault_active', 'redis-failure', 1, 1_796_000_000_000],
  ]);
  assert.deepEqual(series[2]!.labels.map((l) => l.name), ['__name__', 'experiment', 'profile', 'run'], 'labels sorted by name');
  assert.equal(markerTick({ ...state }, 1, false)[1]!.samples[0]!.value, 0, 'the last tick says the fault is off');
});
