// One self-contained HTML file per run: charts (uPlot, inlined), phases,
// recovery, targets, k6 thresholds and the experiment timeline. Pure: the
// library's text and the clock's reading come in as arguments, so the same
// input always renders the same bytes and the file opens with no network.
import type { Timeline } from '../live/types.ts';
import type { PhaseStats } from '../live/phases.ts';
import type { ExperimentEvent } from './chaos-events.ts';
import { formatMs, formatRate, formatSeconds, usersRecoveryText } from './format.ts';
import { clientScript, type ChartData } from './html-client.ts';
import { gateChartData, gateChartDivs, gatesSection } from './html-gates.ts';
import { invariantsSection } from './html-invariants.ts';
import { capacityBlockOf, capacityChartMarks, capacitySection } from './html-capacity.ts';
import type { RecoveryBlock } from './result-phases.ts';
import { scenarioLabel, type RunRecord } from './run-record.ts';
import { reportCss } from './html-style.ts';
import { checkLabel, type ScriptView } from './script-view.ts';

export interface HtmlAssets {
  /** uPlot's IIFE build (defines the global `uPlot`). */
  uplotJs: string;
  uplotCss: string;
}

export interface HtmlReportInput {
  run: RunRecord;
  /** Extra marks for the experiment timeline (steps, probes), beyond those the fault window gives. */
  events?: ExperimentEvent[];
  /** When the report was made, as text (the caller reads the clock). */
  generatedAt: string;
  assets: HtmlAssets;
}

const entities: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => entities[c] as string);
}

/** Text placed inside <script> or <style>: only a closing tag could end it early. */
function rawText(text: string, tag: 'script' | 'style'): string {
  return text.replace(new RegExp(`</(${tag})`, 'gi'), '<\\/$1');
}

/** JSON inside <script type="application/json">: `<` escaped so no markup can close it. */
function jsonIsland(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
}

const badge = (v: string) => {
  const cls = v === 'pass' ? 'pass' : v === 'fail' ? 'fail' : 'none';
  return `<span class="badge ${cls}">${escapeHtml(v.toUpperCase().replace('-', ' '))}</span>`;
};

export function chartData(timeline: Timeline, run: Pick<RunRecord, 'fault' | 'phases' | 'capacityBlock'>): ChartData {
  const start = timeline.total[0]?.t ?? 0;
  const rel = (ms: number) => ms / 1000 - start;
  const end = (timeline.total[timeline.total.length - 1]?.t ?? start) + 1 - start;
  const r = run.phases?.recovery;
  // A staged run's lines are its capacity limits; a chaos run's its recovery targets.
  const limits = capacityBlockOf(run)?.limits;
  const targets = r?.targets ?? (limits ? { maxP99Ms: limits.p99Ms, maxErrorRate: limits.errorRate } : { maxP99Ms: 2000, maxErrorRate: 0.05 });
  return {
    t: timeline.total.map((s) => s.t - start),
    requests: timeline.total.map((s) => s.requests),
    errorPct: timeline.total.map((s) => (s.requests === 0 ? null : s.errorRate * 100)),
    p50: timeline.total.map((s) => s.p50),
    p95: timeline.total.map((s) => s.p95),
    p99: timeline.total.map((s) => s.p99),
    fault: run.fault ? { from: rel(run.fault.injectedAt), to: rel(run.fault.rolledBackAt) } : null,
    recovery: run.fault && r
      ? { from: rel(run.fault.rolledBackAt), to: r.userRecoveredAt === null ? end : rel(r.userRecoveredAt), recovered: r.recovered }
      : null,
    probes: run.fault?.probesRecoveredAt === undefined ? null : rel(run.fault.probesRecoveredAt),
    targets: { p99Ms: targets.maxP99Ms, errorPct: targets.maxErrorRate * 100 },
    capacity: capacityChartMarks(run, start),
  };
}

