// The script that runs inside report.html: draws the three charts with the
// inlined uPlot from the JSON island, shading the fault window and recovery.
// Plain ES5-ish text so any browser opens the file offline; no imports.

/** The JSON island the client reads; times are seconds since the first second. */
export interface ChartData {
  t: number[];
  requests: number[];
  errorPct: Array<number | null>;
  p50: Array<number | null>;
  p95: Array<number | null>;
  p99: Array<number | null>;
  fault: { from: number; to: number } | null;
  recovery: { from: number; to: number; recovered: boolean } | null;
  probes: number | null;
  targets: { p99Ms: number; errorPct: number };
  /** A staged run's step holds and break (report/html-capacity.ts). */
  capacity?: import('./html-capacity.ts').CapacityChartMarks | null;
  /** Prometheus gate charts on the same axis (report/html-gates.ts). */
  gates?: import('./html-gates.ts').GateChartData[];
}

export const clientScript = String.raw`(function () {
  'use strict';
  var data = JSON.parse(document.getElementById('report-data').textContent);
  var charts = [];
  var FAULT = 'rgba(220, 38, 38, 0.13)';
  var RECOVERY = 'rgba(245, 158, 11, 0.18)';
  var STEP = 'rgba(37, 99, 235, 0.08)';
  var STEP_BROKE = 'rgba(220, 38, 38, 0.10)';

  function shade(u) {
    var ctx = u.ctx, top = u.bbox.top, height = u.bbox.height;
    function band(b, colour) {
      if (!b) return;
      var x0 = u.valToPos(b.from, 'x', true), x1 = u.valToPos(b.to, 'x', true);
      ctx.save();
      ctx.fillStyle = colour;
      ctx.fillRect(x0, top, Math.max(x1 - x0, 2), height);
      ctx.restore();
    }
    if (data.capacity) {
      data.capacity.steps.forEach(function (s) {
        band(s, s.broke ? STEP_BROKE : STEP);
        ctx.save();
        ctx.fillStyle = '#374151'; ctx.font = (11 * devicePixelRatio) + 'px sans-serif';
        ctx.fillText(s.label, u.valToPos(s.from, 'x', true) + 3 * devicePixelRatio, top + 12 * devicePixelRatio);
        ctx.restore();
      });
    }
    band(data.fault, FAULT);
    band(data.recovery, RECOVERY);
  }

  function marks(u, target) {
    var ctx = u.ctx, b = u.bbox;
    function vline(x, colour, dash) {
      if (x === null || x === undefined) return;
      var px = u.valToPos(x, 'x', true);
      ctx.save();
      ctx.strokeStyle = colour; ctx.lineWidth = 1.5 * devicePixelRatio; ctx.setLineDash(dash);
      ctx.beginPath(); ctx.moveTo(px, b.top); ctx.lineTo(px, b.top + b.height); ctx.stroke();
      ctx.restore();
    }
    if (data.capacity && data.capacity.breakAt !== null) vline(data.capacity.breakAt, '#b91c1c', []);
    if (data.probes !== null) vline(data.probes, '#2563eb', [4 * devicePixelRatio, 3 * devicePixelRatio]);
    if (data.recovery && data.recovery.recovered) vline(data.recovery.to, '#16a34a', []);
    if (target !== undefined && target <= u.scales.y.max) {
      var py = u.valToPos(target, 'y', true);
      ctx.save();
      ctx.strokeStyle = '#6b7280'; ctx.lineWidth = devicePixelRatio; ctx.setLineDash([6 * devicePixelRatio, 4 * devicePixelRatio]);
      ctx.beginPath(); ctx.moveTo(b.left, py); ctx.lineTo(b.left + b.width, py); ctx.stroke();
      ctx.restore();
    }
  }

  function round(v) { return Math.round(v * 100) / 100; }
  function fmt(unit) {
    return function (u, v) { return v === null || v === undefined ? '' : round(v) + ' ' + unit; };
  }

  // The y axis fits the data, not the target: 20 ms of latency under a 2 s
  // target must not be a flat line at the bottom. Only where the target is
  // the point (errors, in per cent) is it always in view.
  function topOf(max, target, showTarget) {
    var top = Math.max(max * 1.15, 1);
    return showTarget && target ? Math.max(top, target * 1.3) : top;
  }

  function chart(id, unit, series, values, target, o) {
    var el = document.getElementById(id);
    if (!el) return;
    o = o || {};
    var ticks = { x: [], y: [] };
    function labels(axis, suffix) {
      return function (u, splits) {
        ticks[axis] = splits.map(function (v) { return v === null ? '' : round(v) + suffix; });
        return ticks[axis];
      };
    }
    var opts = {
      width: Math.max(el.clientWidth, 320),
      height: 230,
      scales: { x: { time: false }, y: { range: function (u, min, max) { return [0, topOf(max, target, o.targetInView)]; } } },
      axes: [
        // Whole seconds: the data has one point per second.
        { label: 'seconds since start', stroke: '#374151', grid: { stroke: '#eef0f3' }, incrs: [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600], values: labels('x', '') },
        { label: o.axisLabel || unit, stroke: '#374151', size: 64, grid: { stroke: '#eef0f3' }, values: labels('y', o.tickSuffix || '') }
      ],
      series: [{ label: 'time', value: fmt('s') }].concat(series.map(function (s) {
        return { label: s.label, stroke: s.colour, width: 2, fill: s.fill, value: fmt(unit), spanGaps: false, points: { show: false } };
      })),
      hooks: { drawClear: [shade], draw: [function (u) { marks(u, target); }] },
      cursor: { drag: { x: true, y: false } }
    };
    var u = new uPlot(opts, [data.t].concat(values), el);
    charts.push({ id: id, plot: u, ticks: ticks });
  }

  chart('chart-rate', 'req/s', [{ label: 'requests/s', colour: '#2563eb', fill: 'rgba(37, 99, 235, 0.08)' }], [data.requests]);
  chart('chart-errors', '%', [{ label: 'error rate', colour: '#dc2626', fill: 'rgba(220, 38, 38, 0.08)' }], [data.errorPct], data.targets.errorPct,
    { targetInView: true, tickSuffix: ' %', axisLabel: 'errors' });
  chart('chart-latency', 'ms', [
    { label: 'p50', colour: '#16a34a' },
    { label: 'p95', colour: '#f59e0b' },
    { label: 'p99', colour: '#dc2626' }
  ], [data.p50, data.p95, data.p99], data.targets.p99Ms);

  var PALETTE = ['#7c3aed', '#0891b2', '#db2777', '#65a30d', '#ea580c', '#475569'];
  (data.gates || []).forEach(function (g) {
    chart(g.id, '', g.series.map(function (s, i) { return { label: s.label, colour: PALETTE[i % PALETTE.length] }; }),
      g.series.map(function (s) { return s.values; }), g.limit);
  });

  window.addEventListener('resize', function () {
    charts.forEach(function (c) {
      var el = document.getElementById(c.id);
      c.plot.setSize({ width: Math.max(el.clientWidth, 320), height: 230 });
    });
  });
  // For the report's own tests and for anyone poking at the page.
  window.loadctlReport = { data: data, charts: charts };
})();`;
