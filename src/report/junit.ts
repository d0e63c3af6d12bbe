// JUnit XML for CI test tabs: one testcase per target and per k6 threshold,
// plus one for the k6 run itself when it did not finish normally.
import type { RunReport } from './model.ts';
import { describeTarget } from '../verdict/judge.ts';
import type { PhasesBlock } from './result-phases.ts';
import { runnersText } from './runners-text.ts';

export function escapeXml(text: string): string {
  return text
    // XML 1.0 forbids most control characters even when escaped.
    // eslint-disable-next-line no-control-regex
    .replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F]/g, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

export interface Case { classname: string; name: string; failure?: { message: string; body: string }; error?: { message: string }; skipped?: { message: string } }

function caseXml(c: Case): string {
  const open = `    <testcase classname="${escapeXml(c.classname)}" name="${escapeXml(c.name)}" time="0"`;
  if (c.failure) return `${open}>\n      <failure message="${escapeXml(c.failure.message)}" type="target">${escapeXml(c.failure.body)}</failure>\n    </testcase>`;
  if (c.error) return `${open}>\n      <error message="${escapeXml(c.error.message)}" type="k6"/>\n    </testcase>`;
  if (c.skipped) return `${open}>\n      <skipped message="${escapeXml(c.skipped.message)}"/>\n    </testcase>`;
  return `${open}/>`;
}

/**
 * Chaos under load: users' recovery is judged (as in the exit code); the
 * phases are figures, not gates (the fault phase is meant to hurt).
 */
function recoveryCase(block: PhasesBlock): Case {
  const r = block.recovery;
  return {
    classname: 'loadctl.recovery',
    name: `${r.experiment}: users recovered within ${r.targetSeconds} s`,
    ...(r.verdict === 'not-judged' ? { skipped: { message: r.reason } }
      : r.verdict === 'fail' ? { failure: { message: r.reason, body: `${r.experiment}: ${r.reason}` } } : {}),
  };
}

/** `extra`: the system checks' testcases (Prometheus gates, invariants), already shaped. */
export function renderJunit(report: RunReport, chaos?: PhasesBlock | null, extra: readonly Case[] = []): string {
  const cases: Case[] = [];
  const { outcome } = report;
  if (outcome.status !== 'passed' && outcome.status !== 'failed') {
    cases.push({ classname: 'loadctl.run', name: `k6 run ${report.profile.name}`, error: { message: outcome.reason } });
  }
  for (const t of report.verdict.targets) {
    cases.push({
      classname: 'loadctl.targets',
      name: `${t.target.name}: ${describeTarget(t.target)}`,
      failure: t.ok ? undefined : { message: t.detail, body: `${t.key}: ${t.detail}` },
    });
  }
  for (const th of report.verdict.thresholds) {
    cases.push({
      classname: 'k6.thresholds',
      name: `${th.metric}: ${th.expression}`,
      failure: th.ok ? undefined : th.missing
        ? { message: 'threshold not reported by k6', body: `${th.metric}: ${th.expression} is declared but k6 did not report it` }
        : th.noSamples
          ? { message: 'no samples', body: `${th.metric}: ${th.expression}: the metric got no sample, so nothing was judged (allow it with --allow-no-samples '${th.metric}')` }
          : { message: `threshold crossed${th.figure ? `: ${th.figure}` : ''}`, body: `${th.metric}: ${th.expression} was crossed${th.figure ? ` (${th.figure})` : ''}` },
    });
  }
  if (report.runners) {
    const b = report.runners;
    cases.push({
      classname: 'loadctl.runners',
      name: `${b.count} runners (${b.placement}) ran their slices to the end; figures merged`,
      failure: b.failure ? { message: b.failure, body: runnersText(b) } : undefined,
    });
  }
  if (chaos) cases.push(recoveryCase(chaos));
  cases.push(...extra);
  const failures = cases.filter((c) => c.failure).length;
  const errors = cases.filter((c) => c.error).length;
  const skipped = cases.filter((c) => c.skipped).length;
  const seconds = (report.k6.durationMs / 1000).toFixed(3);
  const over = report.runners ? ` over ${report.runners.count} runners` : '';
  const suite = `  <testsuite name="loadctl run ${escapeXml(report.profile.name)}${escapeXml(over)}" tests="${cases.length}" failures="${failures}" errors="${errors}" skipped="${skipped}" time="${seconds}" timestamp="${escapeXml(report.startedAt)}">`;
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="loadctl" tests="${cases.length}" failures="${failures}" errors="${errors}" time="${seconds}">`,
    suite,
    ...cases.map(caseXml),
    '  </testsuite>',
    '</testsuites>',
    '',
  ].join('\n');
}
