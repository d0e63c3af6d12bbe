// The invariants in report.html: each with its reading before the load and
// after recovery, its verdict, and the offending rows (at most ten). Pure.
import type { InvariantResult } from '../invariants/judge.ts';

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** invariants.json, or null when absent or not the shape loadctl writes. */
export function parseInvariantsFile(v: unknown): InvariantResult[] | null {
  if (!isObj(v) || !Array.isArray(v.invariants)) return null;
  return v.invariants.filter((i): i is InvariantResult => isObj(i) && typeof i.name === 'string' && typeof i.status === 'string');
}

const word: Record<InvariantResult['status'], string> = { held: 'pass', broken: 'fail', error: 'fail', skipped: 'no-data' };

export function invariantsSection(
  list: readonly InvariantResult[],
  h: { escape: (t: string) => string; badge: (v: string) => string; table: (head: string[], rows: string[][], numericFrom?: number) => string },
): string {
  const rows = list.map((i) => {
    const offending = i.failed ? [...(i.after?.rows ?? []), ...(i.after?.rowCount ? [] : i.before?.rows ?? [])] : [];
    const detail = offending.length > 0 ? `<pre class="fine">${h.escape(offending.map((r) => JSON.stringify(r)).join('\n'))}</pre>` : '';
    return [
      h.escape(i.name),
      `<code>${h.escape(`${i.kind}: ${i.expect}`)}</code>`,
      h.escape(i.before === null ? '-' : String(i.before.value)),
      h.escape(i.after === null ? '-' : String(i.after.value)),
      `${h.badge(word[i.status])} ${h.escape(i.status === 'skipped' ? `skipped: ${i.reason}` : i.reason)}${detail}`,
    ];
  });
  return `<h2>Invariants</h2><p class="fine">Read before the load and again after recovery: nothing lost, nothing doubled.</p>
${h.table(['Invariant', 'Check', 'Before', 'After', 'Verdict'], rows, 99)}`;
}
