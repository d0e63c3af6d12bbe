// What an invariant's SQL may be: one statement that reads. Checked on the
// text before anything connects (exit 2, naming the field), so a query that
// would change the data never reaches the database; the read itself then
// runs in a read-only transaction (checks.ts) for what text cannot show
// (a data-changing CTE or function). Pure.

/** The text with string literals, quoted names and comments blanked out, so a ";" or keyword inside them is not seen. */
export function sqlSkeleton(query: string): string {
  let out = '';
  let i = 0;
  while (i < query.length) {
    const rest = query.slice(i);
    const dollar = /^\$([A-Za-z_][A-Za-z0-9_]*)?\$/.exec(rest);
    let end: number;
    if (rest.startsWith('--')) end = rest.includes('\n') ? rest.indexOf('\n') : rest.length;
    else if (rest.startsWith('/*')) end = rest.includes('*/') ? rest.indexOf('*/') + 2 : rest.length;
    else if (rest[0] === "'" || rest[0] === '"') end = closingQuote(rest, rest[0]);
    else if (dollar) end = rest.indexOf(dollar[0], dollar[0].length) < 0 ? rest.length : rest.indexOf(dollar[0], dollar[0].length) + dollar[0].length;
    else { out += rest[0]; i += 1; continue; }
    out += ' ';
    i += end;
  }
  return out;
}

/** Index just past the quote that closes the one at 0 ('' and "" inside are escapes). */
function closingQuote(text: string, quote: string): number {
  for (let j = 1; j < text.length; j++) {
    if (text[j] !== quote) continue;
    if (text[j + 1] === quote) { j += 1; continue; }
    return j + 1;
  }
  return text.length;
}

const READS = ['SELECT', 'WITH', 'VALUES', 'TABLE'];

/** Why this query cannot be an invariant's, or null when it is one statement that starts as a read. */
export function sqlProblem(query: string): string | null {
  const skeleton = sqlSkeleton(query);
  const statements = skeleton.split(';').filter((s) => s.trim() !== '');
  if (statements.length > 1) return `holds ${statements.length} statements; an invariant reads with one (no ";" between statements)`;
  const first = /^[\s(]*([A-Za-z]+)/.exec(skeleton)?.[1]?.toUpperCase();
  if (first === undefined || !READS.includes(first)) return `starts with ${first ?? 'nothing'}; an invariant only reads: start it with SELECT or WITH`;
  return null;
}
