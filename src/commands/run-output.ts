// What `loadctl run` shows while and after it runs: the pipeline's events
// become spinner text or plain lines, the report becomes a table. The
// optional reports (--junit, $GITHUB_STEP_SUMMARY) are written here too.
import { mkdir, writeFile } from 'node:fs/promises';
import { appendStepSummary } from '../shared/step-summary.ts';
import { dirname, relative } from 'node:path';
import type { Spinner, Ui } from '../ui.ts';
import type { RunEvents } from '../run/pipeline.ts';
import type { RunReport } from '../report/model.ts';
import { renderFigures, renderTable } from '../report/table.ts';
import { renderJunit } from '../report/junit.ts';
import { phasesMarkdown } from '../report/phases-table.ts';
import type { PhasesBlock } from '../report/result-phases.ts';
import type { PrometheusDoc } from '../prometheus/in-run.ts';
import type { CapacityBlock } from '../capacity/analyse.ts';
import type { InvariantsDoc } from '../invariants/in-run.ts';
import { renderMarkdown } from '../report/markdown.ts';
import { renderScriptView, scriptView } from '../report/script-view.ts';
import { k6ExitLine } from '../runners/verdict.ts';
import { formatProgress } from '../k6/progress.ts';
import { describeK6Error, parseK6LogLine } from '../k6/stderr.ts';
import { createConsoleRelay } from '../k6/console.ts';
import { stoppedBeforeLoad } from '../verdict/outcome.ts';

/** Plain (non-TTY) progress lines at most this often, so CI logs stay short. */
const PLAIN_PROGRESS_EVERY_MS = 10_000;

const show = (path: string) => {
  const rel = relative(process.cwd(), path);
  return rel && !rel.startsWith('..') ? rel : path;
};

