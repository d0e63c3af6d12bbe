// `--find-limit` on real k6 v2.2.0 against the worker server (4 workers x
// 50 ms: 80 requests/s at most, one request per iteration): the search ends
// near 80 iterations/s within its budget, the rate it reports held for the
// whole probe (k6 started the iterations, the live feed saw them answered in
// time), and a probe that broke was stopped by the live feed before its end.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { k6Skip, realK6 } from '../kit/parts.ts';
import { ensureBuilt, openProject, type Project } from '../k6-real/harness.ts';
import { startWorkerServer, type WorkerServer } from './worker-server.ts';
import type { SearchOutcome } from '../../src/capacity/search.ts';

let project: Project;
let server: WorkerServer;
before(async () => {
  ensureBuilt();
  project = await openProject();
  server = await startWorkerServer({ workers: 4, holdMs: 50 });
  project.write('scenarios/hit.ts', `import http from 'k6/http';\n\nexport default function (): void {\n  http.get(\`\${__ENV.BASE_URL}/work\`);\n}\n`);
  project.write('profiles/steps.yaml', [
    'description: steps against a worker server', 'scenario: hit', 'executor: ramping-vus', 'stages:',
    '  - { duration: 1s, target: 2 }', '  - { duration: 5s, target: 2 }', '  - { duration: 1s, target: 0 }',
    'defaultTargets: false', 'endpoints: []', 'targets:', '  - "http_req_duration p(99)<300ms"', '  - "http_req_failed rate<5%"', '',
  ].join('\n'));
  project.write('profiles/flat.yaml', 'description: no stages\nscenario: hit\nexecutor: constant-vus\nvus: 1\nduration: 2s\n');
});
after(async () => {
  await server?.close();
  await project?.close();
});

describe('--find-limit on real k6 v2.2.0', { skip: k6Skip('v2.2.0') }, () => {
  test('converges near the server\'s 80 req/s within the budget, and reports only a rate it sustained', async (t) => {
    const budget = 180;
    const r = await project.loadctl([
      'run', 'steps', '--find-limit', '20', '--budget', `${budget}s`, '--duration', '6s', '--capacity', 'window=3s',
      '--k6', realK6('v2.2.0'), '--no-typecheck', '--no-preflight', '--json',
    ], { BASE_URL: server.url });
    const out = `${r.stdout}\n${r.stderr}`;
    assert.equal(r.code, 0, out);
    const doc = JSON.parse(r.stdout) as SearchOutcome & { schema: string };
    assert.equal(doc.schema, 'loadctl/find-limit');
    const rates = doc.probes.map((p) => `${p.rate}:${p.verdict}`).join(' ');
    t.diagnostic(`probes ${rates}; ${doc.answer}`);
    assert.equal(doc.stop, 'converged', rates);
    assert.ok(doc.elapsedSeconds <= budget, `${doc.elapsedSeconds} s within ${budget} s`);
    assert.deepEqual(doc.probes.slice(0, 2).map((p) => [p.rate, p.verdict]), [[20, 'held'], [40, 'held']], rates);
    // Within one step (the search's 10 %) of the design's 80/s, and never above what the server can serve.
    assert.ok(doc.limit! >= 80 * 0.7 && doc.limit! <= 80 * 1.1, `limit ${doc.limit} (${rates})`);
    assert.ok(doc.brokeAt! - doc.limit! <= Math.max(1, 0.1 * doc.limit!), rates);
    const reported = doc.probes.find((p) => p.rate === doc.limit && p.verdict === 'held')!;
    assert.ok(reported.iterations! >= 0.95 * reported.rate * 6, `k6 started ${reported.iterations} iterations`);
    assert.ok(reported.requestRate >= 0.9 * reported.rate, `answered ${reported.requestRate} req/s at ${reported.rate}/s`);
    for (const p of doc.probes.filter((x) => x.verdict === 'held')) assert.ok(p.rate <= doc.limit!);
    assert.ok(doc.probes.some((p) => p.verdict === 'broke' && p.stoppedEarly), `the live feed stopped a broken probe early: ${rates}`);
    assert.match(r.stderr, /probe 1: 20 iterations\/s held \(/);
    assert.match(r.stderr, new RegExp(`^limit: ${doc.limit} iterations/s sustained \\(`, 'm'));
    assert.equal(doc.answer.split('\n').length, 1);
    // The rule the probes were judged by is printed under the answer, and kept in the document.
    assert.match(doc.rule ?? '', /^a rate is sustained when, over its 6 s hold less the first 2 s, p99 < 300 ms, errors < 5 % as a whole/);
    assert.ok(r.stderr.includes(`  (${doc.rule})`), r.stderr);
  });

  test('a rate far past the server breaks at once: the live feed stops its k6 long before the hold ends, and the budget ends the search', async (t) => {
    const budget = 45;
    const r = await project.loadctl([
      'run', 'steps', '--find-limit', '240', '--budget', `${budget}s`, '--duration', '20s', '--capacity', 'window=3s',
      '--k6', realK6('v2.2.0'), '--no-typecheck', '--no-preflight', '--json',
    ], { BASE_URL: server.url });
    const doc = JSON.parse(r.stdout) as SearchOutcome;
    const rates = doc.probes.map((p) => `${p.rate}:${p.verdict}:${p.k6Seconds}s`).join(' ');
    t.diagnostic(`probes ${rates}; ${doc.answer}`);
    const first = doc.probes[0]!;
    assert.deepEqual([first.rate, first.verdict, first.stoppedEarly], [240, 'broke', true], rates);
    assert.ok(first.k6Seconds! < 12, `k6 stopped after ${first.k6Seconds} s of a 20 s hold`);
    assert.equal(doc.stop, 'budget', rates);
    assert.ok(doc.elapsedSeconds <= budget, `${doc.elapsedSeconds} s within ${budget} s`);
    if (doc.limit !== null) assert.ok(doc.limit <= 80 * 1.1, rates);
    assert.match(doc.answer, /budget spent before it converged/);
    assert.equal(r.code, doc.limit === null ? 1 : 0);
  });

  test('a profile without stages: one line, exit 2, no probe run', async () => {
    const r = await project.loadctl(['run', 'flat', '--find-limit', '--k6', realK6('v2.2.0')], { BASE_URL: server.url });
    assert.equal(r.code, 2);
    assert.match(r.stderr, /^loadctl: --find-limit searches from a staged profile, but flat has no stages that hold a level$/m);
    assert.equal(r.runDir, undefined);
  });
});
