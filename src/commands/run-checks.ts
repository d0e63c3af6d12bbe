// Flags of `loadctl run` that are checked before any work, beyond what the
// profile's own validation sees: each is exit 2 with its own name, also under
// --dry-run, rather than a failure after the target's health check.
import { UsageError } from '../errors.ts';
import { runDurationProblem } from '../inputs/bounds.ts';

export async function checkRunFlags(flags: { loadDuration?: string; invariant: readonly string[] }): Promise<void> {
  // Named as typed: --load-duration stands in for --duration, but the user wrote the former.
  const loadDuration = flags.loadDuration === undefined ? undefined : runDurationProblem('--load-duration', flags.loadDuration);
  if (loadDuration) throw new UsageError(loadDuration, { hint: 'e.g. --load-duration 5m' });
  if (flags.invariant.length > 0) {
    const { SHIPPED_INVARIANTS } = await import('../invariants/shipped.ts');
    const unknown = flags.invariant.find((name) => !(name in SHIPPED_INVARIANTS));
    if (unknown !== undefined) {
      throw new UsageError(`--invariant ${unknown}: unknown invariant (shipped: ${Object.keys(SHIPPED_INVARIANTS).join(', ')})`, { hint: 'name a shipped one, or write it out in the profile: docs/invariants.md' });
    }
  }
}
