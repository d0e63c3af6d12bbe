// The engine behind `loadctl setup-users`: registers prefix{N}@domain through
// the API. Silent; it reports through callbacks and returns counts.
import { createJsonClient, describeNetworkError, type JsonClient } from './http.ts';

export interface SetupUsersOptions {
  baseUrl: string;
  count: number;
  prefix: string;
  domain: string;
  password: string;
  concurrency: number;
  /** Numbering starts here: testuser1 by default, as the scenarios expect. */
  start?: number;
  registerPath?: string;
  /** Retries after the first attempt, for 5xx, 429 and connection errors. */
  retries?: number;
  /** First backoff; doubles per retry, with jitter, capped at 2 s. */
  backoffMs?: number;
  timeoutMs?: number;
}

export interface SetupUsersCallbacks {
  onProgress?(done: number, total: number): void;
  onRetry?(email: string, attempt: number, reason: string): void;
}

export interface SetupUsersResult {
  created: number;
  existing: number;
  failed: number;
  /** First failures, for the summary; never includes the password. */
  failures: Array<{ email: string; reason: string }>;
  retries: number;
  /** Set when the server is plainly not the API (404/405 on register): the run stopped early. */
  notTheApi?: string;
  durationMs: number;
}

export const DEFAULT_REGISTER_PATH = '/api/auth/register';
const MAX_KEPT_FAILURES = 20;

export const emailFor = (o: Pick<SetupUsersOptions, 'prefix' | 'domain'>, n: number) => `${o.prefix}${n}@${o.domain}`;

type Outcome = { kind: 'created' } | { kind: 'existing' } | { kind: 'failed' | 'fatal'; reason: string };

export async function setupUsers(
  options: SetupUsersOptions,
  callbacks: SetupUsersCallbacks = {},
  sleep: (ms: number) => Promise<void> = (ms) => new Promise((r) => setTimeout(r, ms)),
): Promise<SetupUsersResult> {
  const started = performance.now();
  const url = joinUrl(options.baseUrl, options.registerPath ?? DEFAULT_REGISTER_PATH);
  const client = createJsonClient({ maxSockets: options.concurrency, timeoutMs: options.timeoutMs ?? 10_000 });
  const result: SetupUsersResult = { created: 0, existing: 0, failed: 0, failures: [], retries: 0, durationMs: 0 };
  const first = options.start ?? 1;
  let next = 0;
  let done = 0;

  const worker = async () => {
    while (next < options.count && result.notTheApi === undefined) {
      const email = emailFor(options, first + next);
      next += 1;
      const outcome = await registerOne(client, url, email, options, callbacks, sleep, () => { result.retries += 1; });
      if (outcome.kind === 'created') result.created += 1;
      else if (outcome.kind === 'existing') result.existing += 1;
      else {
        result.failed += 1;
        if (result.failures.length < MAX_KEPT_FAILURES) result.failures.push({ email, reason: outcome.reason });
        if (outcome.kind === 'fatal') result.notTheApi = outcome.reason;
      }
      done += 1;
      callbacks.onProgress?.(done, options.count);
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.max(1, Math.min(options.concurrency, options.count)) }, worker));
  } finally {
    client.close();
  }
  result.durationMs = performance.now() - started;
  return result;
}

async function registerOne(
  client: JsonClient,
  url: URL,
  email: string,
  options: SetupUsersOptions,
  callbacks: SetupUsersCallbacks,
  sleep: (ms: number) => Promise<void>,
  countRetry: () => void,
): Promise<Outcome> {
  const retries = options.retries ?? 5;
  const base = options.backoffMs ?? 100;
  for (let attempt = 0; ; attempt += 1) {
    let reason: string;
    try {
      const answer = await client.post(url, { email, password: options.password, name: email.split('@')[0] });
      if (answer.status === 201 || answer.status === 200) return { kind: 'created' };
      // 409 is the idempotency: the account is there, from an earlier run or
      // from an attempt whose answer was lost on a dropped connection.
      if (answer.status === 409) return { kind: 'existing' };
      if (answer.status === 404 || answer.status === 405) {
        return { kind: 'fatal', reason: `POST ${url.pathname} answered ${answer.status}` };
      }
      reason = `HTTP ${answer.status}${errorCode(answer.body)}`;
      if (answer.status < 500 && answer.status !== 429) return { kind: 'failed', reason };
    } catch (error) {
      reason = describeNetworkError(error);
    }
    if (attempt >= retries) return { kind: 'failed', reason: `${reason} after ${attempt + 1} attempts` };
    countRetry();
    callbacks.onRetry?.(email, attempt + 1, reason);
    const backoff = Math.min(2000, base * 2 ** attempt);
    await sleep(backoff / 2 + Math.random() * backoff / 2);
  }
}

/** The server's error code from a JSON error body, if any; never the body itself. */
function errorCode(body: string): string {
  try {
    const parsed = JSON.parse(body) as { error?: unknown };
    return typeof parsed.error === 'string' ? ` ${parsed.error.slice(0, 60)}` : '';
  } catch {
    return '';
  }
}

/** Whether anything answers HTTP at baseUrl; the reason when not. */
export async function probe(baseUrl: string, timeoutMs = 3000): Promise<{ ok: true } | { ok: false; reason: string }> {
  const client = createJsonClient({ maxSockets: 1, timeoutMs });
  try {
    await client.get(new URL('/', baseUrl));
    return { ok: true };
  } catch (error) {
    return { ok: false, reason: describeNetworkError(error) };
  } finally {
    client.close();
  }
}

/** baseUrl's own path is kept: a gateway mounted under /prefix gets /prefix/api/... */
export function joinUrl(baseUrl: string, path: string): URL {
  const base = new URL(baseUrl);
  return new URL(base.pathname.replace(/\/+$/, '') + path, base);
}