/** Only what the charts draw: no fault or recovery entries on a run without chaos. */
export function legendEntries(data: Pick<ChartData, 'fault' | 'recovery' | 'probes' | 'targets' | 'capacity'>): Array<{ key: string; text: string }> {
  const entries: Array<{ key: string; text: string }> = [];
  if (data.capacity && data.capacity.steps.length > 0) entries.push({ key: 'step', text: 'step holds (ramps between; red: the step that broke)' });
  if (data.capacity && data.capacity.breakAt !== null) entries.push({ key: 'line broke', text: 'broke' });
  if (data.fault) entries.push({ key: 'fault', text: 'fault (inject → rollback)' });
  if (data.recovery) entries.push({ key: 'recovery', text: 'recovery (rollback → users recovered)' });
  if (data.probes !== null) entries.push({ key: 'line probes', text: 'containers healthy (probes)' });
  if (data.recovery?.recovered) entries.push({ key: 'line recovered', text: 'users recovered' });
  // The latency axis fits the data, so the p99 line shows only when latency nears it.
  entries.push({ key: 'line target', text: `target (errors ${data.targets.errorPct} %, p99 ${data.targets.p99Ms} ms where in range)` });
  return entries;
}

function legend(data: ChartData): string {
  const entries = legendEntries(data).map((e) => `<span class="entry"><span class="swatch ${e.key}"></span>${escapeHtml(e.text)}</span>`);
  return `<div class="legend">${entries.join('')}</div>`;
}

function table(head: string[], rows: string[][], numericFrom = 1): string {
  const th = head.map((h, i) => `<th${i >= numericFrom && i < head.length - 1 ? ' class="num"' : ''}>${escapeHtml(h)}</th>`).join('');
  const body = rows.map((r) => `<tr>${r.map((c, i) => `<td${i >= numericFrom && i < head.length - 1 ? ' class="num"' : ''}>${c}</td>`).join('')}</tr>`).join('\n');
  return `<table><thead><tr>${th}</tr></thead><tbody>\n${body}\n</tbody></table>`;
}

function card(label: string, value: string, note = '', cls = ''): string {
  return `<div class="card ${cls}"><div class="label">${escapeHtml(label)}</div><div class="value">${escapeHtml(value)}</div>`
    + `${note ? `<div class="note">${escapeHtml(note)}</div>` : ''}</div>`;
}

function cards(run: RunRecord): string {
  const m = run.metrics;
  const r = run.phases?.recovery;
  const out = [
    card('Requests', m.requests === null ? 'n/a' : m.requests.toLocaleString('en-US'), m.requestRate === null ? '' : `${m.requestRate.toFixed(1)} req/s`),
    card('Peak VUs', run.vus === null ? 'n/a' : run.vus.toLocaleString('en-US')),
    card('P99 latency', formatMs(m.p99), `p95 ${formatMs(m.p95)} · p50 ${formatMs(m.p50)}`),
    card('Error rate', formatRate(m.errorRate)),
  ];
  if (typeof run.runners === 'number') out.push(card('k6 runners', String(run.runners), 'figures merged: counts summed, percentiles from merged histograms'));
  if (r) {
    out.push(card('User-visible recovery', usersRecoveryText(r),
      `target < ${r.targetSeconds} s`, r.verdict));
    out.push(card('Container recovery', formatSeconds(r.containerRecoverySeconds), 'from the probes'));
    out.push(card('Users still suffering', r.gapSeconds === null ? 'n/a' : formatSeconds(r.gapSeconds), 'after containers looked healthy'));
  }
  return `<section class="cards">${out.join('')}</section>`;
}

function rel(ms: number, startSec: number | null): string {
  return startSec === null ? '' : `t+${((ms / 1000) - startSec).toFixed(1)} s`;
}

function phasesSection(phases: PhaseStats[], startSec: number | null): string {
  const rows = phases.map((p) => [
    `<span class="phase ${escapeHtml(p.phase)}">${escapeHtml(p.phase)}</span>`,
    escapeHtml(startSec === null ? `${p.from}–${p.to}` : `t+${p.from - startSec} → t+${p.to - startSec} s`),
    String(p.seconds),
    p.requests.toLocaleString('en-US'),
    escapeHtml(formatRate(p.errorRate)),
    escapeHtml(formatMs(p.p95)),
    escapeHtml(formatMs(p.p99)),
    `${badge(p.verdict)} ${escapeHtml(p.reasons.join('; '))}`,
  ]);
  return `<h2>Phases</h2>${table(['Phase', 'Window', 'Seconds', 'Requests', 'Error rate', 'p95', 'p99', 'Verdict'], rows)}
<p class="fine">Phase p95/p99 are request-weighted means of the per-second percentiles (an approximation: exact phase percentiles would need every sample).</p>`;
}

