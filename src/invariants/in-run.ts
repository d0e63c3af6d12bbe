// Invariants inside `loadctl run`: resolved and read once before the load (a
// source that does not answer stops the run with exit 3, nothing started),
// read again after recovery (retrying up to `within`), judged, and written
// to invariants.json. The run module calls these functions only.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { EnvironmentError, UsageError } from '../errors.ts';
import type { PrometheusClient } from '../prometheus/client.ts';
import type { RunResults } from '../results/types.ts';
import { CheckMisconfigured, CheckUnavailable, readInvariant } from './checks.ts';
import { refuseUnknownChecks, scenarioSources } from './check-names.ts';
import { sourceUrlProblem } from './source-url.ts';
import { invariantResult, judgeAfter, type InvariantResult, type Outcome } from './judge.ts';
import { kindOf, type InvariantEntry, type InvariantSpec } from './schema.ts';
import { SHIPPED_INVARIANTS, withEnv } from './shipped.ts';

export interface PreparedInvariants {
  checks: Array<{ spec: InvariantSpec; skipped?: string; before?: Outcome; shipped?: boolean }>;
  prometheus: PrometheusClient | null;
}

export interface InvariantsDoc {
  passed: boolean;
  invariants: InvariantResult[];
}

/** Names and objects from the flag, the profile and the experiment, as specs with the environment filled in. Duplicates by name run once. */
export function resolveInvariants(entries: readonly InvariantEntry[], env: Record<string, string | undefined>): Array<{ spec: InvariantSpec; skipped?: string; shipped?: boolean }> {
  const out: Array<{ spec: InvariantSpec; skipped?: string; shipped?: boolean }> = [];
  for (const entry of entries) {
    let raw: InvariantSpec;
    if (typeof entry === 'string') {
      const shipped = SHIPPED_INVARIANTS[entry];
      if (!shipped) throw new UsageError(`unknown invariant "${entry}" (shipped: ${Object.keys(SHIPPED_INVARIANTS).join(', ')})`, { hint: 'name a shipped one, or write it out: docs/invariants.md' });
      raw = shipped;
    } else {
      raw = entry;
    }
    if (out.some((o) => o.spec.name === raw.name)) continue;
    const unset = (raw.requires ?? []).filter((name) => !env[name]);
    const spec = withEnv(raw, env);
    const badUrl = unset.length > 0 ? undefined : sourceUrlProblem(raw, spec);
    if (badUrl) throw new UsageError(badUrl, { hint: 'fix the URL (or the environment variable it reads); nothing was dialled' });
    out.push({ spec, ...(typeof entry === 'string' ? { shipped: true } : {}), ...(unset.length > 0 ? { skipped: `not checked: ${unset.join(', ')} not set` } : {}) });
  }
  return out;
}

async function read(spec: InvariantSpec, prometheus: PrometheusClient | null): Promise<Outcome> {
  try {
    return { reading: await readInvariant(spec, prometheus) };
  } catch (error) {
    if (error instanceof CheckMisconfigured) return { error: error.message, misconfigured: true };
    if (error instanceof CheckUnavailable) return { error: error.message };
    throw error;
  }
}

export async function prepareInvariants(entries: readonly InvariantEntry[], env: Record<string, string | undefined>, prometheus: PrometheusClient | null, o: { scenarioFile?: string } = {}): Promise<PreparedInvariants | null> {
  if (entries.length === 0) return null;
  const checks: PreparedInvariants['checks'] = resolveInvariants(entries, env);
  if (o.scenarioFile) refuseUnknownChecks(checks.filter((c) => !c.skipped).map((c) => c.spec), scenarioSources(o.scenarioFile));
  for (const check of checks) {
    if (check.skipped) continue;
    if (check.spec.promql && !check.spec.promql.url && !prometheus) {
      check.skipped = 'not checked: no Prometheus given (--prometheus, LOADCTL_PROMETHEUS or promql.url)';
      continue;
    }
    check.before = await read(check.spec, prometheus);
    // A shipped PromQL invariant on a system without its metric (no consumer lag on the sandbox): listed as skipped, as a default gate is.
    if ('error' in check.before && check.shipped && check.spec.promql && /^Prometheus has no data/.test(check.before.error)) {
      check.skipped = `not checked: ${check.before.error}`;
      delete check.before;
      continue;
    }
    if ('error' in check.before && check.before.misconfigured) {
      throw new UsageError(`invariant "${check.spec.name}": ${check.before.error}; no load was started`, {
        hint: `fix the ${kindOf(check.spec) === 'http' ? 'path' : 'query'} in the profile or experiment (docs/invariants.md)`,
      });
    }
    if ('error' in check.before) {
      throw new EnvironmentError(`invariant "${check.spec.name}" could not be checked before the load: ${check.before.error}; no load was started`, {
        hint: 'start that service or fix its URL (the environment variable it reads), or leave the invariant out',
      });
    }
  }
  return { checks, prometheus };
}

/** Passes of each k6 check by name, summed over the groups it appears in. */
export function checkPasses(results: RunResults | undefined): Record<string, number> {
  const out: Record<string, number> = {};
  for (const c of results?.checks.list ?? []) out[c.name] = (out[c.name] ?? 0) + c.passes;
  return out;
}

export async function judgeInvariants(prepared: PreparedInvariants, results: RunResults | undefined, runDir: string, o: { sleep?: (ms: number) => Promise<void> } = {}): Promise<InvariantsDoc> {
  const sleep = o.sleep ?? ((ms: number) => new Promise((r) => setTimeout(r, ms)));
  const passes = checkPasses(results);
  const invariants: InvariantResult[] = [];
  for (const { spec, skipped, before } of prepared.checks) {
    if (skipped) { invariants.push(invariantResult(spec, { skipped })); continue; }
    const values = { checks: new Proxy(passes, { get: (t, k: string) => t[k] ?? 0 }), ...(before && 'reading' in before ? { before: before.reading.value } : {}) };
    const deadline = Date.now() + (spec.within ?? 0);
    let after = await read(spec, prepared.prometheus);
    // A consumer draining or a write being flushed needs a moment: retry until it holds or time is up.
    while ('reading' in after && Date.now() < deadline) {
      const judged = judgeAfter(spec, after.reading, values);
      if ('held' in judged && judged.held) break;
      await sleep(500);
      after = await read(spec, prepared.prometheus);
    }
    invariants.push(invariantResult(spec, { ...(before ? { before } : {}), after, values }));
  }
  const doc = { passed: invariants.every((i) => !i.failed), invariants };
  await writeFile(join(runDir, 'invariants.json'), `${JSON.stringify(doc, null, 2)}\n`);
  return doc;
}

/** One problem per failed invariant: broken is exit 1, unreadable after the run is exit 3. */
export function invariantProblems(doc: InvariantsDoc): Array<{ code: 1 | 3; reason: string }> {
  return doc.invariants.filter((i) => i.failed).map((i) => ({ code: i.status === 'error' ? 3 : 1, reason: `invariant "${i.name}" ${i.status === 'error' ? 'could not be checked' : 'broken'}: ${i.reason}` }));
}
