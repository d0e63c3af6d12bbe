// The invariants in each text output: console lines, the step summary's
// markdown, JUnit testcases (offending rows in the failure body). Pure.
import type { GateCase } from '../prometheus/render.ts';
import type { InvariantsDoc } from './in-run.ts';
import type { InvariantResult } from './judge.ts';

const word: Record<InvariantResult['status'], string> = { held: 'HELD', broken: 'BROKEN', skipped: 'SKIPPED', error: 'ERROR' };

export function invariantLines(doc: InvariantsDoc): string[] {
  return doc.invariants.map((i) => `invariant ${word[i.status]} ${i.name}: ${i.reason}`);
}

const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
const valueOf = (r: { value: number } | null) => (r === null ? '-' : String(r.value));

export function invariantsMarkdown(doc: InvariantsDoc): string {
  const lines = ['**Invariants** (before the load / after recovery)', '', '| Invariant | Expect | Before | After | Result |', '|---|---|---|---|---|'];
  for (const i of doc.invariants) {
    const result = i.status === 'held' ? 'HELD' : i.failed ? `**${word[i.status]}**: ${cell(i.reason)}` : `${word[i.status]}: ${cell(i.reason)}`;
    lines.push(`| ${cell(i.name)} | \`${cell(i.expect)}\` | ${valueOf(i.before)} | ${valueOf(i.after)} | ${result} |`);
  }
  return `${lines.join('\n')}\n`;
}

export function invariantCases(doc: InvariantsDoc): GateCase[] {
  return doc.invariants.map((i) => {
    const name = `${i.name} (${i.kind}, expect ${i.expect})${i.status === 'skipped' ? ' (skipped)' : ''}`;
    if (i.status === 'error') return { classname: 'loadctl.invariants', name, error: { message: i.reason } };
    if (!i.failed) return { classname: 'loadctl.invariants', name };
    const rows = [...(i.after?.rows ?? []), ...(i.after?.rowCount ? [] : i.before?.rows ?? [])].map((r) => JSON.stringify(r));
    return { classname: 'loadctl.invariants', name, failure: { message: i.reason, body: [i.reason, ...rows].join('\n') } };
  });
}
