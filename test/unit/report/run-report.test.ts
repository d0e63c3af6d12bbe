import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseSummary } from '../../../src/results/summary.ts';
import { judge } from '../../../src/verdict/judge.ts';
import { decideOutcome } from '../../../src/verdict/outcome.ts';
import type { RunReport } from '../../../src/report/model.ts';
import type { Target } from '../../../src/profiles/types.ts';
import { renderTable, renderFigures } from '../../../src/report/table.ts';
import { renderJson, RESULT_SCHEMA, toResultDocument } from '../../../src/report/json.ts';
import { escapeXml, renderJunit } from '../../../src/report/junit.ts';
import { renderMarkdown } from '../../../src/report/markdown.ts';
import { fixture } from '../../run/helpers.ts';

const targets: Target[] = [
  { name: 'booking P99', metric: 'http_req_duration', tags: { flow: 'book' }, stat: 'p99', op: '<', value: 2000 },
  { name: 'error rate', metric: 'http_req_failed', stat: 'rate', op: '<', value: 0.05 },
];

function report(file: string, k6ExitCode: number | null): RunReport {
  const parsed = file ? parseSummary(fixture('v2.2.0', file)) : undefined;
  const results = parsed?.ok ? parsed.results : undefined;
  const verdict = judge(results, targets);
  return {
    profile: { name: 'spike', description: 'Flash sale', scenario: 'spike', file: 'profiles/spike.yaml' },
    startedAt: '2026-11-27T08:00:00.000Z',
    endedAt: '2026-11-27T08:01:00.000Z',
    runDir: '/tmp/run',
    k6: { path: '/usr/bin/k6', version: 'v2.2.0', argv: ['run', 'script.js'], exitCode: k6ExitCode, signal: null, durationMs: 60_000 },
    summary: results ? { source: results.source, file: `/tmp/run/${file}` } : undefined,
    summaryError: results ? undefined : 'summary.json (handleSummary) missing',
    results,
    verdict,
    outcome: decideOutcome({ k6ExitCode, k6Signal: null, interrupted: false, summaryRead: Boolean(results), verdict }),
  };
}

test('table: one row per target and per k6 threshold, PASS/FAIL, actual figures', () => {
  const pass = renderTable(report('pass.handle-summary.json', 0));
  assert.match(pass, /booking P99/);
  assert.match(pass, /http_req_duration\{flow:book\} p99 < 2\.00 s/);
  // The two thresholds the targets added are the targets' rows, not rows of their own.
  assert.equal((pass.match(/PASS/g) ?? []).length, 2 + 4);
  assert.doesNotMatch(pass, /FAIL/);
  assert.doesNotMatch(pass, /k6 threshold http_req_failed: rate<0\.05/);
  // k6's own figure beside held, as k6 prints it.
  assert.match(pass, /p\(95\)=20\.94ms held/);
  assert.match(pass, /rate=97\.84% held/);
  assert.match(pass, /count=7 held/);
  const fail = renderTable(report('fail.summary-export.json', 99));
  assert.match(fail, /50\.00%/);
  assert.equal((fail.match(/FAIL/g) ?? []).length, 3); // both targets (p99 absent, 50% errors) and the p(99)<100 threshold
  assert.match(fail, /crossed/);
  assert.match(renderFigures(report('pass.handle-summary.json', 0)), /requests 324 \(63\.8\/s\), errors 0\.00%/);
});

