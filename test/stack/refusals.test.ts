// What a new user's machine throws at `stack up` first: its own Redis on the
// stack's port, or no registry for a public image. Each is one line naming
// the port or image and the option that gets round it, and nothing is left.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { loadctlDone } from '../chaos-e2e/harness.ts';
import { leftovers, stackDown, stackSkip, testStack } from './harness.ts';
import { tempDir } from '../kit/temp.ts';

const skip = stackSkip('stack port tests');

test('a port already taken on 127.0.0.1: one line naming it and --port-offset, exit 3, nothing left', { skip, timeout: 120_000 }, async () => {
  const cwd = tempDir('loadctl-stack-ports-');
  const s = await testStack();
  const taken = 6379 + s.offset;
  const squatter = createServer();
  await new Promise<void>((resolve) => squatter.listen(taken, '127.0.0.1', resolve));
  try {
    const up = await loadctlDone(['stack', 'up', ...s.flags], { cwd, env: s.env });
    assert.equal(up.code, 3, up.stdout + up.stderr);
    assert.match(up.stderr, new RegExp(`loadctl: cannot start ${s.project}-redis: port 127\\.0\\.0\\.1:${taken} is already in use on this machine`));
    assert.match(up.stderr, /fix: stop what listens there, or shift every port of the stack: loadctl stack up --port-offset 10000/);
    assert.doesNotMatch(up.stderr, /\n\s+at /, 'no stack trace');
    assert.deepEqual(leftovers(s.project), [], 'what this up created is removed');
  } finally {
    squatter.close();
    await stackDown(s, cwd);
  }
});

test('an image that cannot be pulled: one line naming it and the flag or variable for a local one, exit 3, nothing made', { skip, timeout: 120_000 }, async () => {
  const cwd = tempDir('loadctl-stack-pull-');
  const s = await testStack();
  const image = 'loadctl-absent.invalid/redis:0';
  try {
    const up = await loadctlDone(['stack', 'up', ...s.flags], { cwd, env: { ...s.env, LOADCTL_STACK_REDIS_IMAGE: image } });
    assert.equal(up.code, 3, up.stdout + up.stderr);
    assert.match(up.stdout, /image loadctl-absent\.invalid\/redis:0 is not on the engine; pulling it/);
    assert.match(up.stderr, /loadctl: cannot pull image loadctl-absent\.invalid\/redis:0 on \S+: /);
    assert.match(up.stderr, /fix: name an image the engine has with --redis-image or LOADCTL_STACK_REDIS_IMAGE/);
    assert.doesNotMatch(up.stderr, /\n\s+at /, 'no stack trace');
    assert.deepEqual(leftovers(s.project), []);
  } finally {
    await stackDown(s, cwd);
  }
});
