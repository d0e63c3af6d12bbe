// The capacity extension alone: k6's own start from its progress lines, a
// block only for a staged profile, never a say in the verdict.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { capacityExtension } from '../../../../src/run/extensions/capacity.ts';
import { loadProfile } from '../../../../src/profiles/load.ts';
import type { RunReport } from '../../../../src/report/model.ts';
import { hostFor, root } from '../kit.ts';

const report = {} as RunReport;

test('a staged profile: the block starts where k6 says the test began (now - elapsed), and has no say', async () => {
  const ext = await capacityExtension.open(hostFor());
  assert.ok(ext);
  ext.onStart?.(50_000, 1);
  ext.onProgress?.(60_000, 4_000);
  ext.onProgress?.(61_000, 5_500);
  const profile = await loadProfile('stress', { cwd: root, overrides: {}, processEnv: {} });
  const found = await ext.finish?.({ runDir: root, report, timeline: undefined, profile });
  assert.equal(found?.say, undefined);
  const block = found?.doc?.capacity as { startedAt: number } | undefined;
  assert.equal(block?.startedAt, 55_500);
  assert.equal(found?.blocks?.capacity, block);
});

test('without a progress line, k6\'s spawn is the start; a profile without stages has no block', async () => {
  const ext = await capacityExtension.open(hostFor());
  ext?.onStart?.(50_000, 1);
  const staged = await loadProfile('stress', { cwd: root, overrides: {}, processEnv: {} });
  assert.equal(((await ext?.finish?.({ runDir: root, report, timeline: undefined, profile: staged }))?.doc?.capacity as { startedAt: number }).startedAt, 50_000);
  const flat = await loadProfile('quick', { cwd: root, overrides: {}, processEnv: {} });
  assert.equal(await ext?.finish?.({ runDir: root, report, timeline: undefined, profile: flat }), undefined);
});
