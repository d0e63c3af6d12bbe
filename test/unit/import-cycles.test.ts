// The layers of src/ import downwards only: a cycle (even through `import type`)
// means two modules that cannot be understood, tested or moved apart.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));

function sources(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) sources(path, out);
    else if (path.endsWith('.ts')) out.push(path);
  }
  return out;
}

/** Every cycle among the files' relative static imports and re-exports, as "a -> b -> a". */
export function importCycles(files: string[]): string[] {
  const known = new Set(files);
  const edges = new Map(files.map((file) => {
    const text = readFileSync(file, 'utf8');
    const targets = [...text.matchAll(/^(?:import|export)\s[^;]*?from\s+'(\.[^']+)'/gms)].map((m) => resolve(dirname(file), m[1]!));
    return [file, targets.filter((t) => known.has(t))] as const;
  }));
  const state = new Map<string, 'open' | 'done'>();
  const path: string[] = [];
  const cycles: string[] = [];
  const visit = (file: string): void => {
    state.set(file, 'open');
    path.push(file);
    for (const next of edges.get(file) ?? []) {
      if (state.get(next) === 'open') cycles.push([...path.slice(path.indexOf(next)), next].map((f) => relative(root, f)).join(' -> '));
      else if (!state.has(next)) visit(next);
    }
    path.pop();
    state.set(file, 'done');
  };
  for (const file of files) if (!state.has(file)) visit(file);
  return cycles;
}

test('src/ has no import cycle', () => {
  assert.deepEqual(importCycles(sources(join(root, 'src'))), []);
});

test('the check sees a cycle made only of type imports', () => {
  const cycles = importCycles([join(root, 'test/unit/fixtures/cycle/a.ts'), join(root, 'test/unit/fixtures/cycle/b.ts')]);
  assert.deepEqual(cycles, ['test/unit/fixtures/cycle/a.ts -> test/unit/fixtures/cycle/b.ts -> test/unit/fixtures/cycle/a.ts']);
});
