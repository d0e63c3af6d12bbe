// Run folders made by `loadctl run` with real k6 against the real sandbox, for
// the report tests: what `loadctl report` reads is then what a real run
// leaves (k6's own summary.json, result.json, timeline.json), not a document
// the test wrote. Two short runs (2 VUs, 3 s) whose error rate is known
// exactly from the requests the scenario makes, whatever the timing:
//   clean: GET /health + GET /api/events each iteration -> 0 % failed
//   half:  GET /health + GET /api/events/<missing> (404) -> exactly 50 % failed
// Both carry the target "http_req_failed rate<0.05", so clean passes and half fails.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { K6Version } from '../kit/parts.ts';
import { realK6 } from '../kit/parts.ts';
import { openProject, shortProfile, type Project } from '../k6-real/harness.ts';

const scenario = (second: string) => `import http from 'k6/http';
import { sleep } from 'k6';

export default function (): void {
  http.get(__ENV.BASE_URL + '/health', { tags: { name: 'health' } });
  http.get(__ENV.BASE_URL + '${second}', { tags: { name: 'second' } });
  sleep(0.05);
}
`;

export interface RealRuns {
  project: Project;
  clean: string;
  half: string;
  /** k6's own figures from a run folder's summary.json (handleSummary data), independent of result.json. */
  k6Figures(dir: string): { errorRate: number; requests: number; p99: number; vusMax: number };
  close(): Promise<void>;
}

export async function makeRealRuns(version: K6Version): Promise<RealRuns> {
  const project = await openProject();
  try {
    project.write('scenarios/clean.ts', scenario('/api/events?page=1&size=5'));
    project.write('scenarios/half.ts', scenario('/api/events/no-such-event'));
    const extra = 'defaultTargets: false\ntargets:\n  - "http_req_failed rate<0.05"';
    project.write('profiles/clean.yaml', shortProfile({ scenario: 'clean', extra }));
    project.write('profiles/half.yaml', shortProfile({ scenario: 'half', extra }));
    const run = async (name: string, expected: number) => {
      const r = await project.loadctl(['run', name, '--k6', realK6(version), '--no-typecheck']);
      if (r.code !== expected || !r.runDir) throw new Error(`loadctl run ${name} (k6 ${version}) exited ${r.code}, expected ${expected}:\n${r.stdout}\n${r.stderr}`);
      return r.runDir;
    };
    const clean = await run('clean', 0);
    const half = await run('half', 1);
    return {
      project, clean, half,
      k6Figures(dir) {
        const m = (JSON.parse(readFileSync(join(dir, 'summary.json'), 'utf8')) as { metrics: Record<string, { values: Record<string, number> }> }).metrics;
        return { errorRate: m.http_req_failed!.values.rate!, requests: m.http_reqs!.values.count!, p99: m.http_req_duration!.values['p(99)']!, vusMax: m.vus_max!.values.value! };
      },
      close: () => project.close(),
    };
  } catch (error) {
    await project.close();
    throw error;
  }
}
