// Which placement `--runners N` uses, and the flag combinations that are
// refused before anything starts.
import { UsageError } from '../errors.ts';
import { localPlacement } from './local.ts';
import type { Placement } from './placement.ts';

export interface RunnersRequestOptions {
  count: number;
  /** local (default) or docker. */
  placement: 'local' | 'docker';
  /** docker: the image with k6 in it (default: loadctl-k6:<local k6 version>). */
  image?: string;
  /** docker: the engines (--docker-host, DOCKER_HOST style, with weights); default: DOCKER_HOST or the local socket. */
  engines?: import('./engines.ts').EngineRequest[];
  /** docker: the address every runner pushes the live feed to (required when an engine is on another machine). */
  receiverHost?: string;
  /** docker: an existing bridge network to run on (default: one loadctl creates and removes). */
  network?: string;
}

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
