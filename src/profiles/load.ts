// The only file I/O for profiles: finds profiles and scenarios (the project's
// own in <cwd>/profiles and <cwd>/scenarios first, then the ones shipped with
// loadctl), parses YAML, and hands the data to the pure stages.
import { existsSync, readFileSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { basename, dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseDocument } from 'yaml';
import { UsageError } from '../errors.ts';
import { readYamlText, yamlData } from '../inputs/yaml-file.ts';
import { checkHttpUrl } from '../inputs/url.ts';
import { envSizeProblems } from './env-size.ts';
import { applyOverrides } from './overrides.ts';
import { buildK6Options, envStrings, resolveTargets } from './resolve.ts';
import { keepsScriptShape, validateProfile, validateScriptProfile, type ProfileSpec } from './schema.ts';
import * as scriptProfile from '../script/profile.ts';
import type { ProfileOverrides, ResolvedProfile } from './types.ts';

export const DEFAULT_BASE_URL = 'http://localhost:8080';
const SCHEMA_HINT = 'the format is in docs/profiles.md; editors complete it from profiles/profile.schema.json';

let cachedRoot: string | undefined;

/**
 * The loadctl package root. This code runs from src/profiles/load.ts (tests,
 * tsx) and bundled into dist/cli.js, so walk up to our own package.json
 * rather than counting directories.
 */
export function packageRoot(): string {
  if (cachedRoot) return cachedRoot;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const pkg = join(dir, 'package.json');
    if (existsSync(pkg) && (JSON.parse(readFileSync(pkg, 'utf8')) as { name?: string }).name === 'loadctl') return (cachedRoot = dir);
    const up = dirname(dir);
    if (up === dir) throw new Error(`cannot find the loadctl package root above ${fileURLToPath(import.meta.url)}`);
    dir = up;
  }
}

/** A path as the user should read it: relative to cwd when inside it. */
export function displayPath(cwd: string, file: string): string {
  const rel = relative(cwd, file);
  return rel === '' || rel.startsWith('..') || isAbsolute(rel) ? file : rel;
}

/** Files in dir with one of the extensions, by name without extension; none when dir is missing. */
async function filesByName(dir: string, exts: readonly string[]): Promise<Map<string, string>> {
  const names = await readdir(dir).catch(() => [] as string[]);
  const out = new Map<string, string>();
  for (const file of names.sort()) {
    const ext = exts.find((e) => file.endsWith(e) && !file.endsWith(`.d${e}`));
    if (ext) out.set(file.slice(0, -ext.length), join(dir, file));
  }
  return out;
}

/** name -> file; the project's own entries shadow loadctl's. */
export async function catalogue(cwd: string, folder: string, exts: readonly string[]): Promise<Map<string, string>> {
  const shipped = await filesByName(join(packageRoot(), folder), exts);
  const own = await filesByName(join(cwd, folder), exts);
  return new Map([...shipped, ...own].sort(([a], [b]) => a.localeCompare(b)));
}

export const profileFiles = (cwd: string) => catalogue(cwd, 'profiles', ['.yaml', '.yml']);
export const scenarioFiles = (cwd: string) => catalogue(cwd, 'scenarios', ['.ts', '.js']);

/** Parses YAML text; syntax errors come back as "file:line:col: message" lines, an alias bomb as one line. */
export function parseYaml(text: string, label: string): { ok: true; value: unknown } | { ok: false; problems: string[] } {
  const doc = parseDocument(text);
  if (doc.errors.length > 0) {
    return {
      ok: false,
      problems: doc.errors.map((e) => {
        const pos = e.linePos?.[0];
        return `${label}${pos ? `:${pos.line}:${pos.col}` : ''}: ${e.message.split('\n')[0]!.replace(/ at line \d+, column \d+:$/, '')}`;
      }),
    };
  }
  const data = yamlData(doc, label);
  return data.ok ? data : { ok: false, problems: [data.problem] };
}

/** Reads and parses a YAML file: unreadable files (a directory, a link loop) are problems too. */
export async function readYaml(file: string, label: string): Promise<{ ok: true; value: unknown } | { ok: false; problems: string[] }> {
  const text = await readYamlText(file, label);
  return text.ok ? parseYaml(text.value, label) : { ok: false, problems: [text.problem] };
}

