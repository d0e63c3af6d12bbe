// An arrival-rate step that k6 could not deliver is not "held": real k6
// v2.2.0 with two VUs at most against a server that answers in 50 ms can
// start about 40 iterations a second; at the 5/s step it keeps up, at the
// 150/s step it drops most of them (dropped_iterations), and the capacity
// block says that step broke on dropped iterations, though every request
// it did send was fast.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { k6Skip, realK6 } from '../kit/parts.ts';
import { ensureBuilt, openProject, readJson, type Project } from '../k6-real/harness.ts';
import { startWorkerServer, type WorkerServer } from './worker-server.ts';
import type { CapacityBlock } from '../../src/capacity/analyse.ts';

let project: Project;
let server: WorkerServer | undefined;
before(async () => {
  ensureBuilt();
  project = await openProject();
  project.write('scenarios/hit.ts', `import http from 'k6/http';\nexport default function (): void { http.get(\`\${__ENV.BASE_URL}/work\`); }\n`);
  project.write('profiles/rates.yaml', [
    'description: two arrival-rate steps, the second beyond two VUs',
    'scenario: hit',
    'executor: ramping-arrival-rate',
    'startRate: 5',
    'timeUnit: 1s',
    'preAllocatedVUs: 2',
    'maxVUs: 2',
    'stages:',
    '  - { duration: 4s, target: 5 }',
    '  - { duration: 1s, target: 150 }',
    '  - { duration: 4s, target: 150 }',
    'defaultTargets: false',
    'endpoints: []',
    'targets:',
    '  - "http_req_duration p(99)<2s"',
    '',
  ].join('\n'));
});
after(async () => {
  await server?.close();
  await project?.close();
});

test('a step that dropped iterations broke, and says so; the step that kept up held', { skip: k6Skip('v2.2.0') }, async () => {
  server = await startWorkerServer({ workers: 8, holdMs: 50 });
  const r = await project.loadctl(['run', 'rates', '--k6', realK6('v2.2.0'), '--no-typecheck', '--no-preflight'], { BASE_URL: server.url });
  const out = `${r.stdout}\n${r.stderr}`;
  assert.ok(r.runDir, out);
  const { capacity } = readJson<{ capacity: CapacityBlock }>(join(r.runDir, 'result.json'));
  assert.deepEqual(capacity.steps.map((s) => s.verdict), ['pass', 'fail'], out);
  const broke = capacity.steps[1]!;
  assert.ok((broke.droppedIterations ?? 0) > 100, `dropped ${broke.droppedIterations}`);
  assert.ok(broke.p99 !== null && broke.p99 < 2000, 'what it sent was fast');
  assert.match(broke.reasons.join('; '), /iterations dropped \(k6 had no free VU/);
  assert.match(capacity.answer, /^stable up to 5 iterations\/s .*broke at 150 iterations\/s/);
  assert.doesNotMatch(out, /did not break/);
});
