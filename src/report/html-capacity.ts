// report.html for a staged run: the capacity answer and its steps table, and
// the steps' holds and the break marked on the charts. Reads the `capacity`
// block of result.json loosely (a folder from an older loadctl has none).
// Pure.
import type { RunRecord } from './run-record.ts';

export interface CapacityChartMarks {
  /** Holds, in seconds since the chart's first second. */
  steps: Array<{ from: number; to: number; label: string; broke: boolean }>;
  breakAt: number | null;
}

interface StepLike { index: number; level: number; from: number; to: number; verdict: string; requestRate: number; p95: number | null; p99: number | null; errorRate: number; reasons: string[] }
interface BlockLike { answer: string; unit: string; steps: StepLike[]; broke: { at?: number } | null; limits: { p99Ms: number; errorRate: number } | null }

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

export function capacityBlockOf(run: Pick<RunRecord, 'capacityBlock'>): BlockLike | null {
  const b = run.capacityBlock;
  if (!isObj(b) || typeof b.answer !== 'string' || !Array.isArray(b.steps)) return null;
  const steps = b.steps.filter((s): s is StepLike => isObj(s) && typeof s.index === 'number' && typeof s.level === 'number' && typeof s.from === 'number' && typeof s.to === 'number');
  const l = b.limits;
  const limits = isObj(l) && typeof l.p99Ms === 'number' && typeof l.errorRate === 'number' ? { p99Ms: l.p99Ms, errorRate: l.errorRate } : null;
  return { answer: b.answer, unit: typeof b.unit === 'string' ? b.unit : 'VUs', steps, broke: isObj(b.broke) ? b.broke as { at?: number } : null, limits };
}

export function capacityChartMarks(run: Pick<RunRecord, 'capacityBlock'>, startSec: number): CapacityChartMarks | null {
  const b = capacityBlockOf(run);
  if (!b) return null;
  return {
    steps: b.steps.filter((s) => s.verdict !== 'not-reached').map((s) => ({
      // The figures leave out a settling second; the band shows the whole hold.
      from: s.from - 1 - startSec, to: s.to - startSec, label: `${s.index}: ${s.level.toLocaleString('en-US')} ${b.unit}`, broke: s.verdict === 'fail',
    })),
    breakAt: typeof b.broke?.at === 'number' ? b.broke.at - startSec : null,
  };
}

interface Helpers {
  escape(text: string): string;
  badge(verdict: string): string;
  table(head: string[], rows: string[][], numericFrom?: number): string;
  ms(ms: number | null): string;
  rate(share: number | null): string;
}

export function capacitySection(run: Pick<RunRecord, 'capacityBlock'>, h: Helpers): string {
  const b = capacityBlockOf(run);
  if (!b) return '';
  const rows = b.steps.map((s) => [
    String(s.index), h.escape(`${s.level.toLocaleString('en-US')} ${b.unit}`),
    s.verdict === 'not-reached' ? '-' : `${s.requestRate.toFixed(1)} req/s`,
    s.verdict === 'not-reached' ? '-' : h.ms(s.p95), s.verdict === 'not-reached' ? '-' : h.ms(s.p99),
    s.verdict === 'not-reached' ? '-' : h.rate(s.errorRate),
    `${h.badge(s.verdict === 'not-reached' ? 'no-data' : s.verdict)}${s.reasons.length ? ` ${h.escape(s.reasons.join(', '))}` : ''}`,
  ]);
  return `<h2>Capacity</h2><p class="answer">${h.escape(b.answer)}</p>
${h.table(['Step', 'Load', 'Requests', 'p95', 'p99', 'Error rate', 'Verdict'], rows, 2)}`;
}
