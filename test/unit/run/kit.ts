// What the unit tests of the run's wiring share: a request for a profile
// whose targets are the recorded k6 runs' own (so `pass` passes), into a
// temporary folder; a Ui that keeps its lines; an extension that records the
// hooks the run calls on it.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Chalk } from 'chalk';
import type { ProfileRunRequest } from '../../../src/app/run.ts';
import type { ActiveExtension, RunExtension, RunHost } from '../../../src/run/extension.ts';
import type { Ui } from '../../../src/ui.ts';

export const root = fileURLToPath(new URL('../../..', import.meta.url));

const profileText = `description: the recorded k6 runs' own targets
scenario: simple
executor: constant-vus
vus: 2
duration: 5s
defaultTargets: false
targets:
  - { metric: http_req_duration, stat: p99, below: 2s }
  - "http_req_failed rate<0.05"
`;

export function request(t: { after(fn: () => void): void }, extra: Partial<ProfileRunRequest> = {}): ProfileRunRequest {
  const dir = mkdtempSync(join(tmpdir(), 'loadctl-unit-run-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const profile = join(dir, 'recorded.yaml');
  writeFileSync(profile, profileText);
  const outDir = join(dir, 'runs');
  return {
    source: { kind: 'profile', profile, overrides: { baseUrl: 'http://127.0.0.1:9' } },
    cwd: root, outDir, dryRun: false, preflight: false, typeCheck: false, extraArgs: [], processEnv: { PATH: process.env.PATH },
    live: false, record: false, interactive: false, quiet: true, ...extra,
  };
}

export interface LinesUi extends Ui {
  lines: string[];
}

export function linesUi(): LinesUi {
  const lines: string[] = [];
  const spinner = { update() {}, succeed() {}, fail() {}, stop() {} };
  return {
    lines, colors: new Chalk({ level: 0 }), interactive: false,
    info: (l) => lines.push(l), warn: (l) => lines.push(`warning: ${l}`), result: (l) => lines.push(l), spinner: () => spinner,
  };
}

/** An extension whose every hook records its name; `active` adds or overrides hooks. */
export function recorder(seen: string[], active: (host: RunHost) => ActiveExtension = () => ({})): RunExtension {
  return {
    name: 'recorder',
    async open(host) {
      seen.push('open');
      const own = active(host);
      return {
        async confirm() { seen.push('confirm'); },
        async beforeLoad(profile) { seen.push(`beforeLoad ${profile.name}`); },
        onStart: (_at, pid) => { seen.push(`start ${pid}`); },
        async afterLoad() { seen.push('afterLoad'); },
        async finish() { seen.push('finish'); return undefined; },
        ...own,
      };
    },
  };
}

/** A run host as a literal: the request's slice a test sets, notes and events kept. */
export function hostFor(request: Partial<RunHost['request']> = {}, extra: Partial<Omit<RunHost, 'ui'>> = {}): RunHost & { notes: string[]; ui: LinesUi } {
  const notes: string[] = [];
  const ui = linesUi();
  return {
    request: {
      pipeline: { profile: 'recorded', cwd: root, overrides: {}, outDir: tmpdir(), dryRun: false, preflight: false, extraArgs: [], outputs: [], k6Env: {}, processEnv: {} },
      live: true, record: false, interactive: false, quiet: true, ...request,
    },
    ui, notes, shared: {}, note: (line) => notes.push(line),
    recent: () => [], recentSeconds: () => [], loadEnded: () => false, loadStopped: new AbortController().signal,
    emit: () => {}, hangUp: () => {}, setChaosActive: () => {},
    ...extra,
  };
}
