// Is the system under test there at all? One GET before k6 starts, so an
// unreachable gateway is exit 3 in a second rather than a run full of errors.
import { EnvironmentError } from '../errors.ts';

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
export async function probe(url: string, timeoutMs: number): Promise<{ ok: true; status: number; ms: number } | { ok: false; reason: string }> {
  const started = performance.now();
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(timeoutMs), redirect: 'manual' });
    await res.body?.cancel();
    return { ok: true, status: res.status, ms: performance.now() - started };
  } catch (error) {
    const err = error as Error & { cause?: { code?: string; message?: string } };
    const reason = err.name === 'TimeoutError' ? `no answer within ${timeoutMs} ms` : err.cause?.code ?? err.cause?.message ?? err.message;
    return { ok: false, reason };
  }
}

export async function preflight(env: Readonly<Record<string, string>>, timeoutMs = 3000): Promise<PreflightResult> {
  const url = healthUrl(env);
  const result = await probe(url, timeoutMs);
  if (!result.ok) {
    throw new EnvironmentError(`target ${url} is unreachable (${result.reason})`, {
      hint: 'start the system under test (or `loadctl sandbox`), check --base-url, or skip this check with --no-preflight',
    });
  }
  return { url, status: result.status, ms: result.ms };
}
