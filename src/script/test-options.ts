// What k6 actually ran for a user's script: its options as k6 consolidated
// them (the script's own, the command line's --vus/--duration/--stage/
// --iterations applied by k6's precedence, shortcuts turned into scenarios).
// The script's entry writes them at the end of the test (exec.test.options);
// loadctl reads them back so the capacity steps and the list of declared
// thresholds come from the test k6 ran, not from a guess made beforehand.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ResolvedProfile } from '../profiles/types.ts';

export const TEST_OPTIONS_FILE = 'k6-options.json';

export function testOptionsPath(runDir: string): string {
  return join(runDir, TEST_OPTIONS_FILE);
}

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Only the parts loadctl reads (scenarios, thresholds); null values k6 writes for unset fields are dropped. */
export function pickTestOptions(raw: unknown): Json | undefined {
  if (!isObject(raw)) return undefined;
  const out: Json = {};
  if (isObject(raw.scenarios)) {
    out.scenarios = Object.fromEntries(Object.entries(raw.scenarios).map(([name, s]) => [
      name, isObject(s) ? Object.fromEntries(Object.entries(s).filter(([, v]) => v !== null)) : s,
    ]));
  }
  if (isObject(raw.thresholds)) out.thresholds = raw.thresholds;
  return out;
}

/**
 * Merges k6's consolidated scenarios and thresholds into a script run's
 * profile, when k6 wrote them (a run stopped before the end of the test did
 * not). In place: the live run already holds this profile for the capacity
 * steps it works out after the load.
 */
export async function adoptTestOptions(profile: ResolvedProfile, runDir: string): Promise<void> {
  if (!profile.script) return;
  const text = await readFile(testOptionsPath(runDir), 'utf8').catch(() => undefined);
  let parsed: unknown;
  try {
    parsed = text === undefined ? undefined : JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  const picked = pickTestOptions(parsed);
  if (picked) profile.k6Options = { ...profile.k6Options, ...picked };
}
