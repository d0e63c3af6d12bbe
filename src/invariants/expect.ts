// What an invariant expects of its value: "== 0" (the default: no offending
// rows), "<= before + 10" (back to what it was before the load), ">= before +
// k6.checks.confirm 200" (every confirmation users were given is stored).
// Pure: parse once, evaluate with the terms' values passed in.

import type { CompareOp } from '../prometheus/gates.ts';

export type ExpectOp = CompareOp;
export { compare as holds } from '../prometheus/gates.ts';
export type Term = { kind: 'number'; value: number } | { kind: 'before' } | { kind: 'k6-check'; name: string };
export interface Expectation { op: ExpectOp; terms: Array<{ sign: 1 | -1; term: Term }>; text: string }

export const DEFAULT_EXPECT = '== 0';

function parseTerm(text: string): Term | null {
  const t = text.trim();
  if (/^[-+]?\d+(\.\d+)?$/.test(t)) return { kind: 'number', value: Number(t) };
  if (t === 'before') return { kind: 'before' };
  const check = /^k6\.checks\.(.+)$/.exec(t);
  if (check) return { kind: 'k6-check', name: (check[1] as string).trim() };
  return null;
}

export function parseExpectation(text: string): Expectation | { error: string } {
  const m = /^\s*(<=|>=|==|!=|<|>)\s*(.+?)\s*$/.exec(text);
  const bad = { error: `expect "${text}": write "<op> <terms>", terms a number, before or k6.checks.<check name> joined by " + " or " - ", e.g. "<= before + 10"` };
  if (!m) return bad;
  const terms: Expectation['terms'] = [];
  // " + " and " - " with spaces around them join terms; a check name may hold other characters.
  const parts = (m[2] as string).split(/\s+([+-])\s+/);
  for (let i = 0; i < parts.length; i += 2) {
    const term = parseTerm(parts[i] as string);
    if (!term) return bad;
    terms.push({ sign: i === 0 || parts[i - 1] === '+' ? 1 : -1, term });
  }
  return { op: m[1] as ExpectOp, terms, text: text.trim() };
}

export const usesBefore = (e: Expectation) => e.terms.some((t) => t.term.kind === 'before');

export interface TermValues {
  /** The invariant's value before the load; undefined when judging that first value. */
  before?: number;
  /** Passes of each k6 check by name, summed over groups; undefined before the load. */
  checks?: Record<string, number>;
}

/** The limit the value is compared with, or why it cannot be computed yet. */
export function limitOf(e: Expectation, v: TermValues): { limit: number } | { missing: string } {
  let limit = 0;
  for (const { sign, term } of e.terms) {
    let n: number | undefined;
    if (term.kind === 'number') n = term.value;
    else if (term.kind === 'before') n = v.before;
    else n = v.checks?.[term.name];
    if (n === undefined) return { missing: term.kind === 'before' ? 'before' : term.kind === 'k6-check' ? `k6 check "${term.name}"` : 'a number' };
    limit += sign * n;
  }
  return { limit };
}
