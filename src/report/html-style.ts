// The report's own stylesheet, kept apart from the markup so html.ts stays readable.
export const reportCss = `
:root { --fg: #111827; --muted: #6b7280; --line: #e5e7eb; --bg: #f8fafc; --pass: #15803d; --fail: #b91c1c; }
* { box-sizing: border-box; }
body { margin: 0; background: var(--bg); color: var(--fg); font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; }
main { max-width: 1120px; margin: 0 auto; padding: 24px 28px 48px; }
header h1 { font-size: 22px; margin: 0 0 4px; display: flex; align-items: center; gap: 10px; }
.sub { color: var(--muted); margin: 0 0 18px; word-break: break-all; }
h2 { font-size: 17px; margin: 30px 0 10px; display: flex; align-items: center; gap: 8px; }
h3 { font-size: 13px; margin: 16px 0 4px; color: var(--muted); font-weight: 600; text-transform: uppercase; letter-spacing: .04em; }
.cards { display: grid; grid-template-columns: repeat(auto-fill, minmax(132px, 1fr)); gap: 10px; }
.card { background: #fff; border: 1px solid var(--line); border-radius: 8px; padding: 10px 12px; }
.card .label { color: var(--muted); font-size: 12px; }
.card .value { font-size: 20px; font-weight: 600; margin-top: 2px; }
.card .note { color: var(--muted); font-size: 12px; }
.card.pass { border-left: 4px solid var(--pass); }
.card.fail { border-left: 4px solid var(--fail); }
.chart { background: #fff; border: 1px solid var(--line); border-radius: 8px; padding: 8px 4px 0; min-height: 240px; }
.legend { display: flex; flex-wrap: wrap; align-items: center; gap: 6px 14px; color: var(--muted); font-size: 12px; }
.legend .entry { display: inline-flex; align-items: center; gap: 6px; }
.swatch { display: inline-block; width: 18px; height: 12px; border-radius: 2px; vertical-align: middle; }
.swatch.fault { background: rgba(220, 38, 38, 0.25); }
.swatch.recovery { background: rgba(245, 158, 11, 0.3); }
.swatch.step { background: rgba(37, 99, 235, 0.18); }
.swatch.broke { border-color: #b91c1c; }
.answer { font-weight: 600; }
.swatch.line { height: 0; border-top: 2px solid; border-radius: 0; }
.swatch.probes { border-color: #2563eb; border-top-style: dashed; }
.swatch.recovered { border-color: #16a34a; }
.swatch.target { border-color: #6b7280; border-top-style: dashed; }
table { width: 100%; border-collapse: collapse; background: #fff; border: 1px solid var(--line); border-radius: 8px; overflow: hidden; }
th, td { text-align: left; padding: 7px 10px; border-bottom: 1px solid var(--line); vertical-align: top; }
th { background: #f1f5f9; font-size: 12px; color: #374151; font-weight: 600; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
tr:last-child td { border-bottom: 0; }
.badge { display: inline-block; font-size: 11px; font-weight: 700; padding: 2px 7px; border-radius: 10px; letter-spacing: .03em; }
.badge.pass { background: #dcfce7; color: var(--pass); }
.badge.fail { background: #fee2e2; color: var(--fail); }
.badge.none { background: #e5e7eb; color: #374151; }
.phase { font-weight: 600; }
.phase.fault { color: var(--fail); }
.phase.recovery { color: #b45309; }
span.fail { color: var(--fail); font-weight: 600; }
code { font: 12px ui-monospace, SFMono-Regular, Menlo, monospace; }
.fine { color: var(--muted); font-size: 12px; }
.uplot .u-legend { font-size: 12px; }
`;
