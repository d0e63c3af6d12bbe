import { test } from 'node:test';
import assert from 'node:assert/strict';
import { describeK6Exit, formatK6Exit, k6ExitCodeMarkdown, k6ExitCodes } from '../../../src/k6/exit-codes.ts';
import { isSupportedK6, parseK6Version } from '../../../src/k6/locate.ts';
import { nativeHistogramEnv } from '../../../src/k6/features.ts';
import { formatProgress, parseK6Elapsed, parseProgressLine, parseScenarioLine } from '../../../src/k6/progress.ts';
import { ExitCode } from '../../../src/errors.ts';
import { fixture, versions } from '../../run/helpers.ts';

test('k6 exit codes: the documented ones map as issue 2 requires', () => {
  assert.deepEqual(k6ExitCodes.map((e) => e.code), [0, ...Array.from({ length: 14 }, (_, i) => 97 + i), 255]);
  const expect: Record<number, number> = { 0: ExitCode.Ok, 99: ExitCode.Failed, 105: ExitCode.Interrupted, 108: ExitCode.Interrupted, 104: ExitCode.Script, 107: ExitCode.Script, 255: ExitCode.Usage };
  for (const [k6, loadctl] of Object.entries(expect)) assert.equal(describeK6Exit(Number(k6)).loadctl, loadctl, `k6 ${k6}`);
  assert.equal(describeK6Exit(12).name, 'Unknown');
  assert.equal(describeK6Exit(12).loadctl, ExitCode.Failed);
  assert.equal(describeK6Exit(null, 'SIGKILL').loadctl, ExitCode.Interrupted);
});

test('k6 exit codes: formatters', () => {
  assert.equal(formatK6Exit(99), 'k6 exited 99 (ThresholdsHaveFailed: thresholds failed)');
  assert.equal(formatK6Exit(null, 'SIGKILL'), 'k6 was killed by SIGKILL');
  assert.match(formatK6Exit(3), /undocumented code 3/);
  const md = k6ExitCodeMarkdown().split('\n');
  assert.equal(md.length, 2 + k6ExitCodes.length);
  assert.equal(md.find((l) => l.startsWith('| 105 |')), '| 105 | ExternalAbort | aborted by a signal (SIGINT/SIGTERM) | 4 |');
});

for (const v of versions) {
  test(`${v}: \`k6 version\` output parses and is supported`, () => {
    const parsed = parseK6Version(fixture(v, 'version.txt'));
    assert.equal(parsed?.text, v);
    assert.equal(isSupportedK6(parsed!), true);
  });

  test(`${v}: progress lines from the recorded stdout parse`, () => {
    const lines = fixture(v, 'sigint.stdout.txt').split('\n');
    const progress = lines.map(parseProgressLine).filter((p) => p !== undefined);
    assert.ok(progress.length >= 3);
    assert.deepEqual(progress[0], { elapsedMs: 1000, vus: 2, maxVus: 2, complete: 8, interrupted: 0 });
    assert.equal(progress.at(-1)!.interrupted, 2);
    const scenarios = lines.map(parseScenarioLine).filter((s) => s !== undefined);
    assert.deepEqual(scenarios[0], { scenario: 'default', percent: 2 });
    assert.equal(lines.map(parseProgressLine).filter(Boolean).length, lines.filter((l) => l.startsWith('running (')).length);
  });
}

test('version range: v0.49.0 up to and not including v3', () => {
  const v = (text: string) => parseK6Version(`k6 ${text} (go1.22, linux/amd64)`)!;
  assert.equal(isSupportedK6(v('v0.48.9')), false);
  assert.equal(isSupportedK6(v('v0.49.0')), true);
  assert.equal(isSupportedK6(v('v0.57.0')), true);
  assert.equal(isSupportedK6(v('v1.0.0-rc1')), true);
  assert.equal(isSupportedK6(v('v2.9.1')), true);
  assert.equal(isSupportedK6(v('v3.0.0')), false);
  assert.equal(parseK6Version('command not found'), undefined);
});

