// Where a staged run broke, on real k6 v2.2.0 against a real server whose
// capacity is known by design (test/capacity/worker-server.ts): the break is
// the step whose queue pushes p99 past the limit, the knee the step where
// the workers were all busy; a server with room to spare never breaks; one
// slower than the limit breaks at the first step. Steps are a few seconds
// each: the machine is shared.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import { k6Skip, realK6 } from '../kit/parts.ts';
import { chromiumSkip, openReport } from '../helpers/report-page.ts';
import type { CapacityChartMarks } from '../../src/report/html-capacity.ts';
import { ensureBuilt, openProject, readJson, type Project } from '../k6-real/harness.ts';
import { startWorkerServer, type WorkerServer } from './worker-server.ts';
import type { CapacityBlock } from '../../src/capacity/analyse.ts';

const scenario = `import http from 'k6/http';

export default function (): void {
  http.get(\`\${__ENV.BASE_URL}/work\`);
}
`;

/** 1 s ramp and `hold` s at each level, back to 0. */
function stepsProfile(levels: number[], hold = 5): string {
  const stages = levels.flatMap((l) => [`  - { duration: 1s, target: ${l} }`, `  - { duration: ${hold}s, target: ${l} }`]);
  return [
    'description: steps against a worker server',
    'scenario: hit',
    'executor: ramping-vus',
    'stages:',
    ...stages,
    '  - { duration: 1s, target: 0 }',
    'defaultTargets: false',
    'endpoints: []',
    'targets:',
    '  - "http_req_duration p(99)<400ms"',
    '  - "http_req_failed rate<5%"',
    '',
  ].join('\n');
}

let project: Project;
const servers: WorkerServer[] = [];
before(async () => {
  ensureBuilt();
  project = await openProject();
  project.write('scenarios/hit.ts', scenario);
});
after(async () => {
  for (const s of servers) await s.close();
  await project?.close();
});

async function run(name: string, levels: number[], server: { workers: number; holdMs: number }, extra: string[] = []) {
  const s = await startWorkerServer(server);
  servers.push(s);
  project.write(`profiles/${name}.yaml`, stepsProfile(levels));
  const r = await project.loadctl(['run', name, '--k6', realK6('v2.2.0'), '--no-typecheck', '--no-preflight', '--capacity', 'window=3s', ...extra], { BASE_URL: s.url });
  assert.ok(r.runDir, `${r.stdout}\n${r.stderr}`);
  const doc = readJson<{ capacity: CapacityBlock }>(join(r.runDir, 'result.json'));
  return { r, capacity: doc.capacity, out: `${r.stdout}\n${r.stderr}` };
}

describe('capacity on real k6 v2.2.0', { skip: k6Skip('v2.2.0') }, () => {
  test('4 workers x 50 ms (80 req/s), p99 < 400 ms: the knee at 8 VUs, stable up to 16 VUs (200 ms), broke at 48 VUs (600 ms)', async () => {
    const junit = join(project.cwd, 'junit.xml');
    const levels = [2, 4, 8, 16, 48];
    const design = { workers: 4, holdMs: 50 };
    // By design: each VU waits levels/capacity s once the workers are all busy, so the
    // first level above capacity x limit breaks, and throughput stops growing past `workers`.
    const capacityRps = (design.workers * 1000) / design.holdMs;
    const breaks = levels.find((l) => l / capacityRps > 0.4)!;
    const knee = levels.find((l) => l > design.workers)!;
    assert.deepEqual([breaks, knee], [48, 8]);
    const { r, capacity, out } = await run('saturates', levels, design, ['--junit', junit]);
    assert.deepEqual(capacity.steps.map((s) => s.verdict), ['pass', 'pass', 'pass', 'pass', 'fail'], out);
    assert.equal(capacity.verdict, 'broke');
    assert.deepEqual([capacity.broke?.step, capacity.broke?.level, capacity.broke?.during], [5, breaks, 'hold']);
    assert.match(capacity.broke!.reasons.join(), /^p99 \d+ ms > 400 ms$/);
    assert.equal(capacity.stableUpTo?.level, 16);
    assert.equal(capacity.knee?.level, knee, JSON.stringify(capacity.steps.map((s) => s.requestRate)));
    // Throughput: about 20 req/s per VU until the workers are all busy, then at most the 80 they serve.
    const rates = capacity.steps.map((s) => s.requestRate);
    assert.ok(rates[1]! > rates[0]! * 1.6, `4 VUs nearly double 2: ${rates}`);
    for (const rate of rates) assert.ok(rate <= 80 * 1.1, `never above the server's capacity: ${rates}`);
    // The answer first, then the targets table.
    const first = r.stdout.split('\n').findIndex((l) => l.startsWith('capacity: '));
    assert.ok(first >= 0, r.stdout);
    assert.match(r.stdout.split('\n')[first]!, /^capacity: stable up to 16 VUs \(\d+ req\/s, p99 \d+ ms, [\d.]+ % errors\); broke at 48 VUs, \d+ s into the step: p99 \d+ ms > 400 ms; knee at 8 VUs: 2× the load gave \d+ req\/s \(was \d+ req\/s\)$/);
    assert.ok(first < r.stdout.indexOf('FAIL'), 'the answer comes before the verdict');
    const xml = readFileSync(junit, 'utf8');
    assert.equal(xml.match(/classname="loadctl.capacity"/g)?.length, 5);
    assert.match(xml, /name="step 5: 48 VUs held within the limits" time="0">\s*<failure message="broke \d+ s into the step: p99/);
    if (chromiumSkip()) return;
    // report.html in real Chromium: the answer above the charts, each hold a band, the break a line inside the last.
    const seen = await openReport(join(r.runDir!, 'report.html'), 'capacity-steps.png');
    assert.deepEqual(seen.problems, []);
    assert.equal(seen.charts, 3);
    assert.ok(seen.text.indexOf(capacity.answer) >= 0 && seen.text.indexOf(capacity.answer) < seen.text.indexOf('Over time'), seen.text.slice(0, 400));
    assert.match(seen.text, /target \(errors 5 %, p99 400 ms where in range\)/, 'the charts\' target is the capacity limits');
    const marks = seen.data.capacity as CapacityChartMarks;
    assert.deepEqual(marks.steps.map((s) => [s.label, s.broke]), levels.map((l, i) => [`${i + 1}: ${l} VUs`, i === 4]));
    const last = marks.steps[4]!;
    assert.ok(marks.breakAt! >= last.from && marks.breakAt! < last.to, JSON.stringify(marks));
    for (let i = 1; i < marks.steps.length; i++) assert.ok(marks.steps[i]!.from >= marks.steps[i - 1]!.to, 'holds in order, ramps between');
  });

  test('64 workers x 20 ms: never breaks, no knee', async () => {
    const { capacity, out } = await run('roomy', [2, 4, 8], { workers: 64, holdMs: 20 });
    assert.equal(capacity.verdict, 'did-not-break', out);
    assert.equal(capacity.broke, null);
    assert.equal(capacity.knee, null, JSON.stringify(capacity.steps.map((s) => s.requestRate)));
    assert.match(capacity.answer, /^did not break up to 8 VUs \(/);
  });

  test('1 worker x 500 ms: broke at the first step', async () => {
    const { capacity, out } = await run('slow', [2, 4], { workers: 1, holdMs: 500 });
    assert.equal(capacity.broke?.step, 1, out);
    assert.equal(capacity.stableUpTo, null);
    assert.match(capacity.answer, /^no stable step; broke at the first step, 2 VUs, \d+ s into the step: p99 \d/);
  });
});
