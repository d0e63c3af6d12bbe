// The command line of `loadctl run <script>`, decided purely: k6's overrides
// become k6's own flags (k6 applies them), --target strings become targets,
// and flags that only fit a profile are refused by name.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isMetricTarget, isScriptPath, parseTargetFlags, scriptK6Args } from '../../../src/script/flags.ts';
import { checkProfileFlags, scriptRunParts } from '../../../src/script/command.ts';
import { UsageError } from '../../../src/errors.ts';

test('a .js or .ts path is a script; a profile name or .yaml is not', () => {
  for (const p of ['test.js', 'dir/t.ts', 'a.mjs', 'b.cjs', 'C.TS']) assert.ok(isScriptPath(p), p);
  for (const p of ['spike', 'profiles/x.yaml', 'js', 'a.json']) assert.ok(!isScriptPath(p), p);
});

test('k6 overrides are handed to k6 as k6 flags, in k6\'s own syntax', () => {
  assert.deepEqual(
    scriptK6Args({ vus: '10', duration: '1m', stage: ['30s:10', '10s:0,5s:3'], iterations: '100', env: ['A=1', 'B=x=y'], baseUrl: 'http://h:1' }),
    ['--vus', '10', '--duration', '1m', '--iterations', '100', '--stage', '30s:10', '--stage', '10s:0', '--stage', '5s:3', '--env', 'A=1', '--env', 'B=x=y', '--env', 'BASE_URL=http://h:1'],
  );
  assert.deepEqual(scriptK6Args({}), [], 'nothing given, nothing added: the script\'s options stand');
});

test('a bad override is one line naming its flag (exit 2), before k6 starts', () => {
  const cases: Array<[Parameters<typeof scriptK6Args>[0], RegExp]> = [
    [{ vus: 'ten' }, /--vus/], [{ duration: '1 minute' }, /--duration "1 minute" is not a k6 duration/],
    [{ stage: ['30s'] }, /--stage "30s" is not DURATION:TARGET/], [{ stage: ['x:3'] }, /--stage "x" is not a k6 duration/],
    [{ iterations: '0' }, /--iterations/], [{ env: ['NOVALUE'] }, /--env "NOVALUE" is not KEY=VALUE/],
  ];
  for (const [flags, message] of cases) {
    assert.throws(() => scriptK6Args(flags), (e: unknown) => e instanceof UsageError && message.test(e.message) && e.exitCode === 2, JSON.stringify(flags));
  }
});

test('--target takes "<metric> <stat> < <value>"; a container mapping for --chaos is told apart', () => {
  assert.ok(isMetricTarget('http_req_duration p95 < 500'));
  assert.ok(isMetricTarget('http_req_failed rate<=0.01'));
  assert.ok(!isMetricTarget('booking=my-booking-1'));
  const [p95, failed, sub] = parseTargetFlags(['http_req_duration p95 < 500', 'http_req_failed rate < 1%', 'http_req_duration{name:login} p(99)<2s']);
  assert.deepEqual([p95!.metric, p95!.stat, p95!.op, p95!.value], ['http_req_duration', 'p95', '<', 500]);
  assert.deepEqual([failed!.stat, failed!.value], ['rate', 0.01]);
  assert.deepEqual([sub!.tags, sub!.stat, sub!.value], [{ name: 'login' }, 'p99', 2000]);
  assert.throws(() => parseTargetFlags(['http_req_duration fast']), /is not "<metric> <stat> <op> <value>"/);
  assert.throws(() => parseTargetFlags(['http_req_failed p95 < 1']), /http_req_failed is a rate metric; its stats are rate/);
});

test('flags that only fit a profile are refused for a script, and script-only flags for a profile', () => {
  const base = { target: [] as string[] };
  assert.throws(() => scriptRunParts('t.js', { ...base, loadDuration: '1m' }), /--load-duration does not apply to a k6 script/);
  assert.throws(() => scriptRunParts('t.js', { ...base, findLimit: true }), /--find-limit does not apply to a k6 script/);
  assert.throws(() => scriptRunParts('t.js', { ...base, preflight: 'localhost' }), /--preflight/);
  const parts = scriptRunParts('t.js', { ...base, target: ['http_reqs count > 1', 'booking=b1'], preflight: 'http://127.0.0.1:9/health', vus: '3' });
  assert.equal(parts.script.targets.length, 1, 'the container mapping is --chaos\'s, not a target');
  assert.equal(parts.preflightUrl, 'http://127.0.0.1:9/health');
  assert.deepEqual(parts.k6Args, ['--vus', '3']);
  assert.throws(() => checkProfileFlags('spike', { stage: ['1s:1'], target: [] }), /--stage applies to a k6 script/);
  assert.throws(() => checkProfileFlags('spike', { stage: [], target: ['http_reqs count > 1'] }), /a profile's targets are in its file/);
  checkProfileFlags('spike', { stage: [], target: ['booking=b1'] });
});
