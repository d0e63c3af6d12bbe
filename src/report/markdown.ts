// Markdown for $GITHUB_STEP_SUMMARY: the verdict, the target table, the k6
// thresholds and the headline figures. Pure.
import type { RunReport } from './model.ts';
import { formatTargetValue } from '../verdict/judge.ts';
import { renderFigures, thresholdWords } from './table.ts';

const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');

export function renderMarkdown(report: RunReport): string {
  const { outcome, verdict } = report;
  const icon = outcome.status === 'passed' ? '✅' : outcome.status === 'failed' ? '❌' : '⚠️';
  const lines = [
    `### ${icon} loadctl run \`${report.profile.name}\`${report.runners ? ` over ${report.runners.count} runners` : ''}: ${outcome.status.toUpperCase()} (exit ${outcome.exitCode})`,
    '',
    cell(outcome.reason),
    '',
  ];
  if (verdict.targets.length > 0) {
    lines.push('| Target | Limit | Actual | Result |', '|---|---|---|---|');
    for (const t of verdict.targets) {
      const limit = `${t.key} ${t.target.stat} ${t.target.op} ${formatTargetValue(t.target, t.target.value)}`;
      const actual = t.actual === undefined ? t.detail : formatTargetValue(t.target, t.actual);
      lines.push(`| ${cell(t.target.name)} | \`${cell(limit)}\` | ${cell(actual)} | ${t.ok ? 'PASS' : '**FAIL**'} |`);
    }
    lines.push('');
  }
  if (verdict.thresholds.length > 0) {
    lines.push('| k6 threshold | Actual | Result |', '|---|---|---|');
    for (const th of verdict.thresholds) lines.push(`| \`${cell(`${th.metric}: ${th.expression}`)}\` | ${cell(thresholdWords(th))} | ${th.ok ? 'PASS' : '**FAIL**'} |`);
    lines.push('');
  }
  lines.push('```', renderFigures(report), '```', '');
  return `${lines.join('\n')}\n`;
}
