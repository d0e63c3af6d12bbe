// k6's stderr lines (as real k6 v2.2.0 and v0.49.0 printed them) turned into
// the one line loadctl shows. Pure; the real-k6 runs are in test/k6-real/.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { collectK6Errors, describeK6Error, parseK6LogLine } from '../../../src/k6/stderr.ts';

const cwd = '/home/user/proj';
const v2Throw = 'time="2026-11-30T18:22:10Z" level=error msg="Error: boom at init\\n\\tat explode (file:///home/user/proj/scenarios/boom.ts:4:8(3))\\n\\tat file:///home/user/proj/scenarios/boom.ts:6:33(12)\\n" hint="script exception" source=stacktrace';
const config = 'time="2026-11-30T18:22:48Z" level=error msg="There were problems with the specified script configuration:\\n\\t- scenario simple has configuration errors: the duration must be at least 1s, but is 0s"';

test('logfmt: quoted values with escapes, bare values, and lines that are not logfmt', () => {
  const line = parseK6LogLine(v2Throw)!;
  assert.equal(line.level, 'error');
  assert.equal(line.fields.hint, 'script exception');
  assert.equal(line.fields.source, 'stacktrace');
  assert.match(line.msg, /^Error: boom at init\n\tat explode \(file:/);
  assert.equal(parseK6LogLine('running (00m01.0s), 1/1 VUs'), undefined);
});

test('a thrown error: its place first, relative to the project; the stack kept apart', () => {
  const e = describeK6Error(parseK6LogLine(v2Throw)!.msg, cwd);
  assert.equal(e.line, 'scenarios/boom.ts:4:8: Error: boom at init');
  assert.deepEqual(e.stack, ['at explode (scenarios/boom.ts:4:8)', 'at scenarios/boom.ts:6:33']);
  // Outside the project the path stays absolute.
  assert.equal(describeK6Error('Error: x\n\tat file:///elsewhere/a.ts:1:2(3)\n', cwd).line, '/elsewhere/a.ts:1:2: Error: x');
});

test('a refused configuration: the bullet list folded onto one line', () => {
  assert.equal(describeK6Error(parseK6LogLine(config)!.msg, cwd).line,
    'There were problems with the specified script configuration: scenario simple has configuration errors: the duration must be at least 1s, but is 0s');
});

test('the collector keeps the first errors only, and ignores warnings', () => {
  const c = collectK6Errors(cwd, 2);
  assert.equal(c.add('time="x" level=warning msg="Legacy env var detected"'), undefined);
  c.add('time="x" level=error msg="unknown flag: --no-such-flag"');
  for (let i = 0; i < 10; i++) c.add(`time="x" level=error msg="later ${i}"`);
  assert.equal(c.first()?.line, 'unknown flag: --no-such-flag');
});
