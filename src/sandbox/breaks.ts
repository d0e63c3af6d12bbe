// Off-by-default ways to break the reference system on purpose, one per
// shipped invariant, so tests can prove each invariant can fail:
//   double-sell     the database's guard on sold seats is dropped, and every
//                   confirmation is stored twice: the second time as a new
//                   CONFIRMED booking of the same seats (a retry that inserts
//                   instead of updating). Both halves are needed, and said:
//                   with the guard in place PostgreSQL refuses that second
//                   row, which is what the guard is for.
//   lose-confirms   confirmations are answered but never reach PostgreSQL
//   lock-leak       seat locks are taken for a day and never released
//   backlog-stall   the consumer reads booking events but never acknowledges them
// Set with `loadctl sandbox --break <modes>` or LOADCTL_SANDBOX_BREAK (the
// stack's containers). Each is a wrapper around a real part; nothing else changes.
import { randomUUID } from 'node:crypto';
import type { AcquireResult, LockService } from './locks.ts';
import type { BookingRecorder } from './pg-bookings.ts';

export const BREAK_MODES = ['double-sell', 'lose-confirms', 'lock-leak', 'backlog-stall'] as const;
export type BreakMode = (typeof BREAK_MODES)[number];
/** The shipped invariant (src/invariants/shipped.ts) each mode is there to break. */
export const BREAK_INVARIANT: Readonly<Record<BreakMode, string>> = {
  'double-sell': 'no-double-sale',
  'lose-confirms': 'confirmed-stored',
  'lock-leak': 'locks-expire',
  'backlog-stall': 'backlog-drains',
};

/** "double-sell,lock-leak" -> modes, or the unknown names. */
export function parseBreaks(text: string | undefined): { modes: BreakMode[] } | { error: string } {
  const entries = (text ?? '').split(',').map((s) => s.trim());
  // "," or "a,,b" is a typo, not "no break": read as none, the service was recreated unbroken.
  if ((text ?? '').trim() !== '' && entries.some((e) => e === '')) return { error: `"${text}" has an empty entry (known: ${BREAK_MODES.join(', ')}; leave it out for no break)` };
  const names = entries.filter(Boolean);
  const unknown = names.filter((n) => !(BREAK_MODES as readonly string[]).includes(n));
  if (unknown.length > 0) return { error: `unknown break mode ${unknown.join(', ')} (known: ${BREAK_MODES.join(', ')})` };
  return { modes: [...new Set(names)] as BreakMode[] };
}

const A_DAY_MS = 86_400_000;

/** lock-leak: holds lock for a day instead of their TTL, and releases never happen. */
export function leakyLocks(inner: LockService): LockService {
  return {
    kind: inner.kind,
    acquire: (keys, owner): Promise<AcquireResult> => inner.acquire(keys, owner, A_DAY_MS),
    release: async () => {},
    health: () => inner.health(),
    close: () => inner.close(),
  };
}

/** double-sell and lose-confirms, on the way to PostgreSQL (double-sell also starts PgBookings without its guard). */
export function brokenRecorder(inner: BookingRecorder, modes: readonly BreakMode[]): BookingRecorder {
  return {
    held: (b) => inner.held(b),
    async confirmed(b) {
      if (modes.includes('lose-confirms')) return [];
      const taken = await inner.confirmed(b);
      // A retried confirmation written as a second booking: the seat is now sold twice.
      if (taken.length === 0 && modes.includes('double-sell')) await inner.held({ ...b, id: randomUUID() }).catch(() => {});
      return taken;
    },
    sold: () => inner.sold(),
    changed: (b) => inner.changed(b),
    health: () => inner.health(),
    close: () => inner.close(),
  };
}
