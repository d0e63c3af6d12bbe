// Reads a fetch Response's body with a ceiling: a remote server decides how
// much it sends, and res.text() would hold all of it (a 300 MB Prometheus
// reply took loadctl to 1.3 GB; an endless body grows until the timeout).
// Past the ceiling the stream is cancelled and the caller gets one line.
// A body that stops arriving is ended by the fetch's own AbortSignal.

export class BodyError extends Error {
  constructor(message: string, readonly reason: 'too-large' | 'timeout' | 'broken') {
    super(message);
    this.name = 'BodyError';
  }
}

export const MB = 1024 * 1024;

const size = (bytes: number) => (bytes >= MB ? `${Math.round(bytes / MB)} MB` : `${Math.round(bytes / 1024)} KB`);

/** The body as text, at most `maxBytes`; a BodyError saying why otherwise. */
export async function readCapped(res: Response, maxBytes: number, timeoutMs?: number): Promise<string> {
  const declared = Number(res.headers.get('content-length') ?? Number.NaN);
  if (declared > maxBytes) {
    await res.body?.cancel().catch(() => undefined);
    throw new BodyError(`its reply is ${size(declared)}, over loadctl's ceiling of ${size(maxBytes)}`, 'too-large');
  }
  if (!res.body) return '';
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      total += value.byteLength;
      if (total > maxBytes) {
        await reader.cancel().catch(() => undefined);
        throw new BodyError(`its reply passed loadctl's ceiling of ${size(maxBytes)} (stopped reading)`, 'too-large');
      }
      chunks.push(value);
    }
  } catch (error) {
    if (error instanceof BodyError) throw error;
    const e = error as Error;
    if (e.name === 'TimeoutError' || e.name === 'AbortError') throw new BodyError(`its reply did not finish within ${timeoutMs === undefined ? 'the time allowed' : `${Math.round(timeoutMs / 100) / 10} s`} (it stopped sending, or sends too slowly)`, 'timeout');
    throw new BodyError(`its reply broke off (${(e as { cause?: { code?: string } }).cause?.code ?? e.message})`, 'broken');
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** Why a fetch() threw, in a few words: its timeout, a redirect loop, the socket's code. */
export function fetchFailure(error: unknown, timeoutMs: number): string {
  const e = error as Error & { cause?: { code?: string; message?: string } };
  if (e.name === 'TimeoutError' || e.name === 'AbortError') return `no answer within ${Math.round(timeoutMs / 100) / 10} s`;
  if (/redirect count exceeded/i.test(e.cause?.message ?? '')) return 'it redirects in a loop (more than 20 redirects)';
  return e.cause?.code ?? e.cause?.message ?? e.message;
}
