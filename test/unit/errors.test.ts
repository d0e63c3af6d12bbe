import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EnvironmentError, ExitCode, exitCodeOf, formatError, UsageError } from '../../src/errors.ts';

test('an error class carries its exit code', () => {
  assert.equal(exitCodeOf(new UsageError('bad')), ExitCode.Usage);
  assert.equal(exitCodeOf(new EnvironmentError('no k6')), ExitCode.Environment);
  assert.equal(exitCodeOf(new Error('boom')), ExitCode.Failed);
});

test('formatError prints one line and a fix, and the stack only when verbose', () => {
  const error = new EnvironmentError('k6 was not found on PATH', { hint: 'install k6' });
  assert.equal(formatError(error, false), 'loadctl: k6 was not found on PATH\n  fix: install k6');
  assert.match(formatError(error, true), /at .*errors\.test\.ts/);
  assert.doesNotMatch(formatError(new Error('boom'), false), /at /);
});
