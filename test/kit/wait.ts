// Waiting for an event, never for a wall-clock margin. A test names what it
// waits for and a ceiling generous enough for a busy 2-core machine (the
// suite runs while other work shares the cores); the check is polled until it
// holds. The ceiling only bounds a hang: on time it costs nothing.

/** The ceiling when a test gives none: long, because it is only reached when something is broken. */
export const DEFAULT_CEILING_MS = 60_000;

/**
 * Polls `check` every `everyMs` until it holds; resolves with how long that
 * took. Fails after `timeoutMs`, naming `what`.
 */
export async function waitFor(what: string, check: () => boolean | Promise<boolean>, timeoutMs = DEFAULT_CEILING_MS, everyMs = 100): Promise<number> {
  const start = Date.now();
  for (;;) {
    if (await check()) return Date.now() - start;
    if (Date.now() - start >= timeoutMs) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}
