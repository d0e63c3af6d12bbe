// Which placement `--runners N` uses, and the flag combinations that are
// refused before anything starts.
import { UsageError } from '../errors.ts';
import { localPlacement } from './local.ts';
import type { Placement, RunnersRequestOptions } from './placement.ts';

export type { RunnersRequestOptions };

/** --chaos is allowed: the experiment is timed and judged on the merged live feed, like one k6's. */
export function checkRunnersOptions(o: RunnersRequestOptions, flags: { live: boolean; record: boolean }): void {
  if (!flags.live) throw new UsageError('--runners merges the runners\' live feeds into one verdict, but --no-live was given', { hint: 'drop --no-live' });
  if (flags.record) throw new UsageError('--record with --runners is not supported yet (one NDJSON record per runner is not merged)', { hint: 'drop --record; the merged live feed gives the timeline' });
  if (o.placement !== 'local' && o.placement !== 'docker') throw new UsageError(`--placement "${String(o.placement)}" is not known`, { hint: 'use --placement local or --placement docker' });
}

export async function createPlacement(o: RunnersRequestOptions): Promise<Placement> {
  if (o.placement === 'docker') {
    const { dockerPlacement } = await import('./docker.ts');
    return dockerPlacement(o);
  }
  return localPlacement(o.count);
}