function seriesSection(bySeries: Record<string, PhaseStats[]>): string {
  const keys = Object.keys(bySeries);
  if (keys.length === 0) return '';
  const names = bySeries[keys[0] as string]?.map((p) => p.phase) ?? [];
  const cell = (p: PhaseStats) => p.verdict === 'no-data'
    ? '<span class="fine">no requests</span>'
    : `<span class="${p.verdict}">${escapeHtml(formatRate(p.errorRate))} · ${escapeHtml(formatMs(p.p99))}</span>`;
  const rows = keys.map((k) => [`<code>${escapeHtml(k)}</code>`, ...(bySeries[k] ?? []).map(cell)]);
  // With --runners the series include each runner ("runner:0"): the merged phases above are their sum.
  const what = keys.some((k) => k.startsWith('runner:')) ? 'By endpoint, scenario and runner' : 'By endpoint and scenario';
  return `<h3>${what}: error rate · p99</h3>${table(['Series', ...names], rows, 99)}`;
}

function recoverySection(r: RecoveryBlock): string {
  const t = r.targets;
  return `<h2>Recovery ${badge(r.verdict)}</h2>
<p>${escapeHtml(r.reason)}. Recovered means the first of ${t.consecutiveSeconds} consecutive seconds with error rate &lt; ${escapeHtml(formatRate(t.maxErrorRate))} and p99 &lt; ${escapeHtml(formatMs(t.maxP99Ms))}, counted from the rollback.</p>`;
}

/** A target's figure in its unit: rates as %, counts plain, everything else (trends) in ms. */
function targetValue(stat: string | null, v: number | null): string {
  if (v === null) return 'n/a';
  if (stat === 'rate') return formatRate(v);
  if (stat === 'count' || stat === null) return String(Number(v.toFixed(4)));
  return formatMs(v);
}

function targetsSection(run: RunRecord): string {
  const rows = run.targets.map((t) => [
    `${escapeHtml(t.name)}${t.detail && !t.passed ? `<div class="fine">${escapeHtml(t.detail)}</div>` : ''}`,
    escapeHtml(t.requirement ?? ''),
    escapeHtml(targetValue(t.stat, t.actual)),
    badge(t.passed ? 'pass' : 'fail'),
  ]);
  const r = run.phases?.recovery;
  if (r) rows.push([escapeHtml('user-visible recovery'), escapeHtml(`< ${r.targetSeconds} s`), escapeHtml(usersRecoveryText(r)), badge(r.verdict)]);
  const thresholds = run.thresholds.map((t) => [
    escapeHtml(t.metric), escapeHtml(t.expression),
    t.noSamples ? '<span class="fine">no samples</span>' : escapeHtml(t.figure ?? ''), badge(t.ok ? 'pass' : 'fail'),
  ]);
  return `<h2>Targets</h2>${rows.length ? table(['Target', 'Requirement', 'Actual', 'Verdict'], rows, 2) : '<p class="fine">No targets recorded in this run folder.</p>'}
<h2>k6 thresholds</h2>${thresholds.length ? table(['Metric', 'Threshold', 'Actual', 'Verdict'], thresholds, 2) : '<p class="fine">No k6 thresholds in this run.</p>'}`;
}

/** The script's checks (with group path), groups and custom metrics, as k6's own summary lists them. */
function scriptSection(view: ScriptView | null | undefined): string {
  if (!view || (view.checks.length === 0 && view.groups.length === 0 && view.custom.length === 0)) return '';
  const checks = view.checks.map((c) => [
    escapeHtml(checkLabel(c)), c.passes.toLocaleString('en-US'), c.fails.toLocaleString('en-US'),
    badge(c.fails === 0 ? 'pass' : 'fail'),
  ]);
  const custom = view.custom.map((m) => [`<code>${escapeHtml(m.name)}</code>`, escapeHtml(m.type), escapeHtml(m.figures)]);
  return `<h2>Checks, groups and custom metrics</h2>
${checks.length ? table(['Check', 'Passed', 'Failed', 'Verdict'], checks) : '<p class="fine">No checks in this run.</p>'}
${view.groups.length ? `<p>Groups: ${view.groups.map((g) => `<code>${escapeHtml(g)}</code>`).join(', ')}</p>` : ''}
${custom.length ? `<h3>Custom metrics</h3>${table(['Metric', 'Type', 'Figures'], custom, 99)}` : ''}`;
}

