// Runners as Docker containers: not yet.
import { UsageError } from '../errors.ts';
import type { Placement } from './placement.ts';
import type { RunnersRequestOptions } from './placements.ts';

export async function dockerPlacement(_o: RunnersRequestOptions): Promise<Placement> {
  throw new UsageError('--placement docker is not available yet', { hint: 'use --placement local' });
}
