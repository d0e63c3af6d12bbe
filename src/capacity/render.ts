// The capacity block for people and CI: a text table of the steps for the
// console, markdown for the step summary, JUnit testcases (one per step held;
// a step that broke fails, as its targets did). Pure.
import type { CapacityBlock, StepFigures } from './analyse.ts';
import { levelText, msText, percentText, rateText } from './words.ts';
import type { Case } from '../report/junit.ts';
import { mdCell } from '../report/format.ts';

const head = ['step', 'load', 'req/s', 'p95', 'p99', 'errors', 'verdict'];

function verdictText(s: StepFigures): string {
  if (s.verdict === 'fail') return `BROKE ${s.brokeAfterSeconds} s in: ${s.reasons.join(', ')}`;
  if (s.verdict === 'not-reached') return 'not reached';
  return s.cutShort ? 'ok (cut short)' : 'ok';
}

function cells(b: CapacityBlock, s: StepFigures): string[] {
  const held = s.verdict !== 'not-reached';
  return [
    String(s.index), levelText(s.level, b.unit), held ? rateText(s.requestRate) : '-',
    held ? msText(s.p95) : '-', held ? msText(s.p99) : '-', held ? percentText(s.errorRate) : '-', verdictText(s),
  ];
}

/** The steps as aligned text, under the answer line. */
export function capacityText(b: CapacityBlock): string {
  const rows = [head, ...b.steps.map((s) => cells(b, s))];
  const widths = head.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  const line = (r: string[]) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]!))).join('  ').trimEnd();
  // The steps' p99 is not the whole run's: say which figure this is, beside the one under the targets.
  const note = '  (each step: every HTTP request of its hold, ramps left out; p95/p99 are the mean of its per-second percentiles, not the whole run\'s http_req_duration below)';
  return [`capacity: ${b.answer}`, ...rows.map((r) => `  ${line(r)}`), ...(b.verdict === 'no-data' ? [] : [note])].join('\n');
}

export function capacityMarkdown(b: CapacityBlock): string {
  const l = b.limits;
  const limits = `p99 < ${msText(l.p99Ms)}${l.p95Ms === null ? '' : `, p95 < ${msText(l.p95Ms)}`}, errors < ${percentText(l.errorRate)}, over ${l.windowSeconds} s in a row`;
  return [
    `**Capacity:** ${mdCell(b.answer)}`,
    '',
    `| ${head.join(' | ')} |`,
    `|${head.map(() => '---').join('|')}|`,
    ...b.steps.map((s) => `| ${cells(b, s).map(mdCell).join(' | ')} |`),
    '',
    `Each step is judged over its hold (ramps excluded): ${limits}.`,
    '',
  ].join('\n');
}

export function capacityCases(b: CapacityBlock): Case[] {
  return b.steps.filter((s) => s.verdict !== 'not-reached').map((s) => ({
    classname: 'loadctl.capacity',
    name: `step ${s.index}: ${levelText(s.level, b.unit)} held within the limits`,
    ...(s.verdict === 'fail' ? { failure: { message: `broke ${s.brokeAfterSeconds} s into the step: ${s.reasons.join(', ')}`, body: b.answer } } : {}),
  }));
}
