// The sandbox's /metrics text, as Prometheus would scrape it (prom-client).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SandboxMetrics } from '../../../src/sandbox/metrics.ts';

test('histogram buckets are cumulative, with +Inf, sum and count', async () => {
  const m = new SandboxMetrics();
  for (const seconds of [0.004, 0.3, 20]) m.http.observe({ method: 'GET', route: '/a', status: '200' }, seconds);
  const text = await m.render();
  const series = (le: string) => Number(new RegExp(`^http_server_requests_seconds_bucket\\{le="${le.replace('+', '\\+')}",method="GET",route="/a",status="200"\\} (\\S+)$`, 'm').exec(text)?.[1]);
  assert.equal(series('0.005'), 1);
  assert.equal(series('0.5'), 2);
  assert.equal(series('10'), 2);
  assert.equal(series('+Inf'), 3);
  assert.match(text, /^http_server_requests_seconds_count\{method="GET",route="\/a",status="200"\} 3$/m);
});

test('the runbook families are there from the first scrape, counters at 0; label values are escaped', async () => {
  const m = new SandboxMetrics();
  const text = await m.render();
  assert.match(text, /^booking_lock_failures_total\{reason="conflict"\} 0$/m);
  assert.match(text, /^booking_lock_failures_total\{reason="unavailable"\} 0$/m);
  assert.match(text, /^booking_queue_length 0$/m);
  assert.match(text, /^booking_reservation_expirations_total 0$/m);
  assert.match(text, /^# TYPE http_server_requests_seconds histogram$/m);
  m.lockFailures.inc({ reason: 'say "hi"\\\n' }, 2);
  assert.match(await m.render(), /^booking_lock_failures_total\{reason="say \\"hi\\"\\\\\\n"\} 2$/m);
  assert.match(m.contentType, /^text\/plain; version=0\.0\.4/);
});
