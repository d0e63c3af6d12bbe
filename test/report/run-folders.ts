// Writes run folders the way `loadctl run` leaves them (profile.json,
// summary.json = k6's handleSummary data, result.json, timeline.json), from
// real k6 summaries with chosen figures swapped in, for report tests.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { analysePhases } from '../../src/live/phases.ts';
import type { FaultWindow, Timeline } from '../../src/live/types.ts';
import { withPhases } from '../../src/report/result-phases.ts';

const fixtures = new URL('./fixtures/', import.meta.url);
export const passSummary = (): Record<string, any> =>
  JSON.parse(readFileSync(new URL('v2.2.0-pass.handle-summary.json', fixtures), 'utf8'));
export const failSummaryExport = (): Record<string, any> =>
  JSON.parse(readFileSync(new URL('v2.2.0-fail.summary-export.json', fixtures), 'utf8'));

export interface RunFolderSpec {
  profile: string;
  scenario?: string;
  vus?: number;
  p99?: number;
  errorRate?: number;
  targets?: Array<{ name: string; actual: number; ok: boolean }>;
  timeline?: Timeline;
  fault?: FaultWindow;
  /** Leave the phases out of result.json (an older run): `report` must compute them. */
  phasesInResult?: boolean;
}

export function writeRunFolder(root: string, name: string, spec: RunFolderSpec): string {
  const dir = join(root, name);
  mkdirSync(dir, { recursive: true });
  const summary = passSummary();
  const m = summary.metrics;
  if (spec.p99 !== undefined) m.http_req_duration.values['p(99)'] = spec.p99;
  if (spec.errorRate !== undefined) m.http_req_failed.values.rate = spec.errorRate;
  if (spec.vus !== undefined) m.vus.values.max = spec.vus;
  const targets = spec.targets ?? [];
  // The shape of src/report/json.ts's document, reduced to what `report` reads.
  const d = m.http_req_duration.values;
  let result: Record<string, unknown> = {
    schema: 'loadctl/run-result',
    version: 1,
    status: targets.every((t) => t.ok) ? 'passed' : 'failed',
    profile: { name: spec.profile, description: '', scenario: spec.scenario ?? spec.profile, file: `/profiles/${spec.profile}.yaml` },
    targets,
    thresholds: [{ metric: 'http_req_duration', expression: 'p(99)<2000', ok: d['p(99)'] < 2000 }],
    totals: {
      requests: m.http_reqs.values.count,
      requestRate: m.http_reqs.values.rate,
      errorRate: m.http_req_failed.values.rate,
      httpReqDuration: { med: d.med, p95: d['p(95)'], p99: d['p(99)'] },
      checks: { passes: 1, fails: 0, rate: m.checks.values.rate },
    },
  };
  if (spec.fault) result.fault = spec.fault;
  if (spec.timeline && spec.fault && spec.phasesInResult !== false) result = withPhases(result, analysePhases(spec.timeline, spec.fault));
  writeFileSync(join(dir, 'profile.json'), JSON.stringify({ name: spec.profile, scenario: spec.scenario ?? spec.profile, k6Options: { vus: 10 } }));
  writeFileSync(join(dir, 'summary.json'), JSON.stringify(summary));
  writeFileSync(join(dir, 'result.json'), JSON.stringify(result));
  if (spec.timeline) writeFileSync(join(dir, 'timeline.json'), JSON.stringify(spec.timeline));
  return dir;
}
