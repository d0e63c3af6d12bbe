// The console verdict: one cli-table3 table of targets and k6 thresholds.
// Pure: colours come in as functions (src/ui.ts owns chalk), text goes out.
import Table from 'cli-table3';
import type { RunReport } from './model.ts';
import type { ThresholdResult } from '../results/types.ts';
import { formatTargetValue } from '../verdict/judge.ts';
import { runnersText } from './runners-text.ts';

export interface Paint {
  pass(text: string): string;
  fail(text: string): string;
  dim(text: string): string;
}

const plain: Paint = { pass: (t) => t, fail: (t) => t, dim: (t) => t };

function targetLabel(name: string, key: string, stat: string, op: string, limit: string): string {
  return `${name}\n${key} ${stat} ${op} ${limit}`;
}

/**
 * k6's figure beside held/crossed, as k6 prints it ("p(95)=1.2s held"); a
 * threshold on a metric that saw nothing says so, and whether it was allowed.
 */
export function thresholdWords(th: ThresholdResult): string {
  if (th.missing) return 'not reported by k6';
  if (th.noSamples) return th.allowedEmpty ? 'no samples (allowed: --allow-no-samples)' : 'no samples: nothing measured it (k6 would say held)';
  const word = th.ok ? 'held' : 'crossed';
  return th.figure ? `${th.figure} ${word}` : word;
}

function thresholdActual(th: ThresholdResult, paint: Paint): string {
  const text = thresholdWords(th);
  return th.figure && !th.noSamples ? text : paint.dim(text);
}

export function renderTable(report: RunReport, paint: Paint = plain): string {
  // A target that could not be judged explains why in the Actual column; wrap
  // that text rather than let it push the table off an 80-column terminal.
  const longest = Math.max(0, ...report.verdict.targets.map((t) => (t.actual === undefined ? t.detail.length : 0)));
  const table = new Table({
    head: ['Target', 'Actual', 'Result'],
    // cli-table3 would colour head and borders itself; the caller decides colours.
    style: { head: [], border: [] },
    wordWrap: true,
    wrapOnWordBoundary: true,
    colWidths: [null, longest > 36 ? 38 : null, null],
  });
  const mark = (ok: boolean) => (ok ? paint.pass('PASS') : paint.fail('FAIL'));
  for (const t of report.verdict.targets) {
    const limit = formatTargetValue(t.target, t.target.value);
    const actual = t.actual === undefined ? paint.dim(t.detail) : formatTargetValue(t.target, t.actual);
    table.push([targetLabel(t.target.name, t.key, t.target.stat, t.target.op, limit), actual, mark(t.ok)]);
  }
  for (const th of report.verdict.thresholds) {
    const actual = thresholdActual(th, paint);
    table.push([`k6 threshold ${th.metric}: ${th.expression}`, th.note ? `${actual} ${paint.dim(`(${th.note})`)}` : actual, mark(th.ok)]);
  }
  if (table.length === 0) table.push([paint.dim('no targets or thresholds in this profile'), '', '']);
  return table.toString();
}

/** The figures under the table: requests, error rate, p95/p99, iterations, checks. */
export function renderFigures(report: RunReport): string {
  const r = report.results;
  const runners = report.runners ? `\n${runnersText(report.runners)}` : '';
  if (!r) return `no results: ${report.summaryError ?? 'no summary was read'}${runners}`;
  const pct = (v: number | undefined) => (v === undefined ? 'n/a' : `${(v * 100).toFixed(2)}%`);
  const ms = (v: number | undefined) => formatTargetValue({ stat: 'p99' }, v);
  const num = (v: number | undefined, digits = 0) => (v === undefined ? 'n/a' : v.toFixed(digits));
  const d = r.http.duration;
  return [
    `requests ${num(r.http.requests)} (${num(r.http.requestRate, 1)}/s), errors ${pct(r.http.errorRate)}`,
    `http_req_duration p50 ${ms(d?.p50)}, p95 ${ms(d?.p95)}, p99 ${ms(d?.p99)}, max ${ms(d?.max)}`,
    `iterations ${num(r.iterations.count)}, checks ${pct(r.checks.rate)} (${r.checks.passes} passed, ${r.checks.fails} failed)`,
  ].join('\n') + runners;
}
