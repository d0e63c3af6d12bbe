// Real k6 (v0.49.0 and v2.2.0) refusing to run: a scenario that throws at
// init (107), options k6 rejects (104) and a k6 flag it does not know (255).
// loadctl shows k6's own reason on the console in one line (the thrown
// error's place relative to the project, k6's stack under --verbose), keeps
// the documented exit code, and prints neither a table of "no k6 summary was
// read" rows nor the live feed's "pushed no request data" warning.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { k6Skip, k6Versions, realK6 } from '../kit/parts.ts';
import { ensureBuilt, openProject, readJson, shortProfile, type Project, type Ran } from './harness.ts';

// The throw is inside a function, so k6's stack has two frames.
const boom = `import http from 'k6/http';

function explode(): never {
  throw new Error('boom at init');
}
if (__ENV.BOOM !== 'no') explode();

export default function (): void {
  http.get(\`\${__ENV.BASE_URL}/health\`);
}
`;

let project: Project;
before(async () => {
  ensureBuilt();
  project = await openProject();
  project.write('scenarios/boom.ts', boom);
  project.write('profiles/boom.yaml', shortProfile({ scenario: 'boom', vus: 1, duration: '2s' }));
  project.write('profiles/tiny.yaml', shortProfile({ scenario: 'simple', vus: 1, duration: '2s' }));
  project.write('scenarios/bad-options.js', 'export const options = { vus: 1, iterations: -5 };\nexport default function () {}\n');
});
after(async () => { await project?.close(); });

const out = (r: Ran) => `${r.stdout}\n${r.stderr}`;

function assertNoFindings(r: Ran): void {
  assert.doesNotMatch(out(r), /no k6 summary was read|not reported by k6|┌|│/, 'no targets table when k6 never ran the test');
  assert.doesNotMatch(out(r), /no results:/);
  assert.doesNotMatch(out(r), /live feed/, 'no live-feed warning when k6 never started the load');
}

for (const version of k6Versions) {
  describe(`real k6 ${version} refusing to run`, { skip: k6Skip(version) }, () => {
    test('a scenario that throws at init: its message at file:line:col in the project, exit 5, nothing else', async () => {
      const r = await project.loadctl(['run', 'boom', '--k6', realK6(version), '--no-typecheck']);
      assert.equal(r.code, 5, out(r));
      const verdict = r.stdout.split('\n').find((l) => l.startsWith('SCRIPT-ERROR: '));
      assert.ok(verdict, r.stdout);
      // k6 source-maps the bundle back to the scenario (its column: 8 for `new`); shown relative to the project.
      assert.match(verdict, /: scenarios\/boom\.ts:4:8: Error: boom at init \(exit 5\)$/);
      assert.equal(out(r).split('boom at init').length - 1, 1, `said once\n${out(r)}`);
      assert.doesNotMatch(out(r), /file:\/\/|k6 stack/, 'no absolute URL, no stack without --verbose');
      assertNoFindings(r);
      const doc = readJson<{ status: string; exitCode: number; k6: { error: { line: string; stack: string[] } } }>(join(r.runDir!, 'result.json'));
      assert.deepEqual([doc.status, doc.exitCode], ['script-error', 5]);
      assert.equal(doc.k6.error.line, 'scenarios/boom.ts:4:8: Error: boom at init');
    });

    test('--verbose adds k6\'s stack, frames relative to the project', async () => {
      const r = await project.loadctl(['--verbose', 'run', 'boom', '--k6', realK6(version), '--no-typecheck']);
      assert.equal(r.code, 5, out(r));
      const stack = r.stdout.slice(r.stdout.indexOf('k6 stack:'));
      assert.match(stack, /^k6 stack:\n {4}at explode \(scenarios\/boom\.ts:4:8\)\n {4}at .*scenarios\/boom\.ts:6:\d+/);
    });

    test('options k6 rejects (104): k6\'s reason on the console in one line, exit 5', async () => {
      // The script's own options: a profile run refuses k6's --iterations after `--` before k6 could.
      const r = await project.loadctl(['run', 'scenarios/bad-options.js', '--k6', realK6(version), '--no-typecheck']);
      assert.equal(r.code, 5, out(r));
      assert.match(r.stdout, /^SCRIPT-ERROR: k6 exited 104 \(invalid k6 configuration or options\): There were problems with the specified script configuration: scenario \S+ has configuration errors: the number of iterations \(-5\) can't be less than/m);
      assertNoFindings(r);
    });

    test('a k6 flag k6 does not know (255): k6\'s line, exit 2', async () => {
      const r = await project.loadctl(['run', 'tiny', '--k6', realK6(version), '--no-typecheck', '--', '--no-such-flag']);
      assert.equal(r.code, 2, out(r));
      assert.match(r.stdout, /^USAGE-ERROR: k6 rejected its command line: unknown flag: --no-such-flag \(exit 2\)$/m);
      assert.doesNotMatch(out(r), /undocumented code/);
      assertNoFindings(r);
    });
  });
}
