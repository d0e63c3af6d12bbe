// Why a run failed, when the figures make the cause plain: most failed
// requests were 401 Unauthorized, which against a fresh sandbox or staging
// means the test accounts were never created. Pure: figures in, a line out.
import type { RunResults } from '../results/types.ts';
import type { LiveSecond } from '../live/timeline.ts';
import { UNAUTHORIZED_METRIC } from '../profiles/resolve.ts';

/** Refused logins "dominate" from this share of all failed requests. */
export const DOMINANT_SHARE = 0.5;

export interface AccountsHintInput {
  /** Requests in all, failed requests, and of those the 401 answers. */
  requests: number;
  failed: number;
  unauthorized: number;
  /** How many accounts the scenario logs in with (USER_COUNT, default 100). */
  userCount: number;
  baseUrl: string | undefined;
}

/** The setup-users line people can paste; --base-url only when it is not the default. */
export function setupUsersCommand(userCount: number, baseUrl: string | undefined): string {
  const url = baseUrl && baseUrl.replace(/\/+$/, '') !== 'http://localhost:8080' ? ` --base-url ${baseUrl}` : '';
  return `loadctl setup-users --count ${userCount}${url}`;
}

export function accountsHint(input: AccountsHintInput): string | undefined {
  const { failed, unauthorized } = input;
  if (unauthorized <= 0 || failed <= 0 || unauthorized < failed * DOMINANT_SHARE) return undefined;
  const share = `${unauthorized} of ${input.failed} failed requests (of ${input.requests}) were 401 Unauthorized`;
  return `${share}: the accounts the scenario logs in with probably do not exist on ${input.baseUrl ?? 'the target'}; create them with \`${setupUsersCommand(input.userCount, input.baseUrl)}\``;
}

/** The hint for a finished run, from k6's summary (the 401 submetric the profile asks k6 for). */
export function accountsHintFromResults(results: RunResults | undefined, env: Readonly<Record<string, string | undefined>>): string | undefined {
  if (!results) return undefined;
  const failed = results.metrics.http_req_failed?.raw.passes ?? 0;
  const unauthorized = results.metrics[UNAUTHORIZED_METRIC]?.raw.passes ?? 0;
  return accountsHint({ requests: results.http.requests ?? 0, failed, unauthorized, userCount: userCountOf(env), baseUrl: env.BASE_URL });
}

/** USER_COUNT as the scenario library reads it (default 100). */
export function userCountOf(env: Readonly<Record<string, string | undefined>>): number {
  const count = Number(env.USER_COUNT);
  return Number.isInteger(count) && count > 0 ? count : 100;
}

export interface BaselineHintOptions {
  /** The error rate a healthy second stays under (the recovery target, 5 %). */
  maxErrorRate: number;
  userCount: number;
  baseUrl: string | undefined;
}

/**
 * Said just before a fault goes in under load: the baseline already fails,
 * so the fault's effect will not stand out. Names the endpoint most failures
 * come from and, when that is login, the setup-users command.
 */
export function baselineHint(seconds: readonly LiveSecond[], o: BaselineHintOptions): string | undefined {
  let requests = 0;
  let failures = 0;
  const byName = new Map<string, number>();
  for (const s of seconds) {
    requests += s.total.requests;
    failures += s.total.failures;
    for (const [key, st] of Object.entries(s.series)) {
      if (key.startsWith('name:')) byName.set(key.slice(5), (byName.get(key.slice(5)) ?? 0) + st.failures);
    }
  }
  if (requests === 0 || failures / requests < o.maxErrorRate) return undefined;
  const [name, failed] = [...byName].sort((a, b) => b[1] - a[1])[0] ?? ['', 0];
  const pct = `${((failures / requests) * 100).toFixed(1)} %`;
  let line = `the baseline is already failing before the fault: ${pct} of ${requests} requests failed in the last ${seconds.length} s`;
  if (failed >= failures * DOMINANT_SHARE) line += `, mostly ${name} (${failed} of ${failures})`;
  if (name === 'login' && failed >= failures * DOMINANT_SHARE) {
    line += `; the accounts the scenario logs in with probably do not exist: \`${setupUsersCommand(o.userCount, o.baseUrl)}\``;
  }
  return `${line}; the fault's own effect will be hard to tell apart`;
}
