// The metric names a PromQL expression reads, so a gate on a metric the
// Prometheus does not have can say so instead of reading "no data". Pure. Not a
// PromQL parser: it removes what cannot be a metric name (strings, label
// matchers, ranges, grouping label lists, function calls, keywords, numbers)
// and keeps the identifiers left over.

const KEYWORDS = new Set([
  'by', 'without', 'on', 'ignoring', 'group_left', 'group_right', 'bool', 'and', 'or', 'unless', 'offset',
  'inf', 'nan', 'atan2',
]);
const GROUPING = new Set(['by', 'without', 'on', 'ignoring', 'group_left', 'group_right']);

export function metricNames(expression: string): string[] {
  // Strings first: a label value may contain anything.
  let text = expression.replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|`[^`]*`/g, '""');
  // {__name__="x"} selects a metric by name.
  const byName = [...expression.matchAll(/__name__\s*=\s*"([A-Za-z_:][A-Za-z0-9_:]*)"/g)].map((m) => m[1] as string);
  text = text.replace(/\{[^{}]*\}/g, ' ').replace(/\[[^\]]*\]/g, ' ');
  const names: string[] = [];
  const re = /[A-Za-z_:][A-Za-z0-9_:]*/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(text)) !== null) {
    const word = m[0];
    const before = text[m.index - 1];
    // 1e3, 5m (in offset), 0x1f: parts of numbers and durations.
    if (before !== undefined && /[0-9.]/.test(before)) continue;
    const rest = text.slice(re.lastIndex);
    const next = /^\s*(\S)?/.exec(rest)?.[1];
    if (GROUPING.has(word.toLowerCase()) && next === '(') {
      // Skip the label list: by (le, job).
      const close = rest.indexOf(')');
      re.lastIndex += close < 0 ? rest.length : close + 1;
      continue;
    }
    if (KEYWORDS.has(word.toLowerCase())) continue;
    if (next === '(') continue; // a function or an aggregation
    if (/^\s*(by|without)\s*\(/i.test(rest)) continue; // sum by (le) (...)
    if (!names.includes(word)) names.push(word);
  }
  for (const n of byName) if (!names.includes(n)) names.push(n);
  return names;
}
