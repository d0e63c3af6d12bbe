// How the reports write durations, rates and markdown cells. Pure, and it
// imports only printable() (a leaf): every renderer (table, markdown, HTML,
// benchmark table) shares these.
import { printable } from '../inputs/printable.ts';

export function formatMs(ms: number | null): string {
  if (ms === null) return 'n/a';
  if (ms >= 1000) return `${(ms / 1000).toFixed(2)} s`;
  if (ms >= 100) return `${Math.round(ms)} ms`;
  return `${ms.toFixed(1)} ms`;
}

export function formatRate(rate: number | null): string {
  if (rate === null) return 'n/a';
  const p = rate * 100;
  return p === 0 ? '0 %' : p < 0.01 ? '< 0.01 %' : `${p.toFixed(2)} %`;
}

export function formatSeconds(s: number | null): string {
  return s === null ? 'n/a' : `${Number.isInteger(s) ? s : s.toFixed(1)} s`;
}

/** Users' recovery as shown in a table or card: the time, "not judged", or `never` (the caller's wording). */
export function usersRecoveryText(r: { recovered: boolean; userRecoverySeconds: number | null; verdict: string }, never = 'never'): string {
  if (r.recovered) return formatSeconds(r.userRecoverySeconds);
  return r.verdict === 'not-judged' ? 'not judged' : never;
}

/** Markdown table cells cannot hold a pipe or a newline. */
export function mdCell(text: string): string {
  // Cells hold names from run folders and profiles: controls are written out, never obeyed.
  return printable(text.replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/\r?\n/g, ' '));
}
