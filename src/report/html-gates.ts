// The Prometheus gates in report.html: a table of verdicts, and each gate's
// query charted on the k6 timeline's own axis (seconds since its first
// second), so the fault window shades it like the request charts. Pure.
import type { GateResult } from '../prometheus/gates.ts';
import type { GateChart } from '../prometheus/evaluate.ts';
import type { PrometheusDoc } from '../prometheus/in-run.ts';
import { liveLine } from '../prometheus/render.ts';

/** What the report reads from prometheus.json. */
export interface GatesFile {
  url: string;
  gates: GateResult[];
  charts: GateChart[];
  /** The live gates' line (render.ts liveLine), and whether one stopped the run. */
  live?: { line: string; stopped: boolean };
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** prometheus.json, or null when absent or not the shape loadctl writes. */
export function parseGatesFile(v: unknown): GatesFile | null {
  if (!isObj(v) || typeof v.url !== 'string' || !Array.isArray(v.gates) || !Array.isArray(v.charts)) return null;
  const gates = v.gates.filter((g): g is GateResult => isObj(g) && typeof g.name === 'string' && typeof g.status === 'string' && Array.isArray(g.windows));
  const charts = v.charts.filter((c): c is GateChart => isObj(c) && typeof c.name === 'string' && Array.isArray(c.series));
  const live = isObj(v.live) && Array.isArray(v.live.gates) && isObj(v.live.evaluations) ? liveLine(v as unknown as PrometheusDoc) : null;
  return { url: v.url, gates, charts, ...(live ? { live: { line: live, stopped: isObj(v.live) && typeof v.live.reason === 'string' } } : {}) };
}

/** One gate chart for the client script: values aligned with the timeline's `t`. */
export interface GateChartData {
  id: string;
  title: string;
  limit: number;
  series: Array<{ label: string; values: Array<number | null> }>;
}

const labelText = (l: Record<string, string>) => {
  const e = Object.entries(l).filter(([k]) => k !== '__name__');
  return e.length === 0 ? 'value' : e.map(([k, v]) => `${k}=${v}`).join(',');
};

/** Samples at Unix second T go to index T - start; outside the timeline they are dropped. */
export function gateChartData(file: GatesFile, start: number, length: number): GateChartData[] {
  return file.charts.map((c, i) => ({
    id: `chart-gate-${i}`,
    title: `${c.name} (${c.op} ${c.value})`,
    limit: c.value,
    series: c.series.map((s) => {
      const values: Array<number | null> = new Array(length).fill(null);
      for (const [at, v] of s.samples) {
        const idx = Math.floor(at) - start;
        if (idx >= 0 && idx < length && Number.isFinite(v)) values[idx] = v;
      }
      return { label: labelText(s.labels), values };
    }),
  }));
}

const word: Record<GateResult['status'], string> = { pass: 'pass', fail: 'fail', 'missing-metric': 'fail', skipped: 'no-data', error: 'fail' };

export function gatesSection(
  file: GatesFile,
  h: { escape: (t: string) => string; badge: (v: string) => string; table: (head: string[], rows: string[][], numericFrom?: number) => string },
): string {
  const rows = file.gates.map((g) => [
    h.escape(`${g.name}${g.abortOnFail ? ' (live)' : ''}`),
    `<code>${h.escape(g.expression)}</code>`,
    h.escape(g.windows.length > 0 ? g.windows.map((w) => `${w.window}: ${w.verdict}`).join(', ') : g.scopes.join(', ')),
    `${h.badge(word[g.status])} ${h.escape(g.status === 'skipped' ? `skipped: ${g.reason}` : g.reason)}`,
  ]);
  const live = file.live ? `<p>${file.live.stopped ? `${h.badge('fail')} ` : ''}${h.escape(file.live.line)}</p>` : '';
  return `<h2>Prometheus gates</h2><p class="fine">Judged with range queries on ${h.escape(file.url)} over each phase's window; charted under "Over time" on the timeline's axis.</p>
${live}${h.table(['Gate', 'PromQL', 'Phases', 'Verdict'], rows, 99)}`;
}

/** The gates' chart containers, placed with the request charts (before the script that fills them). */
export function gateChartDivs(charts: readonly GateChartData[], escape: (t: string) => string): string {
  return charts.map((c) => `<h3>Prometheus: ${escape(c.title)}</h3><div class="chart" id="${c.id}"></div>`).join('\n');
}
