// Seat locks. The lock service is the arbiter of who holds a seat, as in the
// real system where several booking instances share Redis; the store keeps a
// mirror for seat maps and re-checks before a hold is recorded.

export type ComponentStatus = 'UP' | 'DOWN';

export interface ComponentHealth {
  status: ComponentStatus;
  detail?: string;
}

export interface AcquireResult {
  /** Keys now owned by the caller. */
  acquired: string[];
  /** Keys someone else owns. */
  conflicts: string[];
}

/** The lock service cannot answer (Redis down): holds must fail with 503. */
export class LockUnavailableError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'LockUnavailableError';
  }
}

export interface LockService {
  readonly kind: 'memory' | 'redis';
  /**
   * Tries to take every key for `owner` for `ttlMs`. All-or-nothing is the
   * caller's job (it releases `acquired` on a conflict), because a partial
   * result is what tells it which seats conflicted.
   * Throws LockUnavailableError when the service cannot answer; nothing is
   * left held in that case.
   */
  acquire(keys: readonly string[], owner: string, ttlMs: number): Promise<AcquireResult>;
  /** Releases the keys still owned by `owner`; others' keys are untouched. */
  release(keys: readonly string[], owner: string): Promise<void>;
  health(): Promise<Record<string, ComponentHealth>>;
  close(): Promise<void>;
}

/** In-process locks: the default, nothing to install. */
export class MemoryLockService implements LockService {
  readonly kind = 'memory' as const;
  private readonly locks = new Map<string, { owner: string; expiresAt: number }>();

  constructor(private readonly now: () => number = Date.now) {}

  async acquire(keys: readonly string[], owner: string, ttlMs: number): Promise<AcquireResult> {
    // No await inside: check-and-set of every key happens in one turn of the
    // event loop, which is what makes it atomic.
    const now = this.now();
    const acquired: string[] = [];
    const conflicts: string[] = [];
    for (const key of keys) {
      const current = this.locks.get(key);
      if (current && current.expiresAt > now && current.owner !== owner) {
        conflicts.push(key);
      } else {
        this.locks.set(key, { owner, expiresAt: now + ttlMs });
        acquired.push(key);
      }
    }
    return { acquired, conflicts };
  }

  async release(keys: readonly string[], owner: string): Promise<void> {
    for (const key of keys) {
      if (this.locks.get(key)?.owner === owner) this.locks.delete(key);
    }
  }

  async health(): Promise<Record<string, ComponentHealth>> {
    return { locks: { status: 'UP' } };
  }

  async close(): Promise<void> {
    this.locks.clear();
  }
}
