// Shared by the bundle tests: temporary projects and profiles built in memory.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { buildK6Options, resolveTargets } from '../../src/profiles/resolve.ts';
import { validateProfile } from '../../src/profiles/schema.ts';
import type { ResolvedProfile } from '../../src/profiles/types.ts';
import { tempDir } from '../kit/temp.ts';

export async function tempProject(files: Record<string, string>): Promise<string> {
  const dir = tempDir('loadctl-bundle-');
  for (const [path, text] of Object.entries(files)) {
    await mkdir(join(dir, path, '..'), { recursive: true });
    await writeFile(join(dir, path), text);
  }
  return dir;
}

/** A resolved profile for any scenario file: 2 VUs for 10 s plus the default targets. */
export function profileFor(scenarioFile: string, name = 'test', extra: Record<string, unknown> = {}): ResolvedProfile {
  const v = validateProfile({ description: 'test', scenario: 'scenario', executor: 'constant-vus', vus: 2, duration: '10s', ...extra }, 'test.yaml');
  if (!v.ok) throw new Error(v.problems.join('\n'));
  const targets = resolveTargets(v.value);
  if (!targets.ok) throw new Error(targets.problems.join('\n'));
  return {
    name,
    description: 'test',
    file: join(scenarioFile, '..', 'test.yaml'),
    scenario: 'scenario',
    scenarioFile,
    k6Options: buildK6Options(v.value, targets.value),
    targets: targets.value,
    env: {},
  };
}
