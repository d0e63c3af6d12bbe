// Doing half of the gates: before the load, Prometheus must answer and every
// gate must parse; after the load, one range query per gate over the whole
// run, judged per phase window by gates.ts. Silent: returns data.
import { EnvironmentError, UsageError } from '../errors.ts';
import { describeGate, gateResult, judgeWindow, windowsFor, type Gate, type GateResult, type SeriesSamples, type WindowName, type WindowVerdict } from './gates.ts';
import { judgedSpan } from './lookback.ts';
import { PrometheusError, type PrometheusClient } from './client.ts';
import { metricNames } from './promql-names.ts';

/** Unix seconds, [from, to). */
export interface Window { name: WindowName; from: number; to: number }

export interface GateChart {
  name: string;
  op: Gate['op'];
  value: number;
  /** At most MAX_CHART_SERIES series, samples as [unix seconds, value]. */
  series: SeriesSamples[];
}

export interface GatesOutcome {
  results: GateResult[];
  charts: GateChart[];
  /** Whether Prometheus had scraped up to the end of the run when the gates were judged. */
  caughtUp: boolean;
}

const MAX_CHART_SERIES = 6;

/** Exit 3 when Prometheus does not answer, exit 2 (every bad gate named) when one does not parse. Before any load. */
export async function checkBeforeLoad(client: PrometheusClient, gates: readonly Gate[]): Promise<void> {
  try {
    await client.query('vector(1)');
  } catch (error) {
    throw new EnvironmentError(`${(error as Error).message}; no load was started`, {
      hint: 'start it, fix --prometheus / LOADCTL_PROMETHEUS / prometheus.url, or drop it to run without gates',
    });
  }
  const problems: string[] = [];
  for (const gate of gates) {
    try {
      await client.query(gate.query);
    } catch (error) {
      if (error instanceof PrometheusError && error.kind === 'bad-query') problems.push(`gate "${gate.name}" (${describeGate(gate)}): ${error.message}`);
      else throw new EnvironmentError(`Prometheus failed on gate "${gate.name}": ${(error as Error).message}`);
    }
  }
  if (problems.length > 0) throw new UsageError(problems.join('; '), { hint: 'fix the PromQL in the profile or experiment (test it in Prometheus\' own query page)' });
}

/** Polls until the newest sample of the gates' metrics reaches `end`, at most `settleMs`. */
export async function waitForScrape(client: PrometheusClient, names: readonly string[], end: number, o: { settleMs: number; sleep?: (ms: number) => Promise<void> }): Promise<boolean> {
  if (names.length === 0) return true;
  const sleep = o.sleep ?? ((ms: number) => new Promise((r) => setTimeout(r, ms)));
  // One query per metric: timestamp() drops the metric name, so one selector over several
  // names fails ("vector cannot contain metrics with the same labelset") whenever two of
  // them share their labels (booking_queue_length and kafka_consumer_group_lag do), and
  // the wait then ran out its whole settle time after every run.
  const selectors = names.map((n) => `max(timestamp(${n}))`);
  const deadline = Date.now() + o.settleMs;
  for (;;) {
    const newest = await Promise.all(selectors.map((q) => client.query(q).then((s) => s[0]?.samples[0]?.[1] ?? 0, () => 0)));
    const latest = Math.max(...newest);
    if (latest >= end) return true;
    if (Date.now() >= deadline) return false;
    await sleep(250);
  }
}

/** One phase of one gate, by the look-back rule: the range query's samples, or one instant query over the phase as a whole. */
async function judgePhase(client: PrometheusClient, gate: Gate, w: Window, series: readonly SeriesSamples[]): Promise<WindowVerdict> {
  const span = judgedSpan(w.name, w.from, w.to, gate.query);
  if (span.kind === 'samples') {
    const verdict = judgeWindow(gate, w.name, span.from, span.to, series, span.inclusive);
    const moved = span.from !== w.from || span.inclusive;
    return { ...verdict, from: w.from, to: w.to, ...(moved ? { judged: { from: span.from, to: span.to, lookback: span.lookback } } : {}) };
  }
  const whole = await client.query(span.query, span.at);
  const verdict = judgeWindow(gate, w.name, span.at, span.at, whole, true);
  return { ...verdict, from: w.from, to: w.to, judged: { from: w.from, to: w.to, lookback: span.lookback, query: span.query } };
}

export async function evaluateGates(
  client: PrometheusClient,
  gates: readonly Gate[],
  windows: { run: Window; phases: Window[] | null },
  o: { stepSeconds?: number; settleMs?: number } = {},
): Promise<GatesOutcome> {
  const { run } = windows;
  const namesOf = new Map(gates.map((g) => [g, metricNames(g.query)]));
  const allNames = [...new Set([...namesOf.values()].flat())];
  let absent: string[] = [];
  let listError: string | undefined;
  try {
    absent = await client.absentMetrics(allNames, run.from - 300, run.to + 60);
  } catch (error) {
    listError = (error as Error).message;
  }
  const caughtUp = await waitForScrape(client, allNames.filter((n) => !absent.includes(n)), run.to, { settleMs: o.settleMs ?? 20_000 });
  // Prometheus answers at most 11,000 points per series.
  const step = Math.max(o.stepSeconds ?? 1, Math.ceil((run.to - run.from) / 10_000));
  const results: GateResult[] = [];
  const charts: GateChart[] = [];
  for (const gate of gates) {
    const missingMetrics = (namesOf.get(gate) ?? []).filter((n) => absent.includes(n));
    if (listError) { results.push(gateResult(gate, { error: listError, runStart: run.from })); continue; }
    if (missingMetrics.length > 0) { results.push(gateResult(gate, { missingMetrics, runStart: run.from })); continue; }
    const { windows: names, unusable } = windowsFor(gate.scopes, windows.phases !== null);
    let series: SeriesSamples[];
    try {
      series = await client.queryRange(gate.query, run.from, run.to, step);
    } catch (error) {
      results.push(gateResult(gate, { error: (error as Error).message, runStart: run.from }));
      continue;
    }
    const chosen = names.map((n) => (n === 'run' ? run : windows.phases?.find((p) => p.name === n))).filter((w): w is Window => w !== undefined && w.to > w.from);
    let verdicts: WindowVerdict[];
    try {
      verdicts = [];
      for (const w of chosen) verdicts.push(await judgePhase(client, gate, w, series));
    } catch (error) {
      results.push(gateResult(gate, { error: (error as Error).message, runStart: run.from }));
      continue;
    }
    results.push(gateResult(gate, { windows: verdicts, unusable, runStart: run.from }));
    charts.push({ name: gate.name, op: gate.op, value: gate.value, series: series.slice(0, MAX_CHART_SERIES) });
  }
  return { results, charts, caughtUp };
}
