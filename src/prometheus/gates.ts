// Prometheus gates: a PromQL query with a comparison, judged on every sample
// of each phase's window. Pure: the gate text and the query's samples go in,
// a verdict per phase comes out; no clock, no I/O (see evaluate.ts for that).

export type CompareOp = '<' | '<=' | '>' | '>=' | '==' | '!=';
/** Where a gate is judged. `steady` = baseline and after when a fault ran, the whole run otherwise. */
export type GateScope = 'run' | 'steady' | 'baseline' | 'fault' | 'recovery' | 'after';
export type WindowName = 'run' | 'baseline' | 'fault' | 'recovery' | 'after';
export const GATE_SCOPES: readonly GateScope[] = ['run', 'steady', 'baseline', 'fault', 'recovery', 'after'];

export interface Gate {
  name: string;
  /** The PromQL query, without the comparison. */
  query: string;
  op: CompareOp;
  value: number;
  scopes: GateScope[];
  /** default = the runbook's table: applied only when its metric is in Prometheus. */
  source: 'default' | 'profile' | 'experiment';
  /** Also judged during the run, stopping it when it keeps failing (live.ts). */
  abortOnFail?: boolean;
}

/** "rate(x[1m]) * 60 < 10" -> query, op, number; the comparison is the last one, against a number. */
export function parseGateExpression(text: string): { query: string; op: CompareOp; value: number } | { error: string } {
  const m = /^([\s\S]*?)\s*(<=|>=|==|!=|<|>)\s*([-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:e[-+]?\d+)?)\s*$/i.exec(text.trim());
  if (!m || (m[1] as string).trim() === '') {
    return { error: `"${text}" is not "<PromQL> <op> <number>", e.g. "rate(booking_lock_failures_total[1m]) * 60 < 10"` };
  }
  const query = (m[1] as string).trim();
  // "x > bool 3" would leave a dangling modifier: PromQL itself, not a gate.
  if (/\bbool$/.test(query)) return { error: `"${text}": end the gate with a plain comparison against a number (no "bool")` };
  return { query, op: m[2] as CompareOp, value: Number(m[3]) };
}

export function compare(v: number, op: CompareOp, limit: number): boolean {
  switch (op) {
    case '<': return v < limit;
    case '<=': return v <= limit;
    case '>': return v > limit;
    case '>=': return v >= limit;
    case '==': return v === limit;
    case '!=': return v !== limit;
  }
}

export const describeGate = (g: Pick<Gate, 'query' | 'op' | 'value'>) => `${g.query} ${g.op} ${g.value}`;

/**
 * The runbook's key-metrics table (shared/seed load-testing README), as gates
 * that hold when no alert would fire. Scoped to `steady`: the fault phase is
 * meant to hurt, the alerts are for the system at rest and after recovery.
 */
export const DEFAULT_GATES: readonly Gate[] = [
  { name: 'lock failures <= 10/min', query: 'sum(rate(booking_lock_failures_total[1m])) * 60', op: '<=', value: 10 },
  { name: 'booking queue <= 1000', query: 'max(booking_queue_length)', op: '<=', value: 1000 },
  { name: 'reservation expirations <= 50/min', query: 'sum(rate(booking_reservation_expirations_total[1m])) * 60', op: '<=', value: 50 },
  { name: 'HTTP P99 <= 2 s', query: 'histogram_quantile(0.99, sum by (le) (rate(http_server_requests_seconds_bucket[1m])))', op: '<=', value: 2 },
  { name: 'consumer lag <= 10000', query: 'max(kafka_consumer_group_lag)', op: '<=', value: 10000 },
].map((g) => ({ ...g, op: g.op as CompareOp, scopes: ['steady'] as GateScope[], source: 'default' as const }));

/** Scopes -> the windows they mean in this run. A chaos phase in a run without a fault means nothing. */
export function windowsFor(scopes: readonly GateScope[], faultRan: boolean): { windows: WindowName[]; unusable: GateScope[] } {
  const windows: WindowName[] = [];
  const unusable: GateScope[] = [];
  const add = (w: WindowName) => { if (!windows.includes(w)) windows.push(w); };
  for (const s of scopes) {
    if (s === 'run') add('run');
    else if (s === 'steady') { if (faultRan) { add('baseline'); add('after'); } else add('run'); }
    else if (faultRan) add(s);
    else unusable.push(s);
  }
  return { windows, unusable };
}

/** One sample of one series: Unix seconds, value. */
export type Sample = [number, number];
export interface SeriesSamples { labels: Record<string, string>; samples: Sample[] }

export interface Breach { at: number; value: number; labels: Record<string, string> }

export interface WindowVerdict {
  window: WindowName;
  /** Unix seconds, [from, to). */
  from: number;
  to: number;
  verdict: 'pass' | 'fail' | 'no-data';
  /** Samples judged (NaN ones are skipped: no value at that instant). */
  samples: number;
  /** The sample furthest on the wrong side of the limit (or nearest to it when all held). */
  worst: Breach | null;
  /** Up to MAX_BREACHES samples that broke the gate, earliest first. */
  breaches: Breach[];
  breachCount: number;
  /** Set when the look-back rule moved the judged span (lookback.ts): what was judged instead of [from, to). */
  judged?: { from: number; to: number; lookback: number; query?: string };
}

