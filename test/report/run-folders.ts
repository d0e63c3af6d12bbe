// Writes run folders the way `loadctl run` leaves them (profile.json,
// summary.json = k6's handleSummary data, result.json, timeline.json), from
// real k6 summaries with chosen figures swapped in, for report tests.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { analysePhases } from '../../src/live/phases.ts';
import type { FaultWindow, Timeline } from '../../src/live/types.ts';
import type { ChaosResult } from '../../src/chaos/engine-types.ts';
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
  /** The chaos engine's result, written as chaos.json. */
  chaos?: ChaosResult;
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
  if (spec.chaos) writeFileSync(join(dir, 'chaos.json'), JSON.stringify(spec.chaos));
  return dir;
}

/** A ChaosResult as the engine returns it for a stopped Redis, with its events. */
export function chaosResult(injectedAt: number, rolledBackAt: number, recoveredAt: number): ChaosResult {
  const redis = { id: '3f2a9c', name: 'ticketing-redis' };
  const undo = { kind: 'start' as const, container: redis };
  const probe = (ok: boolean) => [{ name: 'redis ping', ok, detail: ok ? 'PONG' : 'connection refused', ms: 3 }];
  return {
    experiment: 'redis-failure',
    runId: 'r1',
    status: 'passed',
    targets: [{ ref: 'redis', selector: { container: 'ticketing-redis' }, containers: [redis] }],
    steadyState: probe(true),
    steps: [{ name: 'stop redis', target: 'redis', fault: { kind: 'stop', mode: 'stop' }, durationMs: rolledBackAt - injectedAt, injectedAt }],
    timeline: { startedAt: injectedAt - 2000, injectedAt, rolledBackAt, recoveredAt, finishedAt: recoveredAt + 5000 },
    recovery: { targetMs: 30000, maxWaitMs: 60000, intervalMs: 1000, healthyRounds: 3, measuredMs: recoveredAt - rolledBackAt, rounds: 4 },
    rollbackFailures: [],
    events: [
      { type: 'steady-state', at: injectedAt - 1500, ok: true, results: probe(true) },
      { type: 'planned', at: injectedAt - 100, step: 1, name: 'stop redis', intent: 'stop container ticketing-redis', undo: [undo] },
      { type: 'injected', at: injectedAt, step: 1, name: 'stop redis', intent: 'stop container ticketing-redis', durationMs: rolledBackAt - injectedAt },
      { type: 'rollback-started', at: rolledBackAt - 400, undos: 1 },
      { type: 'undo', at: rolledBackAt - 10, spec: undo, ok: true },
      { type: 'rolled-back', at: rolledBackAt, failures: 0 },
      { type: 'probe-round', at: rolledBackAt + 1000, healthy: false, results: probe(false) },
      { type: 'probe-round', at: rolledBackAt + 2000, healthy: false, results: probe(false) },
      { type: 'probe-round', at: recoveredAt, healthy: true, results: probe(true) },
      { type: 'probe-round', at: recoveredAt + 1000, healthy: true, results: probe(true) },
      { type: 'recovered', at: recoveredAt + 2000, recoveryMs: recoveredAt - rolledBackAt },
    ],
  };
}
