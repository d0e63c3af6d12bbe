// The invariants shipped for the ticketing system, by name. Connection
// strings come from the environment (with local defaults); an invariant whose
// `requires` variables are unset is skipped and says so. The SQL reads the
// reference stack's `bookings` table (id, user_id, event_id, seat_ids text[],
// status, expires_at); the Redis check reads the seat locks the sandbox and
// booking service take (`loadctl:seat:*`, SET NX PX).
import type { InvariantSpec } from './schema.ts';

export const SHIPPED_INVARIANTS: Readonly<Record<string, InvariantSpec>> = {
  'no-double-sale': {
    name: 'no seat sold twice',
    requires: ['DATABASE_URL'],
    sql: {
      url: '${DATABASE_URL}',
      query: `SELECT event_id, seat, count(*) AS times, array_agg(id ORDER BY id) AS bookings
FROM bookings, unnest(seat_ids) AS seat
WHERE status = 'CONFIRMED'
GROUP BY event_id, seat HAVING count(*) > 1
ORDER BY event_id, seat`,
    },
  },
  'confirmed-stored': {
    name: 'every confirmed booking is stored',
    requires: ['DATABASE_URL'],
    sql: { url: '${DATABASE_URL}', query: `SELECT count(*) FROM bookings WHERE status = 'CONFIRMED'` },
    // Every "confirm 200" k6 was given during the run is a CONFIRMED row more than before.
    expect: '>= before + k6.checks.confirm 200',
    within: 10_000,
  },
  'locks-expire': {
    name: 'no seat lock outlives its hold',
    requires: ['REDIS_URL'],
    redis: { url: '${REDIS_URL}', keys: '${LOCK_PREFIX:-loadctl:seat:}*', maxTtl: 300_000 },
  },
  'backlog-drains': {
    name: 'the consumer\'s backlog drains back to its baseline',
    promql: { query: 'sum(kafka_consumer_group_lag)' },
    expect: '<= before',
    within: 30_000,
  },
};

const VARIABLE = /\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}/g;

/** Fills ${NAME} and ${NAME:-default} in every string of the spec from `env`. */
export function withEnv<T>(value: T, env: Record<string, string | undefined>): T {
  if (typeof value === 'string') return value.replace(VARIABLE, (_w, key: string, fallback?: string) => env[key] || fallback || '') as T;
  if (Array.isArray(value)) return value.map((v) => withEnv(v, env)) as T;
  if (typeof value === 'object' && value !== null) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, withEnv(v, env)])) as T;
  return value;
}
