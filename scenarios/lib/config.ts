// Everything a scenario reads from the environment, in one place, with the
// defaults from docs/api.md. A gateway that differs only needs env changes.

function env(name: string, fallback: string): string {
  const value = __ENV[name];
  return value === undefined || value === '' ? fallback : value;
}

function envNumber(name: string, fallback: number): number {
  const value = Number(env(name, String(fallback)));
  if (!Number.isFinite(value)) throw new Error(`${name} must be a number, got "${__ENV[name]}"`);
  return value;
}

export const config = {
  baseUrl: env('BASE_URL', 'http://localhost:8080').replace(/\/+$/, ''),
  paths: {
    register: env('PATH_REGISTER', '/api/auth/register'),
    login: env('PATH_LOGIN', '/api/auth/login'),
    events: env('PATH_EVENTS', '/api/events'),
    /** `{id}` is replaced by the event id. */
    seats: env('PATH_SEATS', '/api/events/{id}/seats'),
    bookings: env('PATH_BOOKINGS', '/api/bookings'),
    health: env('PATH_HEALTH', '/health'),
  },
  users: {
    prefix: env('USER_PREFIX', 'testuser'),
    domain: env('USER_DOMAIN', 'loadtest.com'),
    count: envNumber('USER_COUNT', 100),
    password: env('USER_PASSWORD', 'LoadTest123!'),
  },
  /** Seconds a user pauses between steps; each pause is jittered by +-50 %. */
  thinkTime: envNumber('THINK_TIME', 1),
  /** Seats asked for in one hold. */
  seatsPerBooking: envNumber('SEATS_PER_BOOKING', 1),
  /** Share of holds that are cancelled instead of confirmed (0..1). */
  cancelRatio: envNumber('CANCEL_RATIO', 0),
  /** Search text for the event list; empty lists every event. */
  query: env('EVENT_QUERY', ''),
};

export function url(path: string): string {
  return `${config.baseUrl}${path}`;
}

/** The account VU n uses: testuser{1..USER_COUNT}@loadtest.com, spread over the VUs. */
export function userFor(vu: number): { email: string; password: string } {
  const n = ((Math.max(vu, 1) - 1) % Math.max(config.users.count, 1)) + 1;
  return { email: `${config.users.prefix}${n}@${config.users.domain}`, password: config.users.password };
}
