// A user's own k6 script as the test: `loadctl run path/to/script.js`. It
// becomes a ResolvedProfile that keeps the script's shape: no scenario of
// loadctl's, no default targets, no endpoint thresholds, no BASE_URL; the
// only k6 options added are what the --target flags need reported (a
// submetric k6 leaves out unless a threshold names it) and trend stats.
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { displayPath, leadingComment, loadProfile } from '../profiles/load.ts';
import type { ProfileOverrides } from '../profiles/types.ts';
import type { ResolvedProfile, Target } from '../profiles/types.ts';
import { SCRIPT_FILE_RE } from './flags.ts';
import { locateScript, scriptK6Options } from './source.ts';

export interface ScriptLoad {
  cwd: string;
  /** Judged by loadctl after the run (--target, or a profile's targets). */
  targets?: readonly Target[];
  /** k6 thresholds that may see no sample (--allow-no-samples). */
  allowNoSamples?: readonly string[];
}

export async function loadScript(path: string, opts: ScriptLoad): Promise<ResolvedProfile> {
  const file = await locateScript(path, opts.cwd);
  const comment = leadingComment(await readFile(file, 'utf8'));
  const targets = [...(opts.targets ?? [])];
  return {
    name: basename(file).replace(SCRIPT_FILE_RE, ''),
    description: comment || `k6 script ${displayPath(opts.cwd, file)}`,
    file,
    scenario: basename(file),
    scenarioFile: file,
    k6Options: scriptK6Options(targets),
    targets,
    env: {},
    script: { ownShape: true },
    ...(opts.allowNoSamples && opts.allowNoSamples.length > 0 ? { allowNoSamples: [...opts.allowNoSamples] } : {}),
  };
}

/** The profile a run loads: the script's when the run is of a script, else the named profile's. */
/** A run's script: its path, the targets to judge, the thresholds allowed no samples (--allow-no-samples). */
export interface RunScript {
  path: string;
  targets: Target[];
  allowNoSamples?: string[];
}

export interface RunProfileSource {
  profile: string;
  script?: RunScript;
  cwd: string;
  overrides?: ProfileOverrides;
  processEnv?: Record<string, string | undefined>;
}

export async function loadRunProfile(o: RunProfileSource): Promise<ResolvedProfile> {
  if (o.script) return loadScript(o.script.path, { cwd: o.cwd, targets: o.script.targets, ...(o.script.allowNoSamples ? { allowNoSamples: o.script.allowNoSamples } : {}) });
  return loadProfile(o.profile, { cwd: o.cwd, overrides: o.overrides, processEnv: o.processEnv });
}
