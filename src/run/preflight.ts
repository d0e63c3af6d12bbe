// Is the system under test there at all? One GET before k6 starts, so an
// unreachable gateway is exit 3 in a second rather than a run full of errors.
import { EnvironmentError, InterruptedError } from '../errors.ts';
import { httpGet } from '../shared/http-get.ts';

export interface PreflightResult {
  url: string;
  status: number;
  ms: number;
}

/** The URL probed: BASE_URL plus the health path (PATH_HEALTH, default /health). */
export function healthUrl(env: Readonly<Record<string, string>>, fallbackBase = 'http://localhost:8080'): string {
  const base = (env.BASE_URL ?? fallbackBase).replace(/\/+$/, '');
  const path = env.PATH_HEALTH ?? '/health';
  return `${base}${path.startsWith('/') ? path : `/${path}`}`;
}

/**
 * Any HTTP answer counts as reachable (a 503 health is the test's business,
 * not the preflight's); only no answer within the timeout fails.
 */
export async function probe(url: string, timeoutMs: number, signal?: AbortSignal): Promise<{ ok: true; status: number; ms: number } | { ok: false; reason: string; interrupted?: boolean }> {
  const started = performance.now();
  try {
    const res = await httpGet(new URL(url), { timeoutMs, maxBody: 0, ...(signal ? { signal } : {}) });
    return { ok: true, status: res.status, ms: performance.now() - started };
  } catch (error) {
    if (signal?.aborted) return { ok: false, reason: 'interrupted', interrupted: true };
    const err = error as NodeJS.ErrnoException;
    return { ok: false, reason: err.code === 'ETIMEDOUT' ? `no answer within ${timeoutMs} ms` : err.code ?? err.message };
  }
}

/**
 * Probes the environment's health URL, or the URL given (--preflight URL).
 * `signal` is a Ctrl-C: the check stops at once rather than waiting out its timeout.
 */
export async function preflight(env: Readonly<Record<string, string>> | string, timeoutMs = 3000, signal?: AbortSignal): Promise<PreflightResult> {
  const url = typeof env === 'string' ? env : healthUrl(env);
  const result = await probe(url, timeoutMs, signal);
  if (!result.ok && result.interrupted) throw new InterruptedError(`${signalName(signal)} during the target health check; nothing was run`);
  if (!result.ok) {
    throw new EnvironmentError(`target ${url} is unreachable (${result.reason})`, {
      hint: 'start the system under test (or `loadctl sandbox`), check --base-url, or skip this check with --no-preflight',
    });
  }
  return { url, status: result.status, ms: result.ms };
}

function signalName(signal: AbortSignal | undefined): string {
  const reason: unknown = signal?.reason;
  return typeof reason === 'string' ? reason : 'interrupted';
}
