// --runners, --placement and --runner-image as typed -> the runners request,
// or a usage error naming the flag. --runners 1 is a plain single-k6 run.
import { UsageError } from '../errors.ts';
import type { RunnersRequestOptions } from './placements.ts';
import { parseRunnerCount } from './segments.ts';

export function runnersFromFlags(flags: { runners?: string; placement?: string; runnerImage?: string; runnerNetwork?: string }): RunnersRequestOptions | undefined {
  if (flags.runners === undefined) {
    const stray = flags.placement !== undefined ? '--placement' : flags.runnerImage !== undefined ? '--runner-image' : flags.runnerNetwork !== undefined ? '--runner-network' : undefined;
    if (stray) throw new UsageError(`${stray} only applies with --runners <n>`, { hint: 'e.g. --runners 2 --placement docker' });
    return undefined;
  }
  const count = parseRunnerCount(flags.runners);
  if (typeof count !== 'number') throw new UsageError(count.error, { hint: 'e.g. --runners 4' });
  const placement = flags.placement ?? 'local';
  if (placement !== 'local' && placement !== 'docker') throw new UsageError(`--placement "${placement}" is not known`, { hint: 'use --placement local or --placement docker' });
  for (const [flag, v] of [['--runner-image', flags.runnerImage], ['--runner-network', flags.runnerNetwork]] as const) {
    if (v !== undefined && placement !== 'docker') throw new UsageError(`${flag} only applies with --placement docker`, { hint: 'add --placement docker' });
  }
  if (count === 1) return undefined;
  return { count, placement, ...(flags.runnerImage ? { image: flags.runnerImage } : {}), ...(flags.runnerNetwork ? { network: flags.runnerNetwork } : {}) };
}
