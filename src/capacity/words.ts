// The capacity answer in words: one line for the top of every output, and
// the figures as people read them ("1,000 VUs", "812 req/s", "2.8 s",
// "0.1 %"). Pure.
import type { CapacityBlock, StepFigures } from './types.ts';
import type { LoadUnit } from './plan.ts';

const whole = (n: number) => Math.round(n).toLocaleString('en-US');

/** "1,000 VUs", "40 iterations/s". */
export function levelText(level: number, unit: LoadUnit): string {
  const n = Number.isInteger(level) ? level.toLocaleString('en-US') : level.toLocaleString('en-US', { maximumFractionDigits: 2 });
  return `${n} ${unit}`;
}

/** "812 req/s"; a rate under 10 keeps one decimal. */
export function rateText(perSecond: number): string {
  return perSecond < 10 ? `${perSecond.toFixed(1)} req/s` : `${whole(perSecond)} req/s`;
}

/** "340 ms", "2.8 s", "2 s". */
export function msText(ms: number | null): string {
  if (ms === null) return 'n/a';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  return `${Number((ms / 1000).toFixed(2))} s`;
}

/** "0.1 %", "12 %", "0 %". */
export function percentText(share: number): string {
  return `${Number((share * 100).toFixed(share < 0.01 ? 2 : 1))} %`;
}

/** "p99 2.8 s > 2 s", "errors 12 % > 5 %". */
export function reasonText(what: 'p99' | 'p95' | 'errors', value: number, limit: number): string {
  if (what === 'errors') return `errors ${percentText(value)} > ${percentText(limit)}`;
  return `${what} ${msText(value)} > ${msText(limit)}`;
}

function stepSummary(s: Pick<StepFigures, 'requestRate' | 'p99' | 'errorRate'>): string {
  return `${rateText(s.requestRate)}, p99 ${msText(s.p99)}, ${percentText(s.errorRate)} errors`;
}

export function answerLine(b: Omit<CapacityBlock, 'answer'>, feed = true): string {
  const unit = b.unit;
  if (b.verdict === 'no-data') {
    return feed
      ? 'capacity unknown: the live feed timed no HTTP request in any step (a script without HTTP requests, or k6 could not push to loadctl)'
      : 'capacity unknown: --no-live turned off the live feed the steps are judged from (drop --no-live)';
  }
  const parts: string[] = [];
  if (b.broke) {
    const stable = b.stableUpTo ? `stable up to ${levelText(b.stableUpTo.level, unit)} (${stepSummary(b.stableUpTo)}); ` : 'no stable step; ';
    const first = b.stableUpTo === null && b.broke.step === 1 ? 'the first step, ' : '';
    const where = b.broke.during === 'ramp'
      ? `broke on the ramp to step ${b.broke.step}, at about ${levelText(b.broke.level, unit)}, ${b.broke.afterSeconds} s into the ramp`
      : `broke at ${first}${levelText(b.broke.level, unit)}, ${b.broke.afterSeconds} s into the step`;
    parts.push(`${stable}${where}: ${b.broke.reasons.join(', ')}`);
  } else {
    const reached = b.steps.filter((s) => s.verdict === 'pass');
    const top = reached.at(-1)!;
    const planned = b.steps.at(-1)!;
    let line = `did not break up to ${levelText(top.level, unit)} (${stepSummary(top)})`;
    if (top.index !== planned.index) line += `; the run ended before ${levelText(b.steps[top.index]!.level, unit)} was held`;
    else if (top.cutShort) line += '; the run ended before the step\'s hold did';
    parts.push(line);
  }
  if (b.knee) {
    const load = b.knee.level / b.knee.previousLevel;
    parts.push(`knee at ${levelText(b.knee.level, unit)}: ${Number(load.toFixed(1))}× the load gave ${rateText(b.knee.requestRate)} (was ${rateText(b.knee.previousRequestRate)})`);
  }
  return parts.join('; ');
}
