// What a game day waits for Prometheus to have scraped before its first experiment: the queries of the PromQL invariants the experiments declare.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { promqlInvariantQueries } from '../../../src/gameday/prometheus.ts';
import { listExperiments, loadExperiment } from '../../../src/chaos/experiments.ts';

test('the shipped experiments read one PromQL invariant in the run\'s Prometheus: backlog-drains', async () => {
  const cwd = process.cwd();
  const experiments = await Promise.all((await listExperiments(cwd)).map((e) => loadExperiment(e.name, { cwd, overrides: { vars: {} } })));
  assert.deepEqual(promqlInvariantQueries(experiments.map((e) => e.invariants)), ['sum(kafka_consumer_group_lag)']);
});

test('one with its own promql.url, or another kind, is not waited for; duplicates once', () => {
  const own = { name: 'dlq', promql: { query: 'sum(dlq)', url: 'http://other:9090' } };
  const sql = { name: 'rows', sql: { url: 'postgres://x', query: 'SELECT 1' } };
  const mine = { name: 'queue', promql: { query: 'max(booking_queue_length)' } };
  assert.deepEqual(promqlInvariantQueries([[own, sql, mine, 'no-double-sale'], ['backlog-drains', mine], undefined]), ['max(booking_queue_length)', 'sum(kafka_consumer_group_lag)']);
});
