// Gates inside `loadctl run`: before the load (Prometheus must answer, every
// gate must parse) and after it (judge each gate over its phases, write
// prometheus.json, return the block for result.json). The run module calls
// these two functions and nothing else from here.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { PhaseStats } from '../live/phases.ts';
import type { Timeline } from '../live/types.ts';
import { UsageError } from '../errors.ts';
import { checkPrometheusUrl, resolvePrometheus, type PrometheusBlock, type PrometheusSettings } from './config.ts';
import { createPrometheusClient, type PrometheusClient } from './client.ts';
import type { GateResult } from './gates.ts';
import { checkBeforeLoad, evaluateGates, type GateChart, type Window } from './evaluate.ts';
import type { LiveGatesDoc } from './live.ts';

export interface PreparedGates {
  settings: PrometheusSettings;
  client: PrometheusClient;
}

/** The `prometheus` block of result.json (and prometheus.json, which adds the charts). */
export interface PrometheusDoc {
  url: string;
  from: PrometheusSettings['from'];
  /** Unix seconds: the window the gates were queried over. */
  run: { from: number; to: number };
  /** false when Prometheus had not scraped up to the end of the run within `settle`. */
  caughtUp: boolean;
  passed: boolean;
  gates: GateResult[];
  /** Gates judged during the run (abortOnFail), and the one that stopped it, if one did. */
  live?: LiveGatesDoc & { reason: string | null };
}

export async function prepareGates(input: { flag?: string; env?: string; profile?: PrometheusBlock; experiment?: PrometheusBlock }): Promise<PreparedGates | null> {
  const settings = resolvePrometheus(input);
  if (!settings) return null;
  const bad = checkPrometheusUrl(settings.from === 'env' ? 'LOADCTL_PROMETHEUS' : settings.from === 'flag' ? '--prometheus' : `the ${settings.from}'s prometheus.url`, settings.url);
  if (bad) {
    throw new UsageError(bad, { hint: 'point it at Prometheus\' base URL, e.g. http://localhost:9090' });
  }
  const client = createPrometheusClient(settings.url);
  await checkBeforeLoad(client, settings.gates);
  return { settings, client };
}

/** Phase windows of a run with a fault (null without one), and the whole run, in Unix seconds. */
export function gateWindows(run: { from: number; to: number }, phases: readonly PhaseStats[] | null): { run: Window; phases: Window[] | null } {
  return {
    run: { name: 'run', from: run.from, to: Math.max(run.to, run.from + 1) },
    phases: phases ? phases.map((p) => ({ name: p.phase, from: p.from, to: p.to })) : null,
  };
}

export async function judgeGates(prepared: PreparedGates, windows: { run: Window; phases: Window[] | null }, runDir: string, live?: PrometheusDoc['live']): Promise<PrometheusDoc> {
  const { settings, client } = prepared;
  const outcome = await evaluateGates(client, settings.gates, windows, { stepSeconds: settings.stepSeconds, settleMs: settings.settleMs });
  const doc: PrometheusDoc = {
    url: client.url,
    from: settings.from,
    run: { from: windows.run.from, to: windows.run.to },
    caughtUp: outcome.caughtUp,
    passed: outcome.results.every((g) => !g.failed) && !live?.abort,
    gates: outcome.results,
    ...(live ? { live } : {}),
  };
  const file: PrometheusDoc & { charts: GateChart[] } = { ...doc, charts: outcome.charts };
  await writeFile(join(runDir, 'prometheus.json'), `${JSON.stringify(file)}\n`);
  return doc;
}

/** When a run started and ended (ISO times), as its report says: all the gates need of it. */
export interface RunSpan { startedAt: string; endedAt: string }

/** The whole run in Unix seconds: the live timeline's seconds, else the run's own start and end. */
export function runWindow(timeline: Pick<Timeline, 'total'> | undefined, report: RunSpan): { from: number; to: number } {
  const total = timeline?.total ?? [];
  if (total.length > 0) return { from: (total[0] as { t: number }).t, to: (total[total.length - 1] as { t: number }).t + 1 };
  return { from: Math.floor(Date.parse(report.startedAt) / 1000), to: Math.ceil(Date.parse(report.endedAt) / 1000) };
}

export async function judgeRunGates(prepared: PreparedGates, run: { timeline: Timeline | undefined; report: RunSpan; phases: readonly PhaseStats[] | null; runDir: string; live?: PrometheusDoc['live'] }): Promise<PrometheusDoc> {
  return judgeGates(prepared, gateWindows(runWindow(run.timeline, run.report), run.phases), run.runDir, run.live);
}

/** What failed gates add to the verdict: one reason per gate; an evaluation error is an environment problem. */
export function gateProblems(doc: PrometheusDoc): Array<{ code: 1 | 3; reason: string }> {
  return doc.gates.filter((g) => g.failed).map((g) => ({
    code: g.status === 'error' ? 3 : 1,
    reason: `Prometheus gate "${g.name}" ${g.status === 'missing-metric' ? 'has no metric' : g.status === 'error' ? 'errored' : 'failed'}: ${g.reason}`,
  }));
}
