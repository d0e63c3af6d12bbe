// A script file as a source of load, before anything runs: is it there, and
// what loadctl adds to its options. Imports no loader, so profiles and the
// script command can both use it.
import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { UsageError } from '../errors.ts';
import { KNOWN_METRICS, metricKey } from '../profiles/resolve.ts';
import type { Target } from '../profiles/types.ts';
import { SCRIPT_FILE_RE } from './flags.ts';

/**
 * Thresholds that always hold, per metric type: they make k6 report a
 * submetric without judging it (the target is loadctl's to judge, once).
 */
const OBSERVE: Record<string, string> = { trend: 'max>=0', rate: 'rate>=0', counter: 'count>=0', gauge: 'value>=0' };

/** What loadctl adds to a script's own options for these targets: observer thresholds on submetrics. */
export function scriptK6Options(targets: readonly Target[]): Record<string, unknown> {
  const thresholds: Record<string, string[]> = {};
  for (const t of targets) {
    if (!t.tags || Object.keys(t.tags).length === 0) continue;
    const kind = KNOWN_METRICS[t.metric] ?? (t.stat === 'rate' ? 'rate' : t.stat === 'count' ? 'counter' : 'trend');
    thresholds[metricKey(t)] ??= [OBSERVE[kind]!];
  }
  return Object.keys(thresholds).length > 0 ? { thresholds } : {};
}

/** Checks the file is there and is a script; every problem is a UsageError (exit 2). */
export async function locateScript(path: string, cwd: string): Promise<string> {
  const file = resolve(cwd, path);
  const info = await stat(file).catch(() => undefined);
  if (!info) throw new UsageError(`script ${path} does not exist`, { hint: 'give the path of a k6 script (.js or .ts), or a profile name (`loadctl list`)' });
  if (!info.isFile()) throw new UsageError(`script ${path} is not a file`, { hint: 'give the path of a k6 script (.js or .ts)' });
  if (!SCRIPT_FILE_RE.test(file)) throw new UsageError(`${path} is not a JavaScript or TypeScript file`, { hint: 'k6 scripts end in .js or .ts' });
  return file;
}

