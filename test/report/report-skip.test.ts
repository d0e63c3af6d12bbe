// The README's own `loadctl report .loadctl/runs/*` once the folder holds a
// run that stopped before k6 started (its scenario did not type-check: the
// folder has profile.json and nothing else) and a dry run: both are skipped
// with a note, the real run is reported, exit 0. Made by loadctl itself.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { k6Skip, realK6 } from '../kit/parts.ts';
import { ensureBuilt, openProject, shortProfile, type Project } from '../k6-real/harness.ts';

let project: Project;
before(async () => {
  ensureBuilt();
  project = await openProject();
  project.write('scenarios/fine.ts', `import http from 'k6/http';\nexport default function (): void { http.get(\`\${__ENV.BASE_URL}/health\`); }\n`);
  project.write('scenarios/typo.ts', `export default function (): void { const n: number = 'not a number'; }\n`);
  project.write('profiles/fine.yaml', shortProfile({ scenario: 'fine', vus: 1, duration: '1s', extra: 'defaultTargets: false\nendpoints: []' }));
  project.write('profiles/typo.yaml', shortProfile({ scenario: 'typo', vus: 1, duration: '1s', extra: 'defaultTargets: false\nendpoints: []' }));
});
after(async () => { await project?.close(); });

test('report over every run folder skips the dry run and the run that never started, with a note each', { skip: k6Skip('v2.2.0') }, async () => {
  const k6 = ['--k6', realK6('v2.2.0')];
  assert.equal((await project.loadctl(['run', 'typo', ...k6])).code, 5);
  assert.equal((await project.loadctl(['run', 'fine', ...k6, '--dry-run'])).code, 0);
  const good = await project.loadctl(['run', 'fine', ...k6, '--no-typecheck', '--no-live']);
  assert.equal(good.code, 0, good.stdout);
  const runs = join(project.cwd, '.loadctl', 'runs');
  const all = readdirSync(runs).map((d) => join('.loadctl', 'runs', d));
  assert.equal(all.length, 3);
  const r = await project.loadctl(['report', ...all]);
  assert.equal(r.code, 0, `${r.stdout}\n${r.stderr}`);
  assert.match(r.stderr, /skipped \.loadctl\/runs\/\S+-typo: stopped before k6 started \(the scenario did not bundle\), so no results/);
  assert.match(r.stderr, /skipped \.loadctl\/runs\/\S+-fine: a dry run/);
  assert.match(r.stdout, /\| fine /);
});
