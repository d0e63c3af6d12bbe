// `loadctl run <profile> --find-limit [start-rate] --budget 10m`: the command
// layer of the search (src/app/find-limit.ts). Checks its flags (one
// line, exit 2), owns the console, prints the answer and the exit code.
import { UsageError } from '../errors.ts';
import { checkWhole, limits } from '../inputs/bounds.ts';
import { parseDuration } from '../shared/duration.ts';
import type { ProfileRunRequest } from '../app/run.ts';

export interface FindLimitFlags {
  findLimit?: string | boolean;
  budget?: string;
  duration?: string;
  chaos?: string;
  vus?: string;
  dryRun?: boolean;
  runners?: string;
  maxVus?: string;
}

const DEFAULT_BUDGET = '10m';
const DEFAULT_HOLD = '30s';

/** Checks the search's flags before anything runs; returns the parsed figures. */
export function checkFindLimitFlags(profile: string, f: FindLimitFlags): { startRate?: number; budgetSeconds: number; holdSeconds: number; maxVus?: number } {
  const eg = `e.g. loadctl run ${profile} --find-limit --budget 10m`;
  if (f.findLimit === undefined) {
    if (f.budget !== undefined) throw new UsageError('--budget only applies with --find-limit', { hint: eg });
    if (f.maxVus !== undefined) throw new UsageError('--max-vus only applies with --find-limit (it caps the probes\' VUs)', { hint: `e.g. loadctl run ${profile} --find-limit --max-vus 200` });
    return { budgetSeconds: 0, holdSeconds: 0 };
  }
  const clash = ([['--chaos', f.chaos], ['--vus', f.vus], ['--dry-run', f.dryRun], ['--runners', f.runners]] as const).find(([, v]) => v !== undefined && v !== false);
  if (clash) throw new UsageError(`--find-limit cannot be combined with ${clash[0]}: the search picks each probe's rate and VUs itself`, { hint: eg });
  let startRate: number | undefined;
  if (typeof f.findLimit === 'string') {
    const checked = checkWhole('--find-limit', f.findLimit, { ...limits.rate, min: 1 });
    if (!checked.ok) throw new UsageError(checked.problem, { hint: 'give the first rate to probe in iterations per second, e.g. --find-limit 50, or leave it out' });
    startRate = checked.value;
  }
  const budgetMs = durationMs('--budget', f.budget ?? DEFAULT_BUDGET, 10_000, 'e.g. --budget 10m');
  const holdMs = durationMs('--duration', f.duration ?? DEFAULT_HOLD, 3_000, 'each probe\'s hold, e.g. --duration 30s');
  if (holdMs >= budgetMs) {
    throw new UsageError(`--budget ${f.budget ?? DEFAULT_BUDGET} leaves no room for a probe of ${f.duration ?? DEFAULT_HOLD}`, { hint: 'give a budget several times each probe\'s hold, e.g. --budget 10m --duration 30s' });
  }
  let maxVus: number | undefined;
  if (f.maxVus !== undefined) {
    const checked = checkWhole('--max-vus', f.maxVus, limits.vus);
    if (!checked.ok) throw new UsageError(checked.problem, { hint: 'e.g. --max-vus 200' });
    maxVus = checked.value;
  }
  return { ...(startRate !== undefined ? { startRate } : {}), ...(maxVus !== undefined ? { maxVus } : {}), budgetSeconds: budgetMs / 1000, holdSeconds: Math.round(holdMs / 1000) };
}

function durationMs(flag: string, text: string, minMs: number, hint: string): number {
  const ms = parseDuration(text);
  if (ms === undefined || ms < minMs || ms > 24 * 3600_000) {
    throw new UsageError(`${flag} "${text}" is not a duration from ${minMs / 1000}s to 24h (such as 30s, 5m or 1h)`, { hint });
  }
  return ms;
}

export async function findLimitCommand(o: {
  request: ProfileRunRequest; startRate?: number; budgetSeconds: number; holdSeconds: number; capacity?: string; maxVus?: number;
  json: boolean; quiet: boolean; color?: boolean; verbose: boolean;
}): Promise<number> {
  const [{ findLimit }, { createUi }, render] = await Promise.all([import('../app/find-limit.ts'), import('../ui.ts'), import('./run-output.ts')]);
  const stream = o.json ? process.stderr : process.stdout;
  const ui = createUi({ quiet: o.quiet, color: o.color, stream });
  // The probes' own k6 lines stay quiet; one line per probe says what it found.
  const probeUi = createUi({ quiet: true, color: o.color, stream });
  const view = render.createRunView(probeUi, { quiet: true, verbose: o.verbose, cwd: o.request.cwd });
  const result = await findLimit({
    request: o.request, holdSeconds: o.holdSeconds, budgetSeconds: o.budgetSeconds, quiet: o.quiet,
    ...(o.startRate !== undefined ? { startRate: o.startRate } : {}), ...(o.capacity !== undefined ? { capacityFlag: o.capacity } : {}),
    ...(o.maxVus !== undefined ? { maxVus: o.maxVus } : {}),
  }, view.events, ui, probeUi);
  ui.result(result.outcome.answer);
  if (result.outcome.rule) ui.result(`  (${result.outcome.rule})`);
  ui.info(`search in ${result.dir}`);
  if (o.json) process.stdout.write(result.json);
  return result.exitCode;
}
