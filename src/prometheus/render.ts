// The gates in each text output: console lines, the step summary's markdown,
// JUnit testcases. Pure. (The HTML report's section is report/html-gates.ts.)
import type { GateResult } from './gates.ts';
import type { PrometheusDoc } from './in-run.ts';

const word: Record<GateResult['status'], string> = {
  pass: 'PASS', fail: 'FAIL', 'missing-metric': 'FAIL (no metric)', skipped: 'SKIPPED', error: 'ERROR',
};

/** One line on the live gates: the one that stopped the run, or what they saw. */
export function liveLine(doc: PrometheusDoc): string | null {
  const live = doc.live;
  if (!live) return null;
  if (live.reason) return `live gate STOPPED THE RUN: ${live.reason}`;
  const e = live.evaluations;
  return `live gates held (${live.gates.join(', ')}): ${e.pass + e.fail + e['no-data'] + e.unanswered} evaluations every ${live.everySeconds} s, ${e.fail} failing, never ${live.failures} in a row${e.unanswered > 0 ? `; ${e.unanswered} unanswered by Prometheus` : ''}`;
}

export function gateLines(doc: PrometheusDoc): string[] {
  const lines = doc.gates.map((g) => `gate ${word[g.status]} ${g.name}${g.abortOnFail ? ' (live)' : ''}: ${g.reason}`);
  const live = liveLine(doc);
  if (live) lines.push(live);
  if (!doc.caughtUp) lines.push(`gates: Prometheus at ${doc.url} had not scraped the last seconds of the run when they were judged`);
  return lines;
}

const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');

export function gatesMarkdown(doc: PrometheusDoc): string {
  const lines = [`**Prometheus gates** (${cell(doc.url)})`, '', '| Gate | PromQL | Phases | Result |', '|---|---|---|---|'];
  for (const g of doc.gates) {
    const result = g.status === 'pass' ? 'PASS' : g.failed ? `**${word[g.status]}**: ${cell(g.reason)}` : `${word[g.status]}: ${cell(g.reason)}`;
    lines.push(`| ${cell(g.name)}${g.abortOnFail ? ' (live)' : ''} | \`${cell(g.expression)}\` | ${g.scopes.join(', ')} | ${result} |`);
  }
  const live = liveLine(doc);
  if (live) lines.push('', doc.live?.reason ? `**${cell(live)}**` : cell(live));
  return `${lines.join('\n')}\n`;
}

export interface GateCase { classname: string; name: string; failure?: { message: string; body: string }; error?: { message: string } }

/** One testcase per gate; a skipped default gate is a passing case that says so in its name. */
export function gateCases(doc: PrometheusDoc): GateCase[] {
  const abort = doc.live?.abort;
  const stopped: GateCase[] = abort && doc.live?.reason ? [{
    classname: 'loadctl.prometheus', name: `live: ${abort.gate} stopped the run`,
    failure: { message: doc.live.reason, body: [doc.live.reason, ...abort.streak.map((e) => `${e.window} ${new Date(e.at * 1000).toISOString()} ${e.worst?.value}`)].join('\n') },
  }] : [];
  return [...stopped, ...doc.gates.map((g) => {
    const name = `${g.name}: ${g.expression} [${g.scopes.join(', ')}]${g.status === 'skipped' ? ' (skipped)' : ''}`;
    if (g.status === 'error') return { classname: 'loadctl.prometheus', name, error: { message: g.reason } };
    if (!g.failed) return { classname: 'loadctl.prometheus', name };
    const breaches = g.windows.flatMap((w) => w.breaches.map((b) => `${w.window} ${new Date(b.at * 1000).toISOString()} ${b.value}`));
    return { classname: 'loadctl.prometheus', name, failure: { message: g.reason, body: [g.reason, ...breaches].join('\n') } };
  })];
}
