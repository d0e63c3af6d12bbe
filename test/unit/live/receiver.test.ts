// The receiver over real HTTP on 127.0.0.1: the captured k6 pushes replayed
// with their exact headers are accepted and add up to the run's totals; what
// k6 would never send is refused with a clear status, and the receiver
// keeps working afterwards.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { connect } from 'node:net';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { k6RemoteWriteConfig, startReceiver } from '../../../src/live/receiver.ts';

const root = fileURLToPath(new URL('../../fixtures/remote-write/', import.meta.url));

function post(url: string, body: Buffer, headers: Record<string, string>, method = 'POST'): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

for (const version of ['v0.49.0', 'v2.2.0']) {
  test(`${version}: k6's captured pushes, replayed with their headers, are accepted and add up`, async () => {
    const dir = `${root}${version}/native/`;
    const summary = JSON.parse(readFileSync(`${dir}summary-export.json`, 'utf8')) as { metrics: { http_reqs: { count: number } } };
    const rejected: string[] = [];
    const seconds: number[] = [];
    const rx = await startReceiver({ onRejected: (r) => rejected.push(r), onSecond: (s) => seconds.push(s.total.t) });
    try {
      assert.match(rx.url, /^http:\/\/127\.0\.0\.1:\d+\/api\/v1\/write$/);
      for (const id of readdirSync(dir).filter((f) => f.endsWith('.body.bin')).map((f) => f.slice(0, 3)).sort()) {
        const captured = JSON.parse(readFileSync(`${dir}${id}.headers.json`, 'utf8')) as { method: string; url: string; headers: Record<string, string> };
        const headers = { ...captured.headers, host: new URL(rx.url).host };
        const res = await post(new URL(captured.url, rx.url).href, readFileSync(`${dir}${id}.body.bin`), headers, captured.method);
        assert.equal(res.status, 204, res.text);
      }
    } finally {
      const tl = await rx.close();
      assert.deepEqual(rejected, []);
      assert.equal(tl.total.reduce((a, s) => a + s.requests, 0), summary.metrics.http_reqs.count);
      assert.deepEqual(seconds, tl.total.map((s) => s.t));
    }
  });
}

test('what k6 would never send is refused with a status and a reason, and the receiver carries on', async () => {
  const rejected: string[] = [];
  const rx = await startReceiver({ onRejected: (r) => rejected.push(r) });
  const body = readFileSync(`${root}v2.2.0/native/001.body.bin`);
  const k6 = { 'content-encoding': 'snappy', 'content-type': 'application/x-protobuf' };
  try {
    assert.equal((await post(rx.url.replace('/api/v1/write', '/metrics'), body, k6)).status, 404);
    assert.equal((await post(rx.url, Buffer.alloc(0), {}, 'GET')).status, 405);
    assert.equal((await post(rx.url, body, { ...k6, 'content-encoding': 'gzip' })).status, 415);
    const garbage = await post(rx.url, Buffer.from('definitely not snappy'), k6);
    assert.equal(garbage.status, 400);
    assert.match(garbage.text, /snappy/);
    assert.equal(rejected.length, 4);
    assert.equal((await post(rx.url, body, k6)).status, 204, 'still accepts a good push');
  } finally {
    const tl = await rx.close();
    assert.equal(tl.total.reduce((a, s) => a + s.requests, 0), 46);
  }
});

test('k6 is told to push native histograms every second to the receiver', () => {
  const cfg = k6RemoteWriteConfig('http://127.0.0.1:4321/api/v1/write');
  assert.deepEqual(cfg.args, ['--out', 'experimental-prometheus-rw']);
  assert.deepEqual(cfg.env, {
    K6_PROMETHEUS_RW_SERVER_URL: 'http://127.0.0.1:4321/api/v1/write',
    K6_PROMETHEUS_RW_PUSH_INTERVAL: '1s',
    K6_PROMETHEUS_RW_STALE_MARKERS: 'false',
  });
  assert.equal(k6RemoteWriteConfig('http://x/', 500).env.K6_PROMETHEUS_RW_PUSH_INTERVAL, '500ms');
});

test('an oversized body is refused up front, and a sender hanging up mid-body does no harm', async () => {
  const rejected: string[] = [];
  const rx = await startReceiver({ onRejected: (r) => rejected.push(r) });
  const { port } = new URL(rx.url);
  const raw = (head: string, body: string, hangUp: boolean): Promise<string> =>
    new Promise((resolve) => {
      const sock = connect(Number(port), '127.0.0.1', () => {
        sock.write(head + body);
        if (hangUp) setTimeout(() => sock.destroy(), 50);
      });
      let got = '';
      sock.on('data', (d) => (got += d.toString()));
      sock.on('close', () => resolve(got));
      sock.on('error', () => resolve(got));
      if (!hangUp) setTimeout(() => sock.end(), 200);
    });
  try {
    const big = await raw('POST /api/v1/write HTTP/1.1\r\nHost: x\r\nContent-Encoding: snappy\r\nContent-Length: 20000000\r\n\r\n', 'abc', false);
    assert.match(big, /^HTTP\/1\.1 413/);
    await raw('POST /api/v1/write HTTP/1.1\r\nHost: x\r\nContent-Encoding: snappy\r\nContent-Length: 100\r\n\r\n', 'only ten b', true);
    const body = readFileSync(`${root}v2.2.0/native/001.body.bin`);
    assert.equal((await post(rx.url, body, { 'content-encoding': 'snappy' })).status, 204);
    assert.equal(rejected.length, 1);
  } finally {
    await rx.close();
  }
});
