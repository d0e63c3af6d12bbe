// The import graph of src/, read with TypeScript's own parser so that no kind of
// import escapes it: static, `import type`, `export … from`, `import('…')` calls and
// `import('…').T` in type positions all count. A regex missed the dynamic ones.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import ts from 'typescript';

export interface Edge { from: string; to: string; dynamic: boolean }

export function sources(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) sources(path, out);
    else if (path.endsWith('.ts') && !path.endsWith('.d.ts')) out.push(path);
  }
  return out;
}

/** Every module specifier a file names, with whether it is a runtime `import()` call. */
export function specifiers(file: string, text = readFileSync(file, 'utf8')): { spec: string; dynamic: boolean }[] {
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, false, ts.ScriptKind.TS);
  const out: { spec: string; dynamic: boolean }[] = [];
  const literal = (node: ts.Node | undefined): string | undefined =>
    node !== undefined && ts.isStringLiteralLike(node) ? node.text : undefined;
  const visit = (node: ts.Node): void => {
    let spec: string | undefined;
    let dynamic = false;
    if (ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) spec = literal(node.moduleSpecifier);
    else if (ts.isImportEqualsDeclaration(node) && ts.isExternalModuleReference(node.moduleReference)) spec = literal(node.moduleReference.expression);
    else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword) { spec = literal(node.arguments[0]); dynamic = true; }
    else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument)) spec = literal(node.argument.literal);
    if (spec !== undefined) out.push({ spec, dynamic });
    ts.forEachChild(node, visit);
  };
  visit(source);
  return out;
}

/** The graph among `files`: relative specifiers resolved (`.js` written for `.ts` too). */
export function importEdges(files: string[]): Edge[] {
  const known = new Set(files);
  const edges: Edge[] = [];
  for (const file of files) {
    for (const { spec, dynamic } of specifiers(file)) {
      if (!spec.startsWith('.')) continue;
      const base = resolve(dirname(file), spec);
      const to = [base, base.replace(/\.js$/, '.ts'), `${base}.ts`, join(base, 'index.ts')].find((c) => known.has(c));
      if (to !== undefined && to !== file) edges.push({ from: file, to, dynamic });
    }
  }
  return edges;
}

/** Circles of files (strongly connected components of more than one file), each sorted, relative to `root`. */
export function circles(files: string[], edges: Edge[], root: string): string[][] {
  const next = new Map<string, string[]>(files.map((f) => [f, []]));
  for (const e of edges) next.get(e.from)?.push(e.to);
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const out: string[][] = [];
  const visit = (v: string): void => {
    index.set(v, index.size);
    low.set(v, index.get(v)!);
    stack.push(v);
    onStack.add(v);
    for (const w of next.get(v) ?? []) {
      if (!index.has(w)) { visit(w); low.set(v, Math.min(low.get(v)!, low.get(w)!)); }
      else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) !== index.get(v)) return;
    const component: string[] = [];
    for (let w = stack.pop()!; ; w = stack.pop()!) { onStack.delete(w); component.push(w); if (w === v) break; }
    if (component.length > 1) out.push(component.map((f) => relative(root, f)).sort());
  };
  for (const f of files) if (!index.has(f)) visit(f);
  return out.sort((a, b) => a[0]!.localeCompare(b[0]!));
}

/** One row of the layer table: a layer (0 is the top) and the src/ paths it holds. */
export interface Layer { name: string; paths: string[] }

/**
 * The layer table of docs/ARCHITECTURE.md: the rows of its first markdown table whose
 * second cell lists `src/…` paths in backquotes. The doc is the one copy, so the
 * map a newcomer reads is the rule the test enforces.
 */
export function layerTable(markdown: string): Layer[] {
  const layers: Layer[] = [];
  for (const line of markdown.split('\n')) {
    const cells = line.split('|').map((c) => c.trim());
    if (cells.length < 4 || !line.trimStart().startsWith('|')) continue;
    const paths = [...(cells[2] ?? '').matchAll(/`src\/([^`]+)`/g)].map((m) => m[1]!.replace(/\/$/, ''));
    if (paths.length > 0) layers.push({ name: cells[1]!.replace(/\*/g, ''), paths });
  }
  return layers;
}

/**
 * The layer of a src/-relative path, or undefined when no row holds it. A row is a
 * folder (`k6`), a file (`chaos/command.ts`) or a file pattern (`*` for one folder name,
 * as in every folder's render.ts); a file row beats a folder row, and a longer row a shorter one.
 */
export function layerOf(layers: Layer[], path: string): number | undefined {
  let best: { layer: number; rank: number } | undefined;
  layers.forEach((layer, i) => {
    for (const p of layer.paths) {
      const pattern = new RegExp(`^${p.split('*').map(escapeRegExp).join('[^/]+')}(/.*)?$`);
      const rank = (p.endsWith('.ts') ? 1000 : 0) + p.length;
      if (pattern.test(path) && (best === undefined || rank > best.rank)) best = { layer: i, rank };
    }
  });
  return best?.layer;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.+?^$()|[\]{}\\]/g, (c) => `\\${c}`);
}

/** Imports that go up the table (a lower layer importing a higher one), as "from -> to". */
export function upImports(layers: Layer[], edges: Edge[], srcDir: string): string[] {
  const rel = (f: string): string => relative(srcDir, f).split(sep).join('/');
  const out: string[] = [];
  for (const e of edges) {
    const from = layerOf(layers, rel(e.from));
    const to = layerOf(layers, rel(e.to));
    if (from !== undefined && to !== undefined && to < from) out.push(`${rel(e.from)} -> ${rel(e.to)}`);
  }
  return [...new Set(out)].sort();
}

/** src/ files no row of the table places: each must be given a layer. */
export function unplaced(layers: Layer[], files: string[], srcDir: string): string[] {
  return files.map((f) => relative(srcDir, f).split(sep).join('/')).filter((f) => layerOf(layers, f) === undefined);
}
