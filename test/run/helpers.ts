// Shared paths and readers for the run tests: recorded k6 output lives in
// test/fixtures/k6/<version>/, the k6 stand-in in test/fixtures/k6-standin/.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const root = fileURLToPath(new URL('../..', import.meta.url));
export const fixtures = `${root}test/fixtures/k6`;
export const standin = `${root}test/fixtures/k6-standin/k6`;
export const versions = ['v0.49.0', 'v2.2.0'] as const;
export type Version = (typeof versions)[number];

export function fixture(version: Version, file: string): string {
  return readFileSync(`${fixtures}/${version}/${file}`, 'utf8');
}
