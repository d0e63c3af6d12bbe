// Type-checks a scenario against @types/k6 before it is bundled (esbuild only
// strips types). The TypeScript compiler is slow to load (~0.5 s) and to run,
// so the outcome is cached under the cache dir by a hash of every input: a
// repeated run with unchanged files does not even import typescript.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join, relative } from 'node:path';
import { packageRoot } from '../profiles/load.ts';

export interface TypeProblem {
  file: string;
  line: number;
  column: number;
  message: string;
}

export interface TypeCheckResult {
  problems: TypeProblem[];
  /** True when the result came from the cache. */
  cached: boolean;
}

const require = createRequire(import.meta.url);

/** Import specifier for loadctl's scenario library: `import { fullJourney } from '@loadctl/lib/flows.ts'`. */
export const LIB_ALIAS = '@loadctl/lib';

/** Where @types/k6 lives: loadctl's own copy, so a user project needs none. */
function k6TypesDir(): string {
  return dirname(require.resolve('@types/k6/package.json'));
}

function globalsFile(): string {
  return join(packageRoot(), 'scenarios', 'lib', 'k6-globals.d.ts');
}

function versionOf(pkg: string): string {
  return (JSON.parse(readFileSync(require.resolve(`${pkg}/package.json`), 'utf8')) as { version: string }).version;
}

/**
 * Compiler options matching scenarios/tsconfig.json, with k6 resolved from
 * loadctl. Not strict for a user's own script: k6 only strips its types, so
 * the check is there to point at mistakes, not to hold the script to
 * loadctl's own standard.
 */
function compilerOptionsJson(strict = true): Record<string, unknown> {
  const types = k6TypesDir();
  return {
    target: 'ES2020',
    module: 'ESNext',
    moduleResolution: 'Bundler',
    lib: ['es2020'],
    strict,
    noEmit: true,
    skipLibCheck: true,
    allowImportingTsExtensions: true,
    allowJs: true,
    checkJs: false,
    types: ['k6'],
    typeRoots: [dirname(types)],
    paths: { k6: [join(types, 'index.d.ts')], 'k6/*': [join(types, '*')], [`${LIB_ALIAS}/*`]: [join(packageRoot(), 'scenarios', 'lib', '*')] },
  };
}

/** Content hash of the files, the checker's versions and its options. */
export async function inputsHash(files: readonly string[], strict = true): Promise<string> {
  const hash = createHash('sha256');
  hash.update(`typescript@${versionOf('typescript')} @types/k6@${versionOf('@types/k6')}\n`);
  hash.update(JSON.stringify(compilerOptionsJson(strict)));
  for (const file of [...files, globalsFile()].sort()) {
    hash.update(`\n${file}\n`);
    hash.update(await readFile(file));
  }
  return hash.digest('hex');
}

const libraryFiles = new Map<string, import('typescript').SourceFile>();

async function runChecker(entry: string, cwd: string, strict: boolean): Promise<TypeProblem[]> {
  const ts = (await import('typescript')).default;
  const converted = ts.convertCompilerOptionsFromJson(compilerOptionsJson(strict), cwd);
  if (converted.errors.length > 0) throw new Error(`bad type-check options: ${ts.flattenDiagnosticMessageText(converted.errors[0]!.messageText, ' ')}`);
  const host = ts.createCompilerHost(converted.options);
  const read = host.getSourceFile.bind(host);
  // Library declarations (lib.es2020, @types/k6) never change while we run:
  // parse them once per process, not once per check.
  host.getSourceFile = (fileName, languageVersion, onError, shouldCreate) => {
    if (!fileName.includes('/node_modules/')) return read(fileName, languageVersion, onError, shouldCreate);
    const key = `${typeof languageVersion === 'object' ? languageVersion.languageVersion : languageVersion}:${fileName}`;
    let file = libraryFiles.get(key);
    if (!file) {
      file = read(fileName, languageVersion, onError, shouldCreate);
      if (file) libraryFiles.set(key, file);
    }
    return file;
  };
  const program = ts.createProgram({ rootNames: [entry, globalsFile()], options: converted.options, host });
  const diagnostics = ts.getPreEmitDiagnostics(program).filter((d) => d.category === ts.DiagnosticCategory.Error);
  return diagnostics.map((d) => {
    const message = `TS${d.code}: ${ts.flattenDiagnosticMessageText(d.messageText, ' ')}`;
    if (!d.file || d.start === undefined) return { file: entry, line: 1, column: 1, message };
    const pos = d.file.getLineAndCharacterOfPosition(d.start);
    return { file: d.file.fileName, line: pos.line + 1, column: pos.character + 1, message };
  });
}

/**
 * Checks `entry` (and everything it imports). `files` are the local sources
 * the bundle was built from: they make up the cache key.
 */
export async function typeCheck(entry: string, files: readonly string[], cacheDir: string, cwd: string, strict = true): Promise<TypeCheckResult> {
  const key = await inputsHash(files, strict);
  const cacheFile = join(cacheDir, 'typecheck', `${key}.json`);
  const hit = await readFile(cacheFile, 'utf8').then((t) => JSON.parse(t) as TypeProblem[]).catch(() => undefined);
  if (hit) return { problems: hit, cached: true };
  const problems = await runChecker(entry, cwd, strict);
  // Write then rename, so a concurrent run never reads half a file. The cache
  // is only a speed-up: a read-only checkout still runs, just slower.
  const tmp = `${cacheFile}.${process.pid}.tmp`;
  await mkdir(dirname(cacheFile), { recursive: true })
    .then(() => writeFile(tmp, JSON.stringify(problems)))
    .then(() => rename(tmp, cacheFile))
    .catch(() => undefined);
  return { problems, cached: false };
}

export function formatTypeProblem(p: TypeProblem, cwd: string): string {
  const rel = relative(cwd, p.file);
  const shown = rel.startsWith('..') ? p.file : rel;
  return `${shown}:${p.line}:${p.column}: ${p.message}`;
}
