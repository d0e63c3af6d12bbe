// The shipped Grafana dashboard: valid JSON of the shape Grafana imports, a
// panel per runbook key metric and per k6 figure, fault windows as a query
// annotation, and every query accepted by a real Prometheus.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { commandSkip } from '../kit/parts.ts';
import { dashboard, dashboardQueries, startPrometheus, type RealPrometheus } from './harness.ts';

const skip = commandSkip('prometheus');
let prom: RealPrometheus;
before(async () => { if (!skip) prom = await startPrometheus([]); });
after(async () => { await prom?.stop(); });

test('the dashboard covers k6, the five key metrics and the fault windows, with a datasource to pick on import', () => {
  const all = dashboardQueries.map((q) => q.expr).join('\n');
  for (const metric of ['booking_lock_failures_total', 'booking_queue_length', 'booking_reservation_expirations_total', 'http_server_requests_seconds_bucket', 'kafka_consumer_group_lag', 'k6_http_reqs_total', 'k6_http_req_duration_seconds', 'loadctl_fault_active']) {
    assert.ok(all.includes(metric), `no panel reads ${metric}`);
  }
  assert.deepEqual(dashboard.annotations.list.map((a) => a.expr), ['loadctl_fault_active == 1', 'loadctl_run_active == 1']);
  assert.deepEqual(dashboard.templating.list.map((t) => [t.type, t.query]), [['datasource', 'prometheus']]);
  assert.equal(dashboard.uid, 'loadctl-overview');
});

test('every query in the dashboard parses in a real Prometheus', { skip }, async () => {
  const refused: string[] = [];
  for (const q of dashboardQueries) {
    const res = await fetch(`${prom.url}/api/v1/query?query=${encodeURIComponent(q.expr)}`);
    if (res.status !== 200) refused.push(`${q.where}: ${q.expr}: ${await res.text()}`);
  }
  assert.deepEqual(refused, []);
});