test('version: read wherever it stands, since k6 prints its own file name first', () => {
  assert.equal(parseK6Version('k6-0.49 v0.49.0 (go1.26.8, linux/amd64)')?.text, 'v0.49.0');
  assert.equal(parseK6Version('k6-latest v2.2.0-rc1 (commit/devel, go1.25.12, linux/amd64)')?.text, 'v2.2.0-rc1');
  assert.equal(parseK6Version('/opt/k6/bin/k6 v1.4.2 (go1.24.1, darwin/arm64)')?.major, 1);
  assert.equal(parseK6Version('k6 (go1.26.8, linux/amd64)'), undefined, 'go1.26.8 is not a k6 version');
});

test('native histograms: K6_FEATURES from k6 v2.1, the old variable before; a user\'s K6_FEATURES is extended', () => {
  const v = (text: string) => parseK6Version(`k6 ${text}`)!;
  assert.deepEqual(nativeHistogramEnv(v('v0.49.0')), { K6_PROMETHEUS_RW_TREND_AS_NATIVE_HISTOGRAM: 'true' });
  assert.deepEqual(nativeHistogramEnv(v('v2.0.3')), { K6_PROMETHEUS_RW_TREND_AS_NATIVE_HISTOGRAM: 'true' });
  assert.deepEqual(nativeHistogramEnv(v('v2.1.0')), { K6_FEATURES: 'native-histograms' });
  assert.deepEqual(nativeHistogramEnv(v('v2.2.0'), { K6_FEATURES: 'freeze-env' }), { K6_FEATURES: 'freeze-env,native-histograms' });
  assert.deepEqual(nativeHistogramEnv(v('v2.2.0'), { K6_FEATURES: 'native-histograms' }), { K6_FEATURES: 'native-histograms' });
  assert.deepEqual(nativeHistogramEnv(undefined), { K6_PROMETHEUS_RW_TREND_AS_NATIVE_HISTOGRAM: 'true' });
  // With loadctl's k6 config: no feature flag (it tags every output's samples), unless the user set K6_CONFIG.
  assert.deepEqual(nativeHistogramEnv(v('v2.2.0'), {}, '/p/k6-config/native-histograms.json'), { K6_CONFIG: '/p/k6-config/native-histograms.json' });
  assert.deepEqual(nativeHistogramEnv(v('v0.49.0'), {}, '/p/c.json'), { K6_PROMETHEUS_RW_TREND_AS_NATIVE_HISTOGRAM: 'true' });
  assert.deepEqual(nativeHistogramEnv(v('v2.2.0'), { K6_CONFIG: '/mine.json' }, '/p/c.json'), { K6_FEATURES: 'native-histograms' });
});

test('progress: elapsed formats and the spinner text', () => {
  assert.equal(parseK6Elapsed('01.0s'), 1000);
  assert.equal(parseK6Elapsed('0m05.0s'), 5000);
  assert.equal(parseK6Elapsed('1h02m03.5s'), 3_723_500);
  assert.equal(parseProgressLine('running (0m05.0s), 10/10 VUs, 123 complete and 0 interrupted iterations')?.complete, 123);
  assert.equal(parseProgressLine('     http_reqs......................: 36'), undefined);
  assert.equal(parseScenarioLine('default ✗ [  10% ] 2 VUs  02.0s/20s')?.percent, 10);
  assert.equal(formatProgress({ elapsedMs: 65_000, vus: 3, maxVus: 10, complete: 40, interrupted: 0 }, 33), '1m05s  3/10 VUs  40 iterations (33%)');
});

test('docs/run.md carries the k6 exit-code table exactly as the code has it', async () => {
  const { readFileSync } = await import('node:fs');
  const { root } = await import('../../run/helpers.ts');
  const doc = readFileSync(`${root}docs/run.md`, 'utf8');
  assert.ok(doc.includes(k6ExitCodeMarkdown()), 'regenerate the table in docs/run.md from k6ExitCodeMarkdown()');
});
