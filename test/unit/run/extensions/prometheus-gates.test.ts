// The Prometheus-gates extension alone, without a Prometheus: nothing to
// judge and no say; --prometheus-abort without one is refused before the load.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { prometheusGatesExtension } from '../../../../src/run/extensions/prometheus-gates.ts';
import { loadProfile } from '../../../../src/profiles/load.ts';
import type { RunReport } from '../../../../src/report/model.ts';
import { UsageError } from '../../../../src/errors.ts';
import { hostFor, root } from '../kit.ts';

const ctx = { runDir: root, report: {} as RunReport, timeline: undefined, profile: undefined };

test('no Prometheus anywhere: the shared gates are null (the live gates and invariants read that), no finding', async () => {
  const host = hostFor();
  const ext = await prometheusGatesExtension.open(host);
  await ext?.beforeLoad?.(await loadProfile('quick', { cwd: root, overrides: {}, processEnv: {} }));
  assert.equal(host.shared.gates, null);
  assert.equal(await ext?.finish?.(ctx), undefined);
});

test('--prometheus-abort with no Prometheus: a usage error before the load, naming the fix', async () => {
  const ext = await prometheusGatesExtension.open(hostFor({ prometheusAbort: true }));
  await assert.rejects(ext!.beforeLoad!(await loadProfile('quick', { cwd: root, overrides: {}, processEnv: {} })),
    (e: unknown) => e instanceof UsageError && /--prometheus-abort judges gates live, but no Prometheus was given/.test(e.message));
});
