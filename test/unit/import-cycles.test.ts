// The shape of src/: no file circles, no import that goes up the layer table of
// docs/ARCHITECTURE.md, and `import()` calls only where a command is chosen (for
// start-up time). Every kind of import counts (import-graph.ts reads them with
// TypeScript's parser). What is still wrong today sits in the allow-lists below,
// each with its reason; they only shrink: a new violation fails, and so does an
// entry that no longer occurs (delete it).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { circles, importEdges, layerOf, layerTable, sources, specifiers, unplaced, upImports, type Layer } from './import-graph.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));
const src = join(root, 'src');

/** Circles still there, as their files joined by " <-> ": the reason, and who removes them. */
const allowedCircles: Record<string, string> = {
};

/** Imports against the layer order still there ("from -> to"), with the reason. */
const allowedUp: Record<string, string> = {};

/** Files below the use cases that still call `import()` at run time, with the reason. */
const allowedDynamic: Record<string, string> = {
  'live-run/chaos.ts': 'loads the chaos engine only for --chaos (start-up of plain runs)',
  'live-run/live-gates.ts': 'loads live gates only when a profile has them (start-up of plain runs)',
  'live-run/live.ts': 'loads the receiver only for a live run',
  'run/pipeline.ts': 'loads the preflight and the runners only when a run needs them',
  'runners/placements.ts': 'loads dockerode only for --placement docker (start-up of local runs)',
};

const files = sources(src);
const edges = importEdges(files);
const layers = layerTable(readFileSync(join(root, 'docs/ARCHITECTURE.md'), 'utf8'));
const rel = (f: string): string => relative(src, f).split(sep).join('/');

/** `found` against its allow-list: what is new, and what no longer occurs. */
function againstAllowList(found: string[], allowed: Record<string, string>): { added: string[]; gone: string[] } {
  return { added: found.filter((f) => !(f in allowed)), gone: Object.keys(allowed).filter((a) => !found.includes(a)) };
}

function dynamicImporters(layerTableRows: Layer[], lowestAllowed: number): string[] {
  const out = new Set<string>();
  for (const e of edges) if (e.dynamic && (layerOf(layerTableRows, rel(e.from)) ?? 0) > lowestAllowed) out.add(rel(e.from));
  return [...out].sort();
}

test('docs/ARCHITECTURE.md has the layer table, and it places every file of src/', () => {
  assert.deepEqual(layers.map((l) => l.name), ['entry', 'use cases', 'reference system', 'run', 'output', 'engines', 'infra']);
  assert.deepEqual(unplaced(layers, files, src), [], 'give these files a row in docs/ARCHITECTURE.md');
});

test('docs/ARCHITECTURE.md says what every folder of src/ is for', () => {
  const doc = readFileSync(join(root, 'docs/ARCHITECTURE.md'), 'utf8');
  const folders = readdirSync(src, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name);
  assert.deepEqual(folders.filter((f) => !doc.includes(`| \`${f}/\``) && !doc.includes(`, \`${f}/\``)), [], 'add a row to its "What each folder is for" table');
});

test('src/ has no file circle but the allowed ones', () => {
  const found = circles(files, edges, src).map((c) => c.join(' <-> '));
  assert.deepEqual(againstAllowList(found, allowedCircles), { added: [], gone: [] }, 'added: a new circle; gone: delete it from allowedCircles');
});

test('src/ imports only down the layer table of docs/ARCHITECTURE.md', () => {
  const found = upImports(layers, edges, src);
  assert.deepEqual(againstAllowList(found, allowedUp), { added: [], gone: [] }, 'added: import goes up a layer; gone: delete it from allowedUp');
});

test('import() is called only by the entry and the use cases', () => {
  const found = dynamicImporters(layers, layers.findIndex((l) => l.name === 'use cases'));
  assert.deepEqual(againstAllowList(found, allowedDynamic), { added: [], gone: [] }, 'added: import it statically; gone: delete it from allowedDynamic');
});

test('the parser sees every kind of import', () => {
  const text = [
    "import a from './a.ts';", "import type { B } from './b.ts';", "export { c } from './c.ts';", "export * from './d.ts';",
    "const e = await import('./e.ts');", "let f: import('./f.ts').F;", "// import g from './g.ts';", "const h = 'import(\"./h.ts\")';",
  ].join('\n');
  assert.deepEqual(specifiers('x.ts', text), [
    { spec: './a.ts', dynamic: false }, { spec: './b.ts', dynamic: false }, { spec: './c.ts', dynamic: false },
    { spec: './d.ts', dynamic: false }, { spec: './e.ts', dynamic: true }, { spec: './f.ts', dynamic: false },
  ]);
});

test('a circle made only of type imports is a circle', () => {
  const fixture = [join(root, 'test/unit/fixtures/cycle/a.ts'), join(root, 'test/unit/fixtures/cycle/b.ts')];
  assert.deepEqual(circles(fixture, importEdges(fixture), root), [['test/unit/fixtures/cycle/a.ts', 'test/unit/fixtures/cycle/b.ts']]);
});

test('a file row beats its folder row, and an upward import is found', () => {
  const table = layerTable('| Layer | Paths | |\n|---|---|---|\n| top | `src/cmd/`, `src/eng/main.ts` | |\n| low | `src/eng/`, `src/*/render.ts` | |\n');
  assert.deepEqual([layerOf(table, 'eng/main.ts'), layerOf(table, 'eng/x.ts'), layerOf(table, 'cmd/render.ts'), layerOf(table, 'other.ts')], [0, 1, 1, undefined]);
  const edge = (from: string, to: string) => ({ from: join(src, from), to: join(src, to), dynamic: false });
  assert.deepEqual(upImports(table, [edge('eng/x.ts', 'eng/main.ts'), edge('cmd/a.ts', 'eng/x.ts')], src), ['eng/x.ts -> eng/main.ts']);
});
