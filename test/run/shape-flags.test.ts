// `loadctl run <profile> -- --vus 3` used to replace the profile's executor
// with k6's constant-vus (k6's flags outrank a script's scenarios) and still
// read PASS. It is refused before anything starts (exit 2), naming loadctl's
// own --vus; other k6 flags after `--` still pass through.
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { ensureBuilt } from '../kit/build.ts';
import { runCli } from '../kit/cli.ts';
import { repoRoot } from '../kit/paths.ts';
import { shapeFlag } from '../../src/k6/shape-flags.ts';

before(() => ensureBuilt());

test('k6 flags that reshape the test are found in every spelling; others are not', () => {
  for (const args of [['--vus', '3'], ['-u', '3'], ['--vus=3'], ['--duration', '5s'], ['-d=5s'], ['--iterations', '10'], ['-i', '1'], ['--stage', '5s:10'], ['-s', '5s:10']]) {
    assert.equal(shapeFlag(['--http-debug', ...args]), args[0], args.join(' '));
  }
  assert.equal(shapeFlag(['--http-debug', '--tag', 'team=a', '--summary-trend-stats', 'avg']), undefined);
});

test('run quick -- --vus 3: exit 2 before anything runs, naming loadctl\'s --vus; -- --http-debug still runs (dry run)', async () => {
  const r = await runCli(['run', 'quick', '--dry-run', '--', '--vus', '3'], { cwd: repoRoot });
  assert.equal(r.code, 2, r.output);
  assert.match(r.stderr, /k6 flag --vus after `--` would replace profile quick's executor/);
  assert.match(r.stderr, /loadctl's own --vus/);
  const ok = await runCli(['run', 'quick', '--dry-run', '--out-dir', '/tmp/loadctl-shape-flags', '--', '--http-debug'], { cwd: repoRoot });
  assert.equal(ok.code, 0, ok.output);
  assert.match(ok.stdout, /--http-debug/);
  (await import('node:fs')).rmSync('/tmp/loadctl-shape-flags', { recursive: true, force: true });
});
