// The invariants extension alone: the flag's, the profile's and the
// experiment's invariants read before the load and judged after it; one that
// cannot be checked here is listed as skipped, never counted as held.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { invariantsExtension } from '../../../../src/run/extensions/invariants.ts';
import { loadProfile } from '../../../../src/profiles/load.ts';
import type { RunReport } from '../../../../src/report/model.ts';
import { hostFor, root } from '../kit.ts';

const ctx = { runDir: root, report: { results: undefined } as RunReport, timeline: undefined, profile: undefined };

test('none declared: no finding', async () => {
  const ext = await invariantsExtension.open(hostFor());
  await ext?.beforeLoad?.(await loadProfile('quick', { cwd: root, overrides: {}, processEnv: {} }));
  assert.equal(await ext?.finish?.(ctx), undefined);
});

test('a PromQL invariant with no Prometheus: said before the load, listed as skipped after it, no problem in the verdict', async () => {
  const host = hostFor({ invariants: ['backlog-drains'] });
  const ext = await invariantsExtension.open(host);
  await ext?.beforeLoad?.(await loadProfile('quick', { cwd: root, overrides: {}, processEnv: {} }));
  assert.ok(host.ui.lines.some((l) => /^invariants read before the load: [^;]+ \(skipped\)$/.test(l)), host.ui.lines.join('\n'));
  const found = await ext?.finish?.(ctx);
  const doc = found?.doc?.invariants as { invariants: Array<{ status: string }> };
  assert.deepEqual(doc.invariants.map((i) => i.status), ['skipped']);
  assert.equal(found?.blocks?.invariants, doc);
  assert.deepEqual(found?.say, { kind: 'problems', problems: [] });
});
