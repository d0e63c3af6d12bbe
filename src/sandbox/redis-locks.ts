// Seat locks in Redis, one `SET key owner NX PX ttl` per seat. Tuned to fail
// fast: when Redis is away a hold must answer 503 at once rather than queue
// behind a reconnect, and the client keeps reconnecting on its own so the
// sandbox recovers without a restart.
import { Redis } from 'ioredis';
import { type AcquireResult, type ComponentHealth, type LockService, LockUnavailableError } from './locks.ts';

// Compare-and-delete: a hold that expired and was re-taken by someone else
// must not have its new owner's lock removed.
const RELEASE_SCRIPT = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end`;

export interface RedisLockOptions {
  url: string;
  /** Key prefix, so a shared Redis can host several sandboxes. */
  prefix?: string;
  /** Milliseconds a command may take before it counts as a failure. */
  commandTimeoutMs?: number;
}

export class RedisLockService implements LockService {
  readonly kind = 'redis' as const;
  private readonly redis: Redis;
  private readonly prefix: string;
  private lastError = '';

  constructor(options: RedisLockOptions) {
    this.prefix = options.prefix ?? 'loadctl:seat:';
    this.redis = new Redis(options.url, {
      connectTimeout: 1000,
      commandTimeout: options.commandTimeoutMs ?? 500,
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      // Keep trying forever, backing off to at most half a second, so recovery
      // is quick once Redis is back.
      retryStrategy: (times) => Math.min(50 * times, 500),
      lazyConnect: false,
    });
    // Without a listener ioredis' 'error' events would crash the process.
    this.redis.on('error', (error: Error) => { this.lastError = error.message; });
    this.redis.on('ready', () => { this.lastError = ''; });
  }

  /** Resolves once connected, or rejects after `timeoutMs`. */
  async waitReady(timeoutMs: number): Promise<void> {
    if (this.redis.status === 'ready') return;
    // At start-up the first connection error is the answer: a refused or
    // unknown address will not fix itself while the user waits.
    await new Promise<void>((resolve, reject) => {
      const done = () => { clearTimeout(timer); this.redis.off('ready', onReady); this.redis.off('error', onError); };
      const timer = setTimeout(() => {
        done();
        reject(new LockUnavailableError(`Redis did not answer within ${timeoutMs} ms${this.lastError ? ` (${this.lastError})` : ''}`));
      }, timeoutMs);
      const onReady = () => { done(); resolve(); };
      const onError = (error: Error) => { done(); reject(new LockUnavailableError(error.message, { cause: error })); };
      this.redis.once('ready', onReady);
      this.redis.once('error', onError);
    });
  }

  async acquire(keys: readonly string[], owner: string, ttlMs: number): Promise<AcquireResult> {
    this.assertReady();
    const results = await Promise.allSettled(
      keys.map((key) => this.redis.set(this.prefix + key, owner, 'PX', Math.max(1, Math.round(ttlMs)), 'NX')),
    );
    const acquired: string[] = [];
    const conflicts: string[] = [];
    let failure: unknown;
    results.forEach((r, i) => {
      const key = keys[i] as string;
      if (r.status === 'rejected') failure ??= r.reason;
      else if (r.value === 'OK') acquired.push(key);
      else conflicts.push(key);
    });
    if (failure !== undefined) {
      // Best effort: if Redis is gone these expire by their TTL anyway.
      await this.release(acquired, owner).catch(() => {});
      throw new LockUnavailableError(`Redis lock failed: ${messageOf(failure)}`, { cause: failure });
    }
    return { acquired, conflicts };
  }

  async release(keys: readonly string[], owner: string): Promise<void> {
    if (keys.length === 0) return;
    this.assertReady();
    await Promise.all(keys.map((key) => this.redis.eval(RELEASE_SCRIPT, 1, this.prefix + key, owner)));
  }

  async health(): Promise<Record<string, ComponentHealth>> {
    let redis: ComponentHealth;
    try {
      this.assertReady();
      await this.redis.ping();
      redis = { status: 'UP' };
    } catch (error) {
      redis = { status: 'DOWN', detail: messageOf(error) };
    }
    return { locks: { status: redis.status }, redis };
  }

  async close(): Promise<void> {
    // quit() waits for Redis to answer; when it is down, disconnect at once.
    if (this.redis.status === 'ready') await this.redis.quit().catch(() => {});
    this.redis.disconnect();
  }

  private assertReady(): void {
    if (this.redis.status !== 'ready') {
      throw new LockUnavailableError(`Redis is not connected (${this.redis.status}${this.lastError ? `: ${this.lastError}` : ''})`);
    }
  }
}

const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error));
