// The words `stack up` and `stack status` use for a stack broken on purpose
// (src/sandbox/breaks.ts): loud, naming each mode, its container and the
// invariant it breaks, and what a mode switched off leaves behind. Pure.
import { BREAK_INVARIANT, type BreakMode } from '../sandbox/breaks.ts';
import type { ContainerPlan } from './definition.ts';

/** What a mode leaves in the data after it is switched off: the stack is not clean again by itself. */
const leftover: Readonly<Record<BreakMode, string>> = {
  'double-sell': 'the seats it sold twice stay in PostgreSQL (no-double-sale reads them as broken before the next load)',
  'lose-confirms': 'the confirmations it lost stay lost (those rows stay HELD)',
  'lock-leak': 'its day-long seat locks stay in Redis (locks-expire reads them as broken; those seats stay unbookable)',
  'backlog-stall': 'the events it never acknowledged stay pending in the stream (the lag stays above its old baseline)',
};

const isMode = (m: string): m is BreakMode => m in leftover;

/** "BROKEN ON PURPOSE: double-sell (lct-booking-service), ...; these shipped invariants will fail: no-double-sale, ..." */
export function brokenSummary(broken: ReadonlyArray<{ container: string; breaks: readonly string[] }>): string {
  const modes = broken.flatMap((b) => b.breaks);
  const invariants = modes.filter(isMode).map((m) => BREAK_INVARIANT[m]);
  return `BROKEN ON PURPOSE: ${broken.map((b) => `${b.breaks.join(', ')} (${b.container})`).join(', ')}; `
    + `these shipped invariants will fail: ${invariants.join(', ') || 'none known'}`;
}

/** Warnings after containers were recreated for other break modes: in-memory users gone, damage left behind. */
export function breakLines(recreated: ReadonlyArray<{ name: string; breaksBefore: readonly string[]; breaksNow: readonly string[] }>, containers: readonly Pick<ContainerPlan, 'name' | 'service'>[], baseUrl: string): string[] {
  const lines: string[] = [];
  let left = false;
  for (const r of recreated) {
    const service = containers.find((c) => c.name === r.name)?.service;
    if (service === 'booking-service') lines.push(`${r.name} was recreated: its users lived in its memory; create them again: loadctl setup-users --count N --base-url ${baseUrl}`);
    for (const mode of r.breaksBefore.filter((m) => isMode(m) && !r.breaksNow.includes(m)) as BreakMode[]) {
      lines.push(`${mode} is off now, but ${leftover[mode]}`);
      left = true;
    }
  }
  if (left) lines.push('for a clean stack: loadctl stack down, then loadctl stack up');
  return lines;
}
