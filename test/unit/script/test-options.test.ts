// The options k6 ran a script with, read back: only scenarios and thresholds,
// k6's nulls dropped; a missing or broken file leaves the profile as it was;
// the replay command writes its own copy, not the run's.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { adoptTestOptions, pickTestOptions, testOptionsPath } from '../../../src/script/test-options.ts';
import { replayCommand } from '../../../src/k6/run.ts';
import type { ResolvedProfile } from '../../../src/profiles/types.ts';

// What exec.test.options gave for `stages` in a script (k6 v0.49.0, trimmed).
const fromK6 = {
  paused: null,
  scenarios: { default: { executor: 'ramping-vus', startTime: null, gracefulStop: null, exec: null, startVUs: null, stages: [{ duration: '2s', target: 2 }, { duration: '1s', target: 0 }] } },
  thresholds: { http_req_duration: ['p(95)<500'] },
  dns: { ttl: null },
};

test('k6\'s consolidated options: scenarios without nulls, thresholds, nothing else', () => {
  assert.deepEqual(pickTestOptions(fromK6), {
    scenarios: { default: { executor: 'ramping-vus', stages: [{ duration: '2s', target: 2 }, { duration: '1s', target: 0 }] } },
    thresholds: { http_req_duration: ['p(95)<500'] },
  });
  assert.equal(pickTestOptions('nonsense'), undefined);
});

test('a script run adopts them; a profile run, or a run k6 wrote none for, is left alone', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'loadctl-testopts-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const profile = (script: boolean): ResolvedProfile => ({
    name: 't', description: 't', file: 't.js', scenario: 't.js', scenarioFile: 't.js', k6Options: { thresholds: { 'x{a:b}': ['max>=0'] } }, targets: [], env: {},
    ...(script ? { script: { ownShape: true } } : {}),
  });
  const none = profile(true);
  await adoptTestOptions(none, dir);
  assert.deepEqual(none.k6Options, { thresholds: { 'x{a:b}': ['max>=0'] } }, 'no file: unchanged');
  writeFileSync(testOptionsPath(dir), '{broken');
  await adoptTestOptions(none, dir);
  assert.deepEqual(none.k6Options, { thresholds: { 'x{a:b}': ['max>=0'] } }, 'a broken file: unchanged');
  writeFileSync(testOptionsPath(dir), JSON.stringify(fromK6));
  const ofProfile = profile(false);
  await adoptTestOptions(ofProfile, dir);
  assert.equal(ofProfile.k6Options.scenarios, undefined, 'a profile knows its own scenarios');
  const script = profile(true);
  await adoptTestOptions(script, dir);
  assert.equal((script.k6Options.scenarios as Record<string, { executor: string }>).default?.executor, 'ramping-vus');
});

test('the replay command writes its options copy beside the run\'s, not over it', () => {
  const line = replayCommand({ k6Path: 'k6', scriptPath: '/r/script.js', summaryPath: '/r/summary.json', env: { LOADCTL_OPTIONS_PATH: '/r/k6-options.json' } });
  assert.match(line, /LOADCTL_OPTIONS_PATH=\/r\/replay-k6-options\.json/);
});
