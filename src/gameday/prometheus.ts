// A game day's Prometheus: it must answer before the stack starts (a day of
// experiments whose gates could not be judged is no day), and once the stack
// is up the day waits, a bounded moment, until Prometheus has scraped what
// the experiments' PromQL invariants read, so the first experiment is not
// checked against a Prometheus that has not seen the new stack yet.
import { EnvironmentError } from '../errors.ts';
import type { InvariantEntry } from '../invariants/schema.ts';
import { SHIPPED_INVARIANTS } from '../invariants/shipped.ts';

/** Exit 3, one line, when Prometheus does not answer a trivial query. */
export async function checkPrometheusAnswers(url: string, from: '--prometheus' | 'LOADCTL_PROMETHEUS'): Promise<void> {
  const { createPrometheusClient } = await import('../prometheus/client.ts');
  try {
    await createPrometheusClient(url).query('vector(1)');
  } catch (error) {
    throw new EnvironmentError(`${(error as Error).message} (from ${from}); no stack was started and no experiment run`, {
      hint: `start it, fix ${from}, or leave it out (then the gates are not judged and the PromQL invariants are listed as not checked)`,
    });
  }
}

/** The queries of the PromQL invariants the experiments declare that read the run's Prometheus (not their own promql.url). Pure. */
export function promqlInvariantQueries(declared: ReadonlyArray<readonly InvariantEntry[] | undefined>): string[] {
  const queries = new Set<string>();
  for (const entries of declared) {
    for (const entry of entries ?? []) {
      const spec = typeof entry === 'string' ? SHIPPED_INVARIANTS[entry] : entry;
      if (spec?.promql && !spec.promql.url) queries.add(spec.promql.query);
    }
  }
  return [...queries];
}

/** Polls until every query returns a series, at most `timeoutMs`; returns those still empty. */
export async function waitForScrape(url: string, queries: readonly string[], o: { timeoutMs: number; signal?: AbortSignal; sleep?: (ms: number) => Promise<void> }): Promise<string[]> {
  const { createPrometheusClient } = await import('../prometheus/client.ts');
  const client = createPrometheusClient(url);
  const sleep = o.sleep ?? ((ms: number) => new Promise((r) => setTimeout(r, ms)));
  const deadline = Date.now() + o.timeoutMs;
  let empty = [...queries];
  for (;;) {
    const answers = await Promise.all(empty.map((q) => client.query(q).then((s) => s.length > 0, () => false)));
    empty = empty.filter((_q, i) => !answers[i]);
    if (empty.length === 0 || Date.now() >= deadline || o.signal?.aborted) return empty;
    await sleep(500);
  }
}
