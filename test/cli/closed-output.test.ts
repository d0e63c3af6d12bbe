// A reader that goes away early (`loadctl run --help | head -1`): loadctl
// finishes with its own exit code and no stack trace. The pipe is closed
// before loadctl starts writing, so every write meets EPIPE.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { before } from 'node:test';
import { ensureBuilt } from '../kit/build.ts';
import { spawnCli } from '../kit/cli.ts';

before(() => ensureBuilt());

function withClosedStdout(args: string[]): Promise<{ code: number | null; stderr: string }> {
  const run = spawnCli(args);
  run.child.stdout!.destroy();
  return run.done;
}

for (const args of [['run', '--help'], ['list'], ['k8s', '--help']]) {
  test(`loadctl ${args.join(' ')} into a closed pipe: exit 0, nothing on stderr`, async () => {
    const { code, stderr } = await withClosedStdout(args);
    assert.equal(stderr, '');
    assert.equal(code, 0);
  });
}

test('a usage error into a closed stdout still says what and the fix on stderr, exit 2', async () => {
  const { code, stderr } = await withClosedStdout(['run', 'no-such-profile-here', '--vus', 'many']);
  assert.equal(code, 2);
  assert.match(stderr, /^loadctl: --vus must be a whole number.*\n  fix: /);
  assert.doesNotMatch(stderr, /at .*\.js:\d+/);
});
