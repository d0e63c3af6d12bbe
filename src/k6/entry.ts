// The generated entry module esbuild bundles around a scenario or a user's k6
// script. Pure: returns source text. It re-exports the module (default, setup,
// teardown, exec functions), merges loadctl's options over the module's own
// (a profile's scenario shape replaces the module's; a script that keeps its
// own shape only gets thresholds and trend stats added) and wraps
// handleSummary so the verdict gets k6's summary data as JSON at
// $LOADCTL_SUMMARY_PATH.
import { SUMMARY_TREND_STATS } from '../profiles/resolve.ts';

export const SUMMARY_PATH_ENV = 'LOADCTL_SUMMARY_PATH';
/** Where the entry copies what the script's own handleSummary sends to stdout, so loadctl can print it. */
export const SCRIPT_STDOUT_ENV = 'LOADCTL_SCRIPT_STDOUT_PATH';
/** Where a script's entry writes k6's consolidated options (exec.test.options), CLI overrides applied. */
export const OPTIONS_PATH_ENV = 'LOADCTL_OPTIONS_PATH';

export interface EntryShape {
  /** The module exports a default function (a script with only `exec` scenarios may not). Default true. */
  hasDefault?: boolean;
  /** Also write k6's consolidated options to $LOADCTL_OPTIONS_PATH (needs k6/execution, so not for Node tests). */
  testOptions?: boolean;
}

/**
 * ES2017 source (no spread in object literals, no optional chaining): k6
 * before v0.52 sends ES modules through its Babel 6, which parses little more.
 */
export function entrySource(scenarioFile: string, k6Options: Record<string, unknown>, sideEffectImports: readonly string[] = [], shape: EntryShape = {}): string {
  const spec = JSON.stringify(scenarioFile);
  const extra = sideEffectImports.map((file) => `import ${JSON.stringify(file)};\n`).join('');
  const exec = shape.testOptions ? `import exec from 'k6/execution';\n` : '';
  return `${extra}${exec}import * as scenario from ${spec};
export * from ${spec};

var profileOptions = ${JSON.stringify(k6Options)};
var trendStats = ${JSON.stringify(SUMMARY_TREND_STATS)};

function mergeThresholds(own, profile) {
  var out = {};
  [own || {}, profile || {}].forEach(function (source) {
    Object.keys(source).forEach(function (metric) {
      out[metric] = (out[metric] || []).concat(source[metric]);
    });
  });
  return out;
}

// The percentiles thresholds compare, so the summary has the figure to show beside held/crossed.
function thresholdPercentiles(thresholds) {
  var out = [];
  Object.keys(thresholds).forEach(function (metric) {
    [].concat(thresholds[metric]).forEach(function (t) {
      var expression = typeof t === 'string' ? t : t && t.threshold;
      var m = typeof expression === 'string' ? /^\s*(p\(\s*[0-9.]+\s*\))/.exec(expression) : null;
      if (m) out.push(m[1].replace(/\s+/g, ''));
    });
  });
  return out;
}
// k6 refuses stages, vus/duration or iterations beside scenarios, so a
// profile's scenario replaces the module's whole shape, not just its scenarios.
var SHAPE_KEYS = ['scenarios', 'stages', 'vus', 'duration', 'iterations'];

function mergeOptions(own, profile) {
  var base = Object.assign({}, own || {});
  if (profile.scenarios) SHAPE_KEYS.forEach(function (k) { delete base[k]; });
  var out = Object.assign(base, profile);
  out.thresholds = mergeThresholds(own && own.thresholds, profile.thresholds);
  var stats = [];
  [(own && own.summaryTrendStats) || [], profile.summaryTrendStats || [], trendStats, thresholdPercentiles(out.thresholds)].forEach(function (list) {
    list.forEach(function (s) { if (stats.indexOf(s) < 0) stats.push(s); });
  });
  out.summaryTrendStats = stats;
  return out;
}

export var options = mergeOptions(scenario.options, profileOptions);

${shape.hasDefault === false ? '' : 'export default scenario.default;\n'}
function addSummary(result, data) {
  var out = Object.assign({}, result && typeof result === 'object' ? result : {});
  var path = __ENV.${SUMMARY_PATH_ENV};
  if (path) out[path] = JSON.stringify(data);
  // k6 writes "stdout" to its stdout (a file under loadctl); a copy lets loadctl print it after the run.
  var stdoutCopy = __ENV.${SCRIPT_STDOUT_ENV};
  if (stdoutCopy && typeof out.stdout === 'string') out[stdoutCopy] = out.stdout;
${shape.testOptions ? optionsDump : ''}  return out;
}

// k6 calls this once at the end. The scenario's own handleSummary, if any,
// still runs and keeps its outputs; loadctl only adds its JSON file.
export function handleSummary(data) {
  var own = typeof scenario.handleSummary === 'function' ? scenario.handleSummary(data) : undefined;
  if (own && typeof own.then === 'function') return own.then(function (r) { return addSummary(r, data); });
  return addSummary(own, data);
}
`;
}

// exec.test.options is what k6 ran: the script's options with the command
// line's --vus/--duration/--stage/--iterations applied by k6's own rules.
const optionsDump = `  var optionsPath = __ENV.${OPTIONS_PATH_ENV};
  if (optionsPath) {
    try { out[optionsPath] = JSON.stringify(exec.test.options); } catch (e) { /* an old k6 without test.options */ }
  }
`;
