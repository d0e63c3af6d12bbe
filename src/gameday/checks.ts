// A game day row's system-side checks: the Prometheus gates and the
// invariants each run judged (result.json's `prometheus` and `invariants`
// blocks), summed up for the day's tables and folded into the row's verdict.
// A check that was not made says so; it is never counted as passed. Pure.

/** One gate or invariant as the run judged it (the fields of GateResult / InvariantResult a day needs). */
export interface CheckResult {
  name: string;
  status: string;
  /** true when it counts against the run. */
  failed: boolean;
  reason: string;
}

export interface RowChecks {
  /** null: the run had no Prometheus, so no gate was judged. */
  gates: CheckResult[] | null;
  /** null: the run declared no invariant. */
  invariants: CheckResult[] | null;
}

/** The slice of a result document the checks come from. */
export interface ChecksDoc {
  prometheus?: { gates?: CheckResult[] };
  invariants?: { invariants?: CheckResult[] };
}

const slim = (c: CheckResult): CheckResult => ({ name: c.name, status: c.status, failed: c.failed, reason: c.reason });

export function checksOf(doc: ChecksDoc): RowChecks {
  return {
    gates: doc.prometheus?.gates ? doc.prometheus.gates.map(slim) : null,
    invariants: doc.invariants?.invariants ? doc.invariants.invariants.map(slim) : null,
  };
}

/** What the checks add to the verdict: one reason per failed check; 'error' (could not be read) is an environment problem. */
export function checkProblems(checks: RowChecks): Array<{ error: boolean; reason: string }> {
  return [
    ...(checks.gates ?? []).filter((g) => g.failed).map((g) => ({ error: g.status === 'error', reason: `gate "${g.name}" ${g.status === 'error' ? 'errored' : 'failed'}: ${g.reason}` })),
    ...(checks.invariants ?? []).filter((i) => i.failed).map((i) => ({ error: i.status === 'error', reason: `invariant "${i.name}" ${i.status === 'error' ? 'could not be checked' : 'broken'}: ${i.reason}` })),
  ];
}

function counts(list: readonly CheckResult[], words: Record<string, string>): string {
  const order = Object.keys(words);
  const n = (s: string) => list.filter((c) => c.status === s).length;
  return order.filter((s) => n(s) > 0).map((s) => `${n(s)} ${words[s]}`).join(', ');
}

/** "5 passed" / "4 passed, 1 FAILED: lock failures <= 10/min" / "not judged: no Prometheus". */
export function gatesCell(gates: readonly CheckResult[] | null): string {
  if (gates === null) return 'not judged: no Prometheus';
  if (gates.length === 0) return 'none';
  const failed = gates.filter((g) => g.failed).map((g) => g.name);
  const skipped = gates.filter((g) => g.status === 'skipped').map((g) => g.name);
  return [
    counts(gates, { pass: 'passed', fail: 'FAILED', 'missing-metric': 'FAILED (no metric)', error: 'ERROR', skipped: 'not applied' }),
    failed.length > 0 ? `failed: ${failed.join('; ')}` : '',
    skipped.length > 0 ? `not applied: ${skipped.join('; ')}` : '',
  ].filter(Boolean).join('; ');
}

/** "4 held" / "3 held, 1 not checked; not checked: <name> (no Prometheus given ...)". */
export function invariantsCell(invariants: readonly CheckResult[] | null): string {
  if (invariants === null) return 'none declared';
  if (invariants.length === 0) return 'none';
  const notHeld = invariants.filter((i) => i.status !== 'held')
    .map((i) => `${i.status === 'skipped' ? 'not checked' : i.status.toUpperCase()}: ${i.name} (${i.reason.replace(/^not checked: /, '')})`);
  return [counts(invariants, { held: 'held', broken: 'BROKEN', error: 'ERROR', skipped: 'not checked' }), ...notHeld].join('; ');
}