test('json: versioned document with targets, thresholds, totals; null where nothing was measured', () => {
  const doc = JSON.parse(renderJson(report('pass.handle-summary.json', 0)));
  assert.equal(doc.schema, RESULT_SCHEMA);
  assert.equal(doc.version, 1);
  assert.equal(doc.status, 'passed');
  assert.equal(doc.exitCode, 0);
  assert.equal(doc.k6.exitName, 'Success');
  assert.equal(doc.targets.length, 2);
  assert.equal(doc.targets[0].ok, true);
  assert.equal(typeof doc.targets[0].actual, 'number');
  assert.equal(doc.thresholds.length, 4);
  assert.deepEqual(doc.thresholds.find((t: { expression: string }) => t.expression === 'p(95)<1000').figure, 'p(95)=20.94ms');
  assert.equal(doc.totals.requests, 324);
  assert.equal(doc.summary.source, 'handleSummary');
  assert.ok(doc.metrics['http_req_duration{flow:book}'].stats.p99 > 0);
  const none = toResultDocument(report('', 0));
  assert.equal(none.status, 'no-summary');
  assert.equal(none.exitCode, 1);
  assert.equal(none.totals.requests, null);
  assert.equal(none.summary.error, 'summary.json (handleSummary) missing');
  assert.deepEqual(none.targets.map((t) => t.failure), ['no-summary', 'no-summary']);
});

test('junit: one testcase per target and per threshold, failures counted, XML escaped', () => {
  const xml = renderJunit(report('fail.summary-export.json', 99));
  assert.equal((xml.match(/<testcase /g) ?? []).length, 2 + 1);
  assert.match(xml, /<testsuites name="loadctl" tests="3" failures="3" errors="0"/);
  // One breach, one testcase: the target's, in words that do not read as met.
  assert.match(xml, /<failure message="rate 50\.00%, not &lt; 5\.00%" type="target">/);
  assert.doesNotMatch(xml, /name="http_req_failed: rate&lt;0\.05"/);
  assert.match(xml, /classname="k6.thresholds" name="http_req_duration: p\(99\)&lt;100"/);
  assert.match(xml, /classname="loadctl.targets" name="booking P99: http_req_duration\{flow:book\} p99 &lt; 2\.00 s"/);
  const ok = renderJunit(report('pass.handle-summary.json', 0));
  assert.match(ok, /tests="6" failures="0" errors="0"/);
  const script = renderJunit(report('', 107));
  assert.match(script, /<error message="k6 exited 107 \(the script threw an exception or did not parse\)"/);
  assert.equal(escapeXml(`<a href="x">&'\u0001`), '&lt;a href=&quot;x&quot;&gt;&amp;&apos;');
});

test('junit: a run with --chaos gains one recovery testcase, failed when users recovered too slowly', () => {
  const recovery = (verdict: 'pass' | 'fail', reason: string) => ({
    phases: [],
    phasesBySeries: {},
    recovery: {
      experiment: 'redis-failure', injectedAt: 1_000, rolledBackAt: 31_000, recovered: verdict === 'pass',
      userRecoveredAt: null, userRecoverySeconds: verdict === 'pass' ? 4 : null, containerRecoverySeconds: 1,
      gapSeconds: null, observedAfterRollbackSeconds: 60, targetSeconds: 30, verdict, reason,
      targets: { maxErrorRate: 0.05, maxP99Ms: 2000, consecutiveSeconds: 5, maxRecoverySeconds: 30 },
    },
  });
  const base = report('pass.handle-summary.json', 0);
  const ok = renderJunit(base, recovery('pass', 'users recovered after 4 s < 30 s'));
  assert.match(ok, /tests="7" failures="0"/);
  assert.match(ok, /classname="loadctl.recovery" name="redis-failure: users recovered within 30 s" time="0"\/>/);
  const slow = renderJunit(base, recovery('fail', 'users never recovered within 60 s of data'));
  assert.match(slow, /tests="7" failures="1"/);
  assert.match(slow, /<failure message="users never recovered within 60 s of data" type="target">/);
});

test('markdown: verdict heading, target table, thresholds', () => {
  const md = renderMarkdown(report('fail.summary-export.json', 99));
  assert.match(md, /^### ❌ loadctl run `spike`: FAILED \(exit 1\)/);
  assert.match(md, /\| error rate \| `http_req_failed rate < 5\.00%` \| 50\.00% \| \*\*FAIL\*\* \|/);
  assert.match(md, /\| `http_req_duration: p\(99\)<100` \| crossed \| \*\*FAIL\*\* \|/);
  assert.match(renderMarkdown(report('pass.handle-summary.json', 0)), /^### ✅ .*PASSED \(exit 0\)/);
});