function problemsError(problems: string[], hint: string): UsageError {
  return new UsageError(problems.join('\n'), { hint });
}

async function locateProfile(name: string, cwd: string): Promise<{ name: string; file: string }> {
  if (/\.ya?ml$/.test(name) || name.includes('/') || name.includes('\\')) {
    const file = resolve(cwd, name);
    if (!existsSync(file)) throw new UsageError(`profile file ${name} does not exist`, { hint: 'give a profile name (`loadctl list`) or the path of a .yaml file' });
    return { name: basename(file).replace(/\.ya?ml$/, ''), file };
  }
  const known = await profileFiles(cwd);
  const file = known.get(name);
  if (!file) {
    const list = [...known.keys()].join(', ') || '(none)';
    throw new UsageError(`unknown profile "${name}"; known profiles: ${list}`, { hint: 'pick one of those, or add profiles/<name>.yaml (`loadctl list` shows them all)' });
  }
  return { name, file };
}

export interface LoadOptions {
  cwd: string;
  overrides?: ProfileOverrides;
  /** Where a BASE_URL not set by the profile or overrides comes from; default process.env. */
  processEnv?: Record<string, string | undefined>;
}

/** Reads, validates and resolves a profile; every problem is a UsageError (exit 2). */
export async function loadProfile(name: string, opts: LoadOptions): Promise<ResolvedProfile> {
  const { cwd } = opts;
  const located = await locateProfile(name, cwd);
  const label = displayPath(cwd, located.file);
  const text = await readYamlText(located.file, label);
  if (!text.ok) throw new UsageError(text.problem, { hint: `a profile is a YAML file: replace ${label} with one, or remove it` });
  const parsed = parseYaml(text.value, label);
  if (!parsed.ok) throw problemsError(parsed.problems, `fix the YAML syntax in ${label}`);
  if (keepsScriptShape(parsed.value)) {
    const own = validateScriptProfile(parsed.value, label);
    if (!own.ok) throw problemsError(own.problems, SCHEMA_HINT);
    return scriptProfile.resolveOwnShape({ name: located.name, file: located.file, label, spec: own.value, ...(opts.overrides ? { overrides: opts.overrides } : {}) });
  }
  const valid = validateProfile(parsed.value, label);
  if (!valid.ok) throw problemsError(valid.problems, SCHEMA_HINT);
  const overridden = applyOverrides(scriptProfile.scriptDefaults(valid.value, parsed.value as Record<string, unknown>), opts.overrides);
  if (!overridden.ok) throw problemsError(overridden.problems, 'see `loadctl run --help` for the override flags');
  const spec: ProfileSpec = overridden.value;
  const targets = resolveTargets(spec);
  if (!targets.ok) throw problemsError(targets.problems.map((p) => `${label}: ${p}`), SCHEMA_HINT);

  const scenarioFile = spec.script !== undefined ? await scriptProfile.profileScript(located.file, label, spec.script) : await shippedScenario(cwd, label, spec.scenario!);
  const env = envStrings(spec.env);
  const baseFrom = env.BASE_URL !== undefined ? (opts.overrides?.baseUrl !== undefined ? '--base-url' : `${label}: env.BASE_URL`) : 'BASE_URL (from the environment)';
  // A team's own script reads its own variables: BASE_URL only when the profile or --base-url gives one.
  if (spec.script === undefined) env.BASE_URL ??= (opts.processEnv ?? process.env).BASE_URL ?? DEFAULT_BASE_URL;
  // One URL check for the flag, the profile and the environment alike: exit 2, not "unreachable".
  const base = env.BASE_URL === undefined ? undefined : checkHttpUrl(baseFrom, env.BASE_URL);
  if (base && !base.ok) throw new UsageError(base.problem, { hint: 'set it to the address of the system under test, e.g. --base-url http://localhost:8080' });
  const tooBig = envSizeProblems(env, label);
  if (tooBig.length > 0) throw problemsError(tooBig, 'keep large data in a file the scenario opens (k6 open()), not in env');
  return {
    name: located.name,
    description: spec.description,
    file: located.file,
    scenario: spec.scenario ?? spec.script!,
    scenarioFile,
    k6Options: buildK6Options(spec, targets.value),
    targets: targets.value,
    env,
    ...(spec.script !== undefined ? { script: { ownShape: false } } : {}),
    ...(spec.prometheus ? { prometheus: spec.prometheus } : {}),
    ...(spec.invariants ? { invariants: spec.invariants } : {}),
    ...allowNoSamplesOf(spec.allowNoSamples, opts.overrides?.allowNoSamples),
  };
}