export function createRunView(ui: Ui, options: { quiet: boolean; verbose?: boolean; cwd?: string }) {
  let spinner: Spinner | undefined;
  let spinnerText = 'k6 starting...';
  let lastPlain = -Infinity;
  // k6's errors before its first progress line are init errors: held, since
  // when one stops k6 the verdict line says it (once, with its place).
  let started = false;
  const held: string[] = [];
  const flushHeld = (except?: string) => {
    for (const line of held.splice(0)) if (line !== except) ui.warn(`k6: ${line}`);
  };
  // A line written under a live spinner would be torn by its next frame:
  // stop it, print, and start it again.
  const above = (print: (line: string) => void) => (line: string) => {
    if (!ui.interactive || !spinner) return print(line);
    spinner.stop();
    print(line);
    spinner = ui.spinner(spinnerText);
  };
  const warn = above((line) => ui.warn(line));
  // The script's console.log and --http-debug, as k6 would show them (throttled).
  const script = createConsoleRelay();
  const say = above((line) => ui.info(line));
  const events: RunEvents = {
    onProfile: (p) => ui.info(p.script && p.file === p.scenarioFile ? `k6 script ${show(p.file)}` : `profile ${p.name} (scenario ${p.scenario}) from ${show(p.file)}`),
    onK6: (k6) => ui.info(`k6 ${k6.version.text} at ${k6.path}`),
    onPreflight: (r) => ui.info(`target ${r.url} answered ${r.status} in ${Math.round(r.ms)} ms`),
    onRunDir: (dir) => ui.info(`run folder ${show(dir)}`),
    onBundle: (b) => {
      ui.info(`bundled ${show(b.scriptPath)} in ${Math.round(b.durationMs)} ms`);
      // k6 runs a script whose types do not check (it only strips them), so loadctl says so and runs it too.
      if (b.typeWarnings) ui.warn(`type problems in the script (k6 runs it anyway; --no-typecheck skips this check):\n${b.typeWarnings.join('\n')}`);
    },
    onSpawn: () => {
      spinner = ui.spinner(spinnerText);
    },
    onProgress: (p, scenarios) => {
      if (!started) {
        started = true;
        if (!options.quiet) flushHeld();
      }
      const percent = scenarios.length > 0 ? Math.min(...scenarios.map((s) => s.percent)) : undefined;
      const text = `k6 ${formatProgress(p, percent)}`;
      spinnerText = text;
      if (ui.interactive) spinner?.update(text);
      else if (!options.quiet && p.elapsedMs - lastPlain >= PLAIN_PROGRESS_EVERY_MS) {
        lastPlain = p.elapsedMs;
        spinner?.update(text);
      }
    },
    onStderrLine: (line) => {
      if (!options.quiet) for (const out of script.line(line, Date.now())) say(out);
      // k6 logs as logfmt; surface its errors as they happen, the rest is in k6.stderr.log.
      const parsed = parseK6LogLine(line);
      if (!parsed || (parsed.level !== 'error' && parsed.level !== 'fatal') || options.quiet) return;
      const text = describeK6Error(parsed.msg, options.cwd ?? process.cwd()).line;
      if (started) warn(`k6: ${text}`);
      else held.push(text);
    },
    onSignal: (signal, as) => {
      warn(as === 'SIGKILL' ? 'stopping k6 now (SIGKILL)' : `${signal}: asking k6 to stop and write its summary (again to force)`);
    },
  };

  return {
    events,
    dryRun(commandLine: string, runDir: string) {
      // The command is the point of --dry-run, so it prints even with --quiet.
      ui.result(commandLine);
      ui.info(`dry run: nothing started; script and command are in ${show(runDir)}`);
    },
    finished(report: RunReport) {
      const ok = report.outcome.status === 'passed';
      const k6Line = k6ExitLine(report.k6, report.runners);
      if (ok) spinner?.succeed(k6Line);
      else spinner?.fail(k6Line);
      if (!options.quiet) for (const line of script.end()) ui.info(line);
      const c = ui.colors;
      const early = stoppedBeforeLoad(report.outcome, report.results !== undefined);
      if (!options.quiet) flushHeld(early ? report.k6.error?.line : undefined);
      if (options.verbose && report.k6.error && report.k6.error.stack.length > 0) {
        ui.info(['k6 stack:', ...report.k6.error.stack.map((f) => `    ${f}`)].join('\n'));
      }
      // The script's own summary, where k6 would have printed it: before the verdict.
      if (report.scriptStdout && !options.quiet) ui.info(`the script's handleSummary printed:\n${report.scriptStdout.replace(/\n$/, '')}`);
      if (!early) {
        ui.result(renderTable(report, { pass: c.green, fail: c.red, dim: c.dim }));
        if (!options.quiet) ui.info(renderFigures(report));
        const script = report.results ? renderScriptView(scriptView({ checks: report.results.checks.list, groups: report.results.groups, metrics: report.results.metrics })) : '';
        if (!options.quiet && script) ui.info(script);
      }
      for (const hint of report.hints ?? []) ui.result(c.yellow(`hint: ${hint}`));
      const verdict = `${ok ? c.green('PASS') : c.red(report.outcome.status.toUpperCase())}: ${report.outcome.reason} (exit ${report.outcome.exitCode})`;
      ui.result(verdict);
      ui.info(`results in ${show(report.runDir)}`);
    },
  };
}

/** `chaos` is the phases block of a run with --chaos (null otherwise); `prometheus` the gates' verdicts. */
export async function writeExtraReports(
  report: RunReport,
  to: { junit?: string; stepSummary?: string; chaos?: PhasesBlock | null; prometheus?: PrometheusDoc; invariants?: InvariantsDoc; capacity?: CapacityBlock },
  warn: (line: string) => void,
): Promise<void> {
  const [{ gateCases, gatesMarkdown }, { invariantCases, invariantsMarkdown }, { capacityCases, capacityMarkdown }] = await Promise.all([
    import('../prometheus/render.ts'), import('../invariants/render.ts'), import('../capacity/render.ts'),
  ]);
  if (to.junit) {
    await mkdir(dirname(to.junit), { recursive: true });
    await writeFile(to.junit, renderJunit(report, to.chaos, [
      ...(to.prometheus ? gateCases(to.prometheus) : []), ...(to.invariants ? invariantCases(to.invariants) : []),
      ...(to.capacity ? capacityCases(to.capacity) : []),
    ]));
  }
  if (to.stepSummary) {
    const phases = to.chaos ? `\n${phasesMarkdown(to.chaos)}\n` : '';
    const gates = (to.prometheus ? `\n${gatesMarkdown(to.prometheus)}\n` : '') + (to.invariants ? `\n${invariantsMarkdown(to.invariants)}\n` : '');
    const capacity = to.capacity ? `${capacityMarkdown(to.capacity)}\n` : '';
    const problem = await appendStepSummary(to.stepSummary, `${capacity}${renderMarkdown(report)}${phases}${gates}`);
    if (problem) warn(problem);
  }
}
