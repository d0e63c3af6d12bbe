// `loadctl run <file.js|file.ts>`: the flags of `loadctl run` as they apply to
// a user's own script, decided before any work. k6's overrides keep k6's
// meaning (--duration is k6's duration, with or without --chaos); the flags
// that only make sense for a profile's fields are one line each, exit 2.
import { UsageError } from '../errors.ts';
import { checkHttpUrl } from '../inputs/url.ts';
import type { Target } from '../profiles/types.ts';
import { isMetricTarget, parseTargetFlags, scriptK6Args, type ScriptOverrides } from './flags.ts';

export interface ScriptRunFlags extends ScriptOverrides {
  target: readonly string[];
  /** --preflight URL (string), --no-preflight (false), neither (undefined). */
  preflight?: string | boolean;
  loadDuration?: string;
  findLimit?: string | boolean;
  plan?: boolean;
}

export interface ScriptRunParts {
  script: { path: string; targets: Target[] };
  /** k6 flags for the overrides, before the user's own after `--`. */
  k6Args: string[];
  preflightUrl?: string;
}

/** Flags of `loadctl run` that a script cannot take, with what to do instead. */
const PROFILE_ONLY: ReadonlyArray<[keyof ScriptRunFlags, string, string]> = [
  ['loadDuration', '--load-duration', 'for a script --duration is k6\'s --duration, also with --chaos (the fault\'s hold is the experiment\'s)'],
  ['findLimit', '--find-limit', 'the search runs a profile\'s scenario at rising rates; wrap the script in a profile (script: in docs/profiles.md)'],
  ['plan', '--plan', 'the plan reads a profile\'s executor; wrap the script in a profile (script: in docs/profiles.md)'],
];

export function scriptRunParts(path: string, flags: ScriptRunFlags): ScriptRunParts {
  for (const [key, flag, instead] of PROFILE_ONLY) {
    if (flags[key] !== undefined && flags[key] !== false) throw new UsageError(`${flag} does not apply to a k6 script`, { hint: instead });
  }
  const targets = parseTargetFlags(flags.target.filter(isMetricTarget));
  let preflightUrl: string | undefined;
  if (typeof flags.preflight === 'string') {
    const checked = checkHttpUrl('--preflight', flags.preflight);
    if (!checked.ok) throw new UsageError(checked.problem, { hint: 'e.g. --preflight http://localhost:8080/health' });
    preflightUrl = flags.preflight;
  }
  return { script: { path, targets }, k6Args: scriptK6Args(flags), ...(preflightUrl !== undefined ? { preflightUrl } : {}) };
}

/** For a profile: the script-only flags are refused, naming where the value goes instead. */
export function checkProfileFlags(profile: string, flags: { stage: readonly string[]; iterations?: string; target: readonly string[] }): void {
  if (flags.stage.length > 0 || flags.iterations !== undefined) {
    throw new UsageError(`${flags.stage.length > 0 ? '--stage' : '--iterations'} applies to a k6 script; profile ${profile} has its stages in its file`, {
      hint: 'use --vus and --duration to scale a profile, or run a script: loadctl run path/to/script.js --stage 30s:10',
    });
  }
  const metric = flags.target.find(isMetricTarget);
  if (metric !== undefined) {
    throw new UsageError(`--target "${metric}": a profile's targets are in its file (targets:)`, { hint: 'add it to the profile\'s targets list; on the command line --target takes metric targets for a script' });
  }
}
