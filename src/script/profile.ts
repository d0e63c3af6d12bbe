// A profile that names a team's own k6 script (`script: ../load/test.js`).
// Two shapes: without an executor the script keeps its own stages and
// scenarios and the profile only adds targets, thresholds, env, gates and
// invariants; with one, the profile's executor replaces the script's shape
// (as it does a shipped scenario's). Either way the script is bundled as k6
// would run it (open() beside it, types only stripped), and no ticketing
// default comes with it: no default targets, no endpoint thresholds, no
// BASE_URL unless the profile or --base-url gives one.
import { dirname } from 'node:path';
import { UsageError } from '../errors.ts';
import { envStrings, resolveTargets } from '../profiles/resolve.ts';
import type { ProfileSpec, ScriptProfileSpec } from '../profiles/schema.ts';
import type { ProfileOverrides, ResolvedProfile } from '../profiles/types.ts';
import { locateScript, scriptK6Options } from './source.ts';

/** The script a profile names, relative to the profile file's folder; a missing one is exit 2 naming the profile. */
export async function profileScript(profileFile: string, label: string, script: string): Promise<string> {
  try {
    return await locateScript(script, dirname(profileFile));
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    throw new UsageError(`${label}: script: ${error.message}`, { hint: 'the path is relative to the profile file\'s folder' });
  }
}

/** Defaults a script profile with an executor gets instead of the ticketing ones, unless it set them. */
export function scriptDefaults(spec: ProfileSpec, raw: Record<string, unknown>): ProfileSpec {
  if (spec.script === undefined) return spec;
  return { ...spec, defaultTargets: 'defaultTargets' in raw ? spec.defaultTargets : false, endpoints: spec.endpoints ?? [] };
}

export interface OwnShapeInput {
  name: string;
  file: string;
  label: string;
  spec: ScriptProfileSpec;
  overrides?: ProfileOverrides;
}

/** A profile that keeps the script's shape, resolved; --vus and --duration have no profile shape to scale. */
export async function resolveOwnShape(input: OwnShapeInput): Promise<ResolvedProfile> {
  const { spec, label } = input;
  if (input.overrides?.vus !== undefined || input.overrides?.duration !== undefined) {
    throw new UsageError(`${label} keeps its script's own shape, so --vus and --duration have nothing of the profile's to scale`, {
      hint: 'run the script itself for k6\'s overrides (loadctl run path/to/script.js --vus 10 --duration 1m), or give the profile an executor',
    });
  }
  const targets = resolveTargets(spec);
  if (!targets.ok) throw new UsageError(targets.problems.map((p) => `${label}: ${p}`).join('\n'), { hint: 'the format is in docs/profiles.md' });
  const scriptFile = await profileScript(input.file, label, spec.script);
  const thresholds: Record<string, unknown[]> = {};
  for (const source of [spec.thresholds ?? {}, (scriptK6Options(targets.value).thresholds ?? {}) as Record<string, unknown[]>]) {
    for (const [metric, list] of Object.entries(source)) thresholds[metric] = [...(thresholds[metric] ?? []), ...list];
  }
  const env = { ...envStrings(spec.env), ...(input.overrides?.env ?? {}), ...(input.overrides?.baseUrl !== undefined ? { BASE_URL: input.overrides.baseUrl } : {}) };
  return {
    name: input.name,
    description: spec.description,
    file: input.file,
    scenario: spec.script,
    scenarioFile: scriptFile,
    k6Options: { ...(spec.options ?? {}), ...(Object.keys(thresholds).length > 0 ? { thresholds } : {}) },
    targets: targets.value,
    env,
    script: { ownShape: true },
    ...allowed([...(spec.allowNoSamples ?? []), ...(input.overrides?.allowNoSamples ?? [])]),
    ...(spec.prometheus ? { prometheus: spec.prometheus } : {}),
    ...(spec.invariants ? { invariants: spec.invariants } : {}),
  };
}

function allowed(list: string[]): { allowNoSamples?: string[] } {
  return list.length > 0 ? { allowNoSamples: list } : {};
}
