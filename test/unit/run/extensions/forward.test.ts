// The forward extension alone, against a real HTTP endpoint in this process:
// off without a URL or without the live feed; with one, k6's pushes and the
// run's markers are forwarded from the load's start to its end, and the
// figures are its result.json block, never a say in the verdict.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { forwardExtension } from '../../../../src/run/extensions/forward.ts';
import type { RunReport } from '../../../../src/report/model.ts';
import { hostFor, root } from '../kit.ts';

const ctx = { runDir: root, report: {} as RunReport, timeline: undefined, profile: undefined };

test('no URL, or the live feed off: not part of the run', async () => {
  assert.equal(await forwardExtension.open(hostFor()), null);
  assert.equal(await forwardExtension.open(hostFor({ prometheusRw: 'http://127.0.0.1:9/api/v1/write', live: false })), null);
});

test('k6\'s push is forwarded unchanged between the start and end markers; the figures are its block', async (t) => {
  const bodies: Buffer[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c)).on('end', () => { bodies.push(Buffer.concat(chunks)); res.writeHead(204).end(); });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  t.after(() => server.close());
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/v1/write`;
  const on = await forwardExtension.open(hostFor({ prometheusRw: url }));
  assert.ok(on);
  on.onStart?.(Date.now(), 1);
  const push = Buffer.from('k6 remote-write body');
  on.onPush?.(push, { 'content-encoding': 'snappy', 'x-prometheus-remote-write-version': '0.1.0' });
  await on.afterLoad?.();
  const found = await on.finish?.(ctx);
  assert.equal(found?.say, undefined);
  const stats = found?.doc?.forward as { forwarded: number; failed: number };
  assert.equal(stats.failed, 0);
  // The start marker, the push, the end marker at least.
  assert.ok(stats.forwarded >= 3, JSON.stringify(stats));
  assert.equal(bodies.length, stats.forwarded);
  assert.ok(bodies.some((b) => b.equals(push)), 'the push arrived byte for byte');
});