export const MAX_BREACHES = 5;

/** How far a value leans towards breaking the gate: the worst sample has the highest score. */
function badness(op: CompareOp, limit: number, v: number): number {
  if (op === '<' || op === '<=') return v;
  if (op === '>' || op === '>=') return -v;
  if (op === '==') return Math.abs(v - limit);
  return v === limit ? 1 : 0;
}

/** Judges every sample with from <= t < to (t <= to when `inclusive`). */
export function judgeWindow(gate: Pick<Gate, 'op' | 'value'>, window: WindowName, from: number, to: number, series: readonly SeriesSamples[], inclusive = false): WindowVerdict {
  let samples = 0;
  let worst: Breach | null = null;
  const breaches: Breach[] = [];
  let breachCount = 0;
  for (const s of series) {
    for (const [at, value] of s.samples) {
      if (at < from || at > to || (at === to && !inclusive) || Number.isNaN(value)) continue;
      samples += 1;
      const held = compare(value, gate.op, gate.value);
      if (!held) {
        breachCount += 1;
        breaches.push({ at, value, labels: s.labels });
      }
      if (worst === null || badness(gate.op, gate.value, value) > badness(gate.op, gate.value, worst.value)) worst = { at, value, labels: s.labels };
    }
  }
  breaches.sort((a, b) => a.at - b.at);
  const verdict = samples === 0 ? 'no-data' : breachCount > 0 ? 'fail' : 'pass';
  return { window, from, to, verdict, samples, worst, breaches: breaches.slice(0, MAX_BREACHES), breachCount };
}

export type GateStatus = 'pass' | 'fail' | 'missing-metric' | 'skipped' | 'error';

export interface GateResult {
  name: string;
  expression: string;
  query: string;
  op: CompareOp;
  value: number;
  scopes: GateScope[];
  source: Gate['source'];
  /** Judged live too (abortOnFail). */
  abortOnFail?: boolean;
  status: GateStatus;
  /** true when the gate counts against the run (a skipped default gate does not). */
  failed: boolean;
  reason: string;
  /** Metric names the query reads that Prometheus has no series for in the run. */
  missingMetrics: string[];
  windows: WindowVerdict[];
}

const fmt = (v: number) => (Number.isInteger(v) ? String(v) : String(Number(v.toPrecision(4))));
const labelText = (l: Record<string, string>) => {
  const e = Object.entries(l);
  return e.length === 0 ? '' : `{${e.map(([k, v]) => `${k}="${v}"`).join(',')}}`;
};

/** Folds the windows (or a missing metric, or an error) into one status and one line. */
export function gateResult(gate: Gate, input: { missingMetrics?: string[]; error?: string; windows?: WindowVerdict[]; unusable?: GateScope[]; runStart: number }): GateResult {
  const base = {
    name: gate.name, expression: describeGate(gate), query: gate.query, op: gate.op, value: gate.value, scopes: gate.scopes, source: gate.source,
    ...(gate.abortOnFail ? { abortOnFail: true } : {}),
    missingMetrics: input.missingMetrics ?? [], windows: input.windows ?? [],
  };
  if (input.error) return { ...base, status: 'error', failed: true, reason: `could not be evaluated: ${input.error}` };
  if (base.missingMetrics.length > 0) {
    const names = base.missingMetrics.join(', ');
    return gate.source === 'default'
      ? { ...base, status: 'skipped', failed: false, reason: `not applied: Prometheus has no ${names} (a default gate applies only where its metric exists)` }
      : { ...base, status: 'missing-metric', failed: true, reason: `Prometheus has no ${names}: the gate cannot be judged` };
  }
  if (base.windows.length === 0) {
    return { ...base, status: 'skipped', failed: false, reason: `not applied: ${(input.unusable ?? []).join(', ')} only exist in a run with --chaos` };
  }
  const rel = (t: number) => `t+${Math.max(0, Math.round(t - input.runStart))}s`;
  const bad = base.windows.filter((w) => w.verdict !== 'pass');
  if (bad.length === 0) {
    const worst = base.windows.map((w) => w.worst).filter((w): w is Breach => w !== null);
    const peak = worst.reduce<Breach | null>((a, b) => (a === null || badness(gate.op, gate.value, b.value) > badness(gate.op, gate.value, a.value) ? b : a), null);
    return { ...base, status: 'pass', failed: false, reason: `held in ${base.windows.map((w) => w.window).join(', ')}${peak ? ` (worst ${fmt(peak.value)})` : ''}` };
  }
  const parts = bad.map((w) => (w.verdict === 'no-data'
    ? `${w.window}: no data${w.judged?.query ? ` (shorter than the query's ${fmt(w.judged.lookback)} s look-back: judged as a whole with ${w.judged.query})` : ''}`
    : `${w.window}: ${fmt((w.worst as Breach).value)}${labelText((w.worst as Breach).labels)} at ${rel((w.worst as Breach).at)}, ${w.breachCount} of ${w.samples} samples broke it`));
  return { ...base, status: 'fail', failed: true, reason: `${gate.op} ${fmt(gate.value)} broken: ${parts.join('; ')}` };
}
