// k6's own flags that reshape the test: on k6's command line `--vus`,
// `--duration`, `--iterations` and `--stage` outrank a script's options, so
// k6 drops the script's scenarios and runs a plain constant-vus (or
// shared-iterations, or ramping-vus) test instead. After `--` on a profile
// run that silently replaced the profile's executor, and the run could still
// read PASS on a test nobody asked for. Profiles have loadctl's own --vus and
// --duration (which scale the profile); k6's are refused there. A script run
// (`loadctl run file.js`) keeps them: there k6's meaning is the point. Pure.
import { UsageError } from '../errors.ts';

/** Long name -> short alias, as k6 spells them. */
const SHAPE_FLAGS: Record<string, string> = { '--vus': '-u', '--duration': '-d', '--iterations': '-i', '--stage': '-s' };

/** The first k6 flag after `--` that replaces a profile's executor, as typed; undefined when none. */
export function shapeFlag(k6Flags: readonly string[]): string | undefined {
  const aliases = Object.values(SHAPE_FLAGS);
  return k6Flags.find((arg) => {
    const name = arg.split('=')[0]!;
    return name in SHAPE_FLAGS || aliases.includes(name);
  });
}

/** Exit 2 for a profile run given a k6 flag that would replace its executor. */
export function refuseShapeFlags(k6Flags: readonly string[], profile: string): void {
  const flag = shapeFlag(k6Flags);
  if (flag === undefined) return;
  const name = flag.split('=')[0]!;
  const long = Object.entries(SHAPE_FLAGS).find(([l, s]) => l === name || s === name)![0];
  const own = long === '--vus' || long === '--duration' ? `loadctl's own ${long} (it scales the profile: loadctl run ${profile} ${long} ...)` : 'the profile\'s own stages or duration';
  throw new UsageError(`k6 flag ${flag} after \`--\` would replace profile ${profile}'s executor: on k6's command line ${long} outranks the script's scenarios, so k6 would run a different test than the profile describes`, {
    hint: `use ${own}, or run the script itself with k6's meaning: loadctl run path/to/script.js ${long} ...`,
  });
}
