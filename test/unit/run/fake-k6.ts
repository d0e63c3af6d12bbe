// A FAKE of the k6 process boundary, for the unit tier: no k6 runs. `locate`
// answers as `k6 version` would, and `run` replays what real k6 v2.2.0 left
// for one recorded case (test/fixtures/k6/v2.2.0/<case>.*: its summary files,
// stdout, stderr and exit code) into the run folder, calling the spawn and
// stderr callbacks as the real runner does. Everything around it (the
// single executor's reading and judging, the pipeline, the extensions, the
// run use case) is the real code.
import { copyFile, writeFile } from 'node:fs/promises';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { K6Process } from '../../../src/run/single.ts';
import type { LocatedK6 } from '../../../src/k6/locate.ts';

const recorded = fileURLToPath(new URL('../../fixtures/k6/v2.2.0/', import.meta.url));

export type RecordedCase = 'pass' | 'fail' | 'abort' | 'syntax' | 'sigint';

export const fakeLocated: LocatedK6 = {
  path: '/fake/k6', source: '--k6', version: { major: 2, minor: 2, patch: 0, text: 'v2.2.0' }, versionLine: 'k6 v2.2.0 (fake)',
};

export interface FakeK6 extends K6Process {
  /** How many times k6 was "started". */
  runs(): number;
}

/** `during` runs between the spawn and the exit, like the load itself (a test's place to act under load). */
export function fakeK6(which: RecordedCase, during: () => Promise<void> | void = () => {}): FakeK6 {
  let runs = 0;
  const file = (suffix: string) => `${recorded}${which}.${suffix}`;
  return {
    runs: () => runs,
    locate: async () => fakeLocated,
    async run(request, callbacks = {}) {
      runs += 1;
      const spawnedAt = Date.now();
      callbacks.onSpawn?.(4242);
      await during();
      const stderr = readFileSync(file('stderr.txt'), 'utf8');
      for (const line of stderr.split('\n')) if (line) callbacks.onStderrLine?.(line);
      await writeFile(request.stdoutLog, readFileSync(file('stdout.txt')));
      await writeFile(request.stderrLog, stderr);
      if (existsSync(file('handle-summary.json'))) await copyFile(file('handle-summary.json'), request.summaryPath);
      if (request.summaryExportPath && existsSync(file('summary-export.json'))) await copyFile(file('summary-export.json'), request.summaryExportPath);
      const endedAt = Date.now();
      return {
        exitCode: Number(readFileSync(file('exitcode.txt'), 'utf8').trim()), signal: null, interrupted: which === 'sigint', spawnError: undefined,
        spawnedAt, endedAt, durationMs: endedAt - spawnedAt, lastProgress: undefined, stdoutLog: request.stdoutLog, stderrLog: request.stderrLog,
      };
    },
  };
}
