// Bundles a profile's scenario into the one ES module k6 runs: esbuild joins
// the scenario and scenarios/lib around a generated entry (src/k6/entry.ts),
// keeps k6's own modules external, refuses Node built-ins, and writes a linked
// source map. k6 (Sobek) reads the `//# sourceMappingURL=script.js.map` last
// line, relative to the script, so stack traces point at the .ts lines.
import { builtinModules } from 'node:module';
import { mkdir, rm } from 'node:fs/promises';
import { isAbsolute, join, relative, resolve } from 'node:path';
import type { Message, Plugin } from 'esbuild';
import type { ResolvedProfile } from '../profiles/types.ts';
import { ScriptError } from '../errors.ts';
import { entrySource, OPTIONS_PATH_ENV, SUMMARY_PATH_ENV } from './entry.ts';
import { formatTypeProblem, LIB_ALIAS, typeCheck } from './typecheck.ts';
import { packageRoot } from '../profiles/load.ts';
import { K6_EXTERNALS, scriptExports, writeOpenShim } from '../script/bundle-parts.ts';

export { OPTIONS_PATH_ENV, SUMMARY_PATH_ENV };

/** What esbuild compiles down to; see entry.ts for why not newer. */
export const BUNDLE_TARGET = 'es2017';
const ENTRY_NAME = 'loadctl-entry.js';

export interface BundleResult {
  /** Absolute path of the bundled ES module k6 runs. */
  scriptPath: string;
  /** Absolute path of its source map. */
  mapPath: string;
  durationMs: number;
  /** How the type check went: run now, answered from the cache, or turned off. */
  typeCheck?: 'checked' | 'cached' | 'skipped';
  /** A user script's type problems: said, not fatal, since k6 itself only strips types. */
  typeWarnings?: string[];
}

export interface BundleOptions {
  /** Type-check cache; default <cwd>/.loadctl/cache. */
  cacheDir?: string;
  /** Paths in messages are shown relative to this; default process.cwd(). */
  cwd?: string;
  /** Default true. */
  typeCheck?: boolean;
}

const NODE_BUILTINS = new Set(builtinModules.flatMap((m) => [m, `node:${m}`]));

/** k6 runs no Node module: fail at bundle time with the importer named, not at k6 start. */
function refuseNodeBuiltins(): Plugin {
  return {
    name: 'loadctl-no-node-builtins',
    setup(build) {
      build.onResolve({ filter: /^[^./]/ }, (args) => {
        if (!NODE_BUILTINS.has(args.path) && !NODE_BUILTINS.has(args.path.split('/')[0]!)) return undefined;
        return {
          errors: [{ text: `"${args.path}" is a Node built-in, which k6 does not have; use k6's own modules (k6/http, k6/encoding, k6/crypto, k6/experimental/fs...)` }],
        };
      });
    },
  };
}

function shown(cwd: string, file: string): string {
  const rel = relative(cwd, isAbsolute(file) ? file : resolve(cwd, file));
  return rel.startsWith('..') ? file : rel;
}

function formatMessage(m: Message, cwd: string): string {
  if (!m.location) return m.text;
  return `${shown(cwd, m.location.file)}:${m.location.line}:${m.location.column + 1}: ${m.text}`;
}

/** Warnings that mean the script cannot work under k6; the rest are left to esbuild's judgement. */
function fatalWarnings(warnings: readonly Message[], scenarioFile: string): string[] {
  return warnings
    .filter((w) => /Import "default" will always be undefined/.test(w.text))
    .map(() => `${scenarioFile} has no default export; k6 runs \`export default function () {...}\` for each iteration`);
}

/** The custom metrics scenarios/lib/metrics.ts defines. */
const LIBRARY_METRICS = new Set(['booking_duration', 'booking_success', 'booking_lock_failures']);

/**
 * k6 refuses to start (exit 104) when a threshold names a metric the script
 * never created. The default targets name booking_duration, so a scenario that
 * does not use the library still gets its metrics defined: its booking target
 * then fails as empty, which says what happened, instead of k6 refusing.
 */
function metricImports(k6Options: Record<string, unknown>): string[] {
  const keys = Object.keys((k6Options.thresholds ?? {}) as Record<string, unknown>);
  const needed = keys.some((k) => LIBRARY_METRICS.has(k.split('{')[0]!));
  return needed ? [join(packageRoot(), 'scenarios', 'lib', 'metrics.ts')] : [];
}

/**
 * Bundles profile.scenarioFile into outDir/script.js: k6 modules external, the
 * profile's k6Options exported as `options`, and a handleSummary that writes
 * k6's summary data (with p(99) in trendStats) as JSON to $LOADCTL_SUMMARY_PATH.
 * A syntax, import or type error throws a ScriptError naming file:line:col.
 */