export function experimentEvents(run: RunRecord, extra: readonly ExperimentEvent[] = []): ExperimentEvent[] {
  const events = [...run.events, ...extra];
  const f = run.fault;
  const total = run.timeline?.total;
  if (total && total.length > 0) {
    events.push({ at: (total[0]?.t ?? 0) * 1000, label: 'load: first second of data' });
    events.push({ at: ((total[total.length - 1]?.t ?? 0) + 1) * 1000, label: 'load: last second of data' });
  }
  // The engine's own events, when the run kept them, already say when it injected and rolled back.
  if (f && run.events.length === 0) {
    events.push({ at: f.injectedAt, label: `${f.experiment}: fault injected` });
    events.push({ at: f.rolledBackAt, label: `${f.experiment}: rolled back` });
    if (f.probesRecoveredAt !== undefined) events.push({ at: f.probesRecoveredAt, label: 'probes: containers healthy' });
  }
  const r = run.phases?.recovery;
  if (r?.userRecoveredAt != null) {
    events.push({ at: r.userRecoveredAt, label: r.userRecoveryResolution === 'request' ? 'users: first success after the outage' : 'users: first healthy second of the recovered run' });
  }
  return events.sort((a, b) => a.at - b.at);
}

export function renderHtmlReport(input: HtmlReportInput): string {
  const { run, assets } = input;
  const startSec = run.timeline?.total[0]?.t ?? null;
  const title = `loadctl report: ${scenarioLabel(run)}`;
  const gateCharts = run.gates && run.timeline && startSec !== null ? gateChartData(run.gates, startSec, run.timeline.total.length) : [];
  const data = run.timeline && run.timeline.total.length > 0 ? chartData(run.timeline, run) : undefined;
  const charts = data
    ? `<h2>Over time</h2>
${legend(data)}
<h3>Request rate</h3><div class="chart" id="chart-rate"></div>
<h3>Error rate</h3><div class="chart" id="chart-errors"></div>
<h3>Latency p50 / p95 / p99</h3><div class="chart" id="chart-latency"></div>
${gateChartDivs(gateCharts, escapeHtml)}
<script type="application/json" id="report-data">${jsonIsland({ ...data, gates: gateCharts })}</script>
<script>${rawText(assets.uplotJs, 'script')}</script>
<script>${rawText(clientScript, 'script')}</script>`
    : '<h2>Over time</h2><p class="fine">No per-second timeline in this run folder (timeline.json), so no charts.</p>';
  const events = experimentEvents(run, input.events);
  const timelineRows = events.map((e) => [escapeHtml(rel(e.at, startSec)), escapeHtml(new Date(e.at).toISOString()), escapeHtml(e.label)]);
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>${rawText(assets.uplotCss, 'style')}</style>
<style>${reportCss}</style>
</head><body><main>
<header><h1>${escapeHtml(title)} ${badge(run.verdict === 'unknown' ? 'no-data' : run.verdict)}</h1>
<p class="sub">${escapeHtml(run.dir)} · generated ${escapeHtml(input.generatedAt)}</p></header>
${cards(run)}
${capacitySection(run, { escape: escapeHtml, badge, table, ms: formatMs, rate: formatRate })}
${charts}
${run.phases ? phasesSection(run.phases.phases, startSec) + seriesSection(run.phases.phasesBySeries) + recoverySection(run.phases.recovery) : ''}
${run.gates ? gatesSection(run.gates, { escape: escapeHtml, badge, table }) : ''}
${run.invariants ? invariantsSection(run.invariants, { escape: escapeHtml, badge, table }) : ''}
${targetsSection(run)}
${scriptSection(run.script)}
<h2>Experiment timeline</h2>${timelineRows.length ? table(['When', 'Time (UTC)', 'Event'], timelineRows, 3) : '<p class="fine">No experiment in this run.</p>'}
</main></body></html>
`;
}
