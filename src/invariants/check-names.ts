// An invariant's `k6.checks.<name>` must name a check the scenario defines:
// k6 reports no count for a name it never saw, so a typo would read 0 and
// `== k6.checks.typo` would always hold. Read from the scenario's sources
// (the file and what it imports from its folder or loadctl's library) before
// the load; a name found nowhere in them is exit 2, naming the checks there.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { UsageError } from '../errors.ts';
import { packageRoot } from '../profiles/load.ts';
import { expectationOf } from './judge.ts';
import type { InvariantSpec } from './schema.ts';

const LIB = '@loadctl/lib/';

/** The scenario file and every local module it imports, as one text. */
export function scenarioSources(file: string): string {
  const seen = new Set<string>();
  const texts: string[] = [];
  const visit = (path: string) => {
    if (seen.has(path)) return;
    seen.add(path);
    let text: string;
    try { text = readFileSync(path, 'utf8'); } catch { return; }
    texts.push(text);
    for (const m of text.matchAll(/(?:from|import)\s*['"]([^'"]+)['"]/g)) {
      const spec = m[1]!;
      const base = spec.startsWith('.') ? resolve(dirname(path), spec) : spec.startsWith(LIB) ? join(packageRoot(), 'scenarios', 'lib', spec.slice(LIB.length)) : undefined;
      const found = base && [base, `${base}.ts`, `${base}.js`, join(base, 'index.ts')].find((p) => existsSync(p) && !p.endsWith('/'));
      if (found) visit(found);
    }
  };
  visit(file);
  return texts.join('\n');
}

/** Names of checks in the text: keys whose value is a function, as in check(res, { 'name': (r) => ... }). */
export function checkNamesIn(text: string): string[] {
  const names = [...text.matchAll(/['"`]([^'"`\n]+)['"`]\s*:\s*(?:\(|function\b|async\b|[A-Za-z_$][\w$]*\s*=>)/g)].map((m) => m[1]!);
  return [...new Set(names)];
}

/** Refuses an invariant whose expect names a check that appears nowhere in the scenario's sources. */
export function refuseUnknownChecks(specs: readonly InvariantSpec[], sources: string): void {
  for (const spec of specs) {
    for (const { term } of expectationOf(spec).terms) {
      if (term.kind !== 'k6-check' || sources.includes(term.name)) continue;
      const known = checkNamesIn(sources);
      throw new UsageError(`invariant "${spec.name}": expect names k6 check "${term.name}", which the scenario never defines (its checks: ${known.length > 0 ? known.join(', ') : 'none'})`, {
        hint: 'a check\'s name is its key in check(res, { \'name\': ... }); fix the name in expect',
      });
    }
  }
}