export async function bundleScenario(profile: ResolvedProfile, outDir: string, options: BundleOptions = {}): Promise<BundleResult> {
  const started = performance.now();
  const cwd = options.cwd ?? process.cwd();
  const scriptPath = resolve(outDir, 'script.js');
  const mapPath = `${scriptPath}.map`;
  const { build } = await import('esbuild');
  await mkdir(outDir, { recursive: true });
  const script = profile.script !== undefined;
  const plugins = [refuseNodeBuiltins()];
  const exports = script ? await scriptExports(profile.scenarioFile, cwd, plugins) : undefined;
  const shim = script ? await writeOpenShim(profile.scenarioFile, outDir) : undefined;
  const entry = entrySource(profile.scenarioFile, profile.k6Options, script ? [] : metricImports(profile.k6Options), {
    ...(exports ? { hasDefault: exports.includes('default') } : {}),
    testOptions: script,
  });

  let result;
  try {
    result = await build({
      stdin: { contents: entry, resolveDir: outDir, sourcefile: ENTRY_NAME, loader: 'js' },
      absWorkingDir: cwd,
      bundle: true,
      format: 'esm',
      platform: 'neutral',
      mainFields: ['module', 'main'],
      target: BUNDLE_TARGET,
      // k6's modules are provided by k6; remote modules (jslib.k6.io) k6 fetches itself.
      external: K6_EXTERNALS,
      ...(shim ? { inject: [shim] } : {}),
      outfile: scriptPath,
      sourcemap: 'linked',
      sourcesContent: true,
      metafile: true,
      logLevel: 'silent',
      legalComments: 'none',
      banner: { js: `// Bundled by loadctl from ${shown(cwd, profile.scenarioFile)} for ${script ? 'a run of that script' : `profile "${profile.name}"`}. Do not edit.` },
      // Projects use loadctl's client library without copying it.
      alias: { [LIB_ALIAS]: join(packageRoot(), 'scenarios', 'lib') },
      plugins,
    });
  } catch (error) {
    const errors = (error as { errors?: Message[] }).errors;
    if (!errors) throw error;
    throw new ScriptError(`cannot bundle ${shown(cwd, profile.scenarioFile)}:\n${errors.map((m) => formatMessage(m, cwd)).join('\n')}`, {
      hint: `fix the ${script ? 'script' : 'scenario source'} at the place shown`,
    });
  } finally {
    if (shim) await rm(shim, { force: true });
  }
  // A script without a default export is k6's to judge (its scenarios may all name an exec).
  const fatal = script ? [] : fatalWarnings(result.warnings, shown(cwd, profile.scenarioFile));
  if (fatal.length > 0) {
    await rm(scriptPath, { force: true });
    await rm(mapPath, { force: true });
    throw new ScriptError(fatal.join('\n'), { hint: 'add a default export to the scenario' });
  }

  let checked: BundleResult['typeCheck'] = 'skipped';
  let typeWarnings: string[] | undefined;
  // A JavaScript script has no types to check (checkJs is off): skip loading the compiler.
  if (options.typeCheck !== false && !(script && !/\.[mc]?tsx?$/.test(profile.scenarioFile))) {
    const sources = Object.keys(result.metafile.inputs)
      .map((f) => resolve(cwd, f))
      .filter((f) => /\.(m?ts|tsx|m?js)$/.test(f) && f !== resolve(outDir, ENTRY_NAME) && f !== shim);
    const outcome = await typeCheck(profile.scenarioFile, sources, options.cacheDir ?? join(cwd, '.loadctl', 'cache'), cwd, !script);
    checked = outcome.cached ? 'cached' : 'checked';
    if (outcome.problems.length > 0 && script) {
      typeWarnings = outcome.problems.slice(0, 5).map((p) => formatTypeProblem(p, cwd));
      if (outcome.problems.length > typeWarnings.length) typeWarnings.push(`... and ${outcome.problems.length - typeWarnings.length} more`);
    } else if (outcome.problems.length > 0) {
      // A script that does not type-check is not left behind for anyone to run.
      await rm(scriptPath, { force: true });
      await rm(mapPath, { force: true });
      const lines = outcome.problems.slice(0, 20).map((p) => formatTypeProblem(p, cwd));
      if (outcome.problems.length > lines.length) lines.push(`... and ${outcome.problems.length - lines.length} more`);
      throw new ScriptError(`type errors in ${shown(cwd, profile.scenarioFile)}:\n${lines.join('\n')}`, {
        hint: 'fix them (the k6 API types come from @types/k6), or run with --no-typecheck as k6 would, which only strips types',
      });
    }
  }
  return { scriptPath, mapPath, durationMs: performance.now() - started, typeCheck: checked, ...(typeWarnings ? { typeWarnings } : {}) };
}