function allowNoSamplesOf(own: readonly string[] | undefined, flags: readonly string[] | undefined): { allowNoSamples?: string[] } {
  const all = [...(own ?? []), ...(flags ?? [])];
  return all.length > 0 ? { allowNoSamples: all } : {};
}

async function shippedScenario(cwd: string, label: string, name: string): Promise<string> {
  const scenarios = await scenarioFiles(cwd);
  const file = scenarios.get(name);
  if (file) return file;
  throw new UsageError(`${label}: scenario: unknown scenario "${name}"; known scenarios: ${[...scenarios.keys()].join(', ') || '(none)'}`, {
    hint: `set scenario to one of those, add scenarios/${name}.ts, or name your own k6 script with script: path/to/script.js`,
  });
}

/** Every profile with its one-line description; a broken file is listed, not fatal. */
export async function listProfiles(cwd: string): Promise<Array<{ name: string; description: string; scenario: string }>> {
  const out: Array<{ name: string; description: string; scenario: string }> = [];
  for (const [name, file] of await profileFiles(cwd)) {
    const parsed = await readYaml(file, file);
    const data = (parsed.ok && typeof parsed.value === 'object' && parsed.value !== null ? parsed.value : {}) as Record<string, unknown>;
    const valid = parsed.ok && (keepsScriptShape(parsed.value) ? validateScriptProfile(parsed.value, file) : validateProfile(parsed.value, file)).ok;
    const description = typeof data.description === 'string' ? data.description : '';
    out.push({
      name,
      description: valid ? description : `(invalid: \`loadctl run ${name} --dry-run\` shows why) ${description}`.trim(),
      scenario: typeof data.scenario === 'string' ? data.scenario : typeof data.script === 'string' ? data.script : '?',
    });
  }
  return out;
}

/** First sentence of a file's leading comment: a /** block or // lines. */
export function leadingComment(source: string): string {
  const text = source.replace(/^#!.*\n/, '').trimStart();
  let body = '';
  if (text.startsWith('/*')) body = text.slice(2, text.indexOf('*/') < 0 ? undefined : text.indexOf('*/')).replace(/^\s*\*+ ?/gm, '');
  else if (text.startsWith('//')) body = (/^(\/\/.*\n?)+/.exec(text)?.[0] ?? '').replace(/^\/\/ ?/gm, '');
  const flat = body.replace(/\s+/g, ' ').trim();
  const sentence = /^(.+?[.!?])(\s|$)/.exec(flat)?.[1] ?? flat;
  return sentence;
}

/**
 * A file in scenarios/ a profile can name: a name the profile schema takes,
 * not a test file (`*.test`, `*.spec`), and a default export for k6 to run.
 * Helper modules beside the scenarios are not listed as scenarios.
 */
export function isScenarioFile(name: string, source: string): boolean {
  if (!/^[a-z0-9][a-z0-9_-]*$/.test(name)) return false;
  return /\bexport\s+default\b|\bas\s+default\b/.test(source) || source.startsWith('// (unreadable');
}

export async function listScenarios(cwd: string): Promise<Array<{ name: string; description: string }>> {
  const out: Array<{ name: string; description: string }> = [];
  for (const [name, file] of await scenarioFiles(cwd)) {
    // A directory or link loop named like a scenario is listed as such, not fatal.
    const source = await readFile(file, 'utf8').catch((error: NodeJS.ErrnoException) => `// (unreadable: ${error.code ?? 'error'})`);
    if (isScenarioFile(name, source)) out.push({ name, description: leadingComment(source) });
  }
  return out;
}
