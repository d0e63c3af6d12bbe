// Finds, reads and resolves experiments in <cwd>/chaos/*.yaml (then loadctl's own): the only file
// I/O for experiments. Validation itself is pure (experiment-schema.ts).
import { join, resolve } from 'node:path';
import { parseDocument } from 'yaml';
import { UsageError } from '../errors.ts';
import { durationProblem } from '../inputs/bounds.ts';
import { readYamlText, yamlData } from '../inputs/yaml-file.ts';
import { catalogue } from '../profiles/load.ts';
import type { FaultSpec, TargetSelector } from './fault.ts';
import { parseDuration } from '../shared/duration.ts';
import { validateExperiment, type Experiment, type ExperimentFile, type Probe } from './experiment-schema.ts';

export interface ExperimentOverrides {
  /** Duration of every step, e.g. "30s". */
  duration?: string;
  /** The flag that gave it, for messages (default --duration; gameday's is --hold). */
  durationFlag?: string;
  /** Mode of every stop fault. */
  mode?: 'stop' | 'kill-in-place';
  /** ref -> container name, from `--target ref=name`. */
  targets?: Record<string, string>;
  /** Compose project: every target is then selected by project + service. */
  project?: string;
  /** Values for ${NAME} and ${NAME:-default} in the file (usually process.env). */
  vars?: Record<string, string | undefined>;
}

// The project's own chaos/ shadows the experiments shipped with loadctl.
const experimentFiles = (cwd: string) => catalogue(cwd, 'chaos', ['.yaml', '.yml']);

export async function listExperiments(cwd: string): Promise<Array<{ name: string; description: string }>> {
  const out: Array<{ name: string; description: string }> = [];
  for (const [name, file] of await experimentFiles(cwd)) {
    // A directory, a link loop or an alias bomb marks this entry invalid; the rest still list.
    const text = await readYamlText(file, file);
    const doc = text.ok ? parseDocument(text.value) : undefined;
    const data = doc && doc.errors.length === 0 ? yamlData(doc, file) : undefined;
    const raw: unknown = data?.ok ? data.value : undefined;
    const description = isRecord(raw) && typeof raw.description === 'string'
      ? raw.description
      : `(invalid file: run \`loadctl chaos ${name} --dry-run\` to see why)`;
    out.push({ name, description });
  }
  return out;
}

export async function loadExperiment(name: string, options: { cwd: string; overrides?: ExperimentOverrides }): Promise<Experiment> {
  const files = await experimentFiles(options.cwd);
  const file = files.get(name);
  if (!file) {
    const known = [...files.keys()];
    throw new UsageError(
      `unknown experiment "${name}" (known: ${known.length > 0 ? known.join(', ') : `none in ${join(options.cwd, 'chaos')}`})`,
      { hint: 'loadctl list' },
    );
  }
  const text = await readYamlText(file, resolve(file));
  if (!text.ok) throw invalid(resolve(file), [text.problem]);
  return resolveExperiment(text.value, resolve(file), name, options.overrides ?? {});
}

/** Pure: YAML text to a runnable experiment, or a UsageError listing every problem. */
export function resolveExperiment(text: string, file: string, expectedName: string | undefined, overrides: ExperimentOverrides): Experiment {
  const doc = parseDocument(text, { prettyErrors: true });
  if (doc.errors.length > 0) {
    throw invalid(file, doc.errors.map((e) => `${file}: line ${e.linePos?.[0]?.line ?? '?'}: ${(e.message.split('\n')[0] ?? '').replace(/ at line \d+, column \d+:?$/, '')}`));
  }
  const data = yamlData(doc, file);
  if (!data.ok) throw invalid(file, [data.problem]);
  const vars = overrides.vars ?? {};
  const varErrors: string[] = [];
  const raw = substitute(data.value, vars, [], (path, msg) => varErrors.push(`${file}: ${path}: ${msg}`));
  if (varErrors.length > 0) throw invalid(file, varErrors);
  const result = validateExperiment(raw, file, expectedName);
  if (!result.ok) throw invalid(file, result.errors);
  return applyOverrides(result.data, file, overrides);
}

function applyOverrides(data: ExperimentFile, file: string, overrides: ExperimentOverrides): Experiment {
  const refs = Object.keys(data.targets);
  for (const ref of Object.keys(overrides.targets ?? {})) {
    if (!refs.includes(ref)) throw new UsageError(`--target ${ref}=...: experiment ${data.name} has no target "${ref}" (targets: ${refs.join(', ')})`);
  }
  let durationMs: number | undefined;
  if (overrides.duration !== undefined) {
    const flag = overrides.durationFlag ?? '--duration';
    durationMs = parseDuration(overrides.duration);
    if (durationMs === undefined || durationMs <= 0) {
      throw new UsageError(`${flag} ${overrides.duration}: ${durationMs === undefined ? 'not a duration' : 'a fault must hold for more than 0s'}`, { hint: `write e.g. ${flag} 30s or ${flag} 500ms` });
    }
    const tooLong = durationProblem(`${flag} ${overrides.duration}`, durationMs);
    if (tooLong) throw new UsageError(tooLong, { hint: `a fault holds for at most that long; write e.g. ${flag} 30s` });
  }
  if (overrides.mode && !data.steps.some((s) => s.fault.kind === 'stop')) {
    throw new UsageError(`--mode ${overrides.mode}: experiment ${data.name} has no stop step to which a mode applies`);
  }
  const targets: Record<string, TargetSelector> = {};
  for (const [ref, t] of Object.entries(data.targets)) {
    const named = overrides.targets?.[ref];
    if (named) targets[ref] = { container: named };
    else if (overrides.project) targets[ref] = { project: overrides.project, service: t.service ?? t.container ?? ref };
    else if (t.container) targets[ref] = { container: t.container };
    else if (t.project) targets[ref] = { project: t.project, service: t.service ?? ref };
    else targets[ref] = { service: t.service ?? ref, names: t.names ?? [t.service ?? ref] };
  }
  return {
    name: data.name,
    description: data.description,
    file,
    targets,
    probes: data.steadyState.probes.map((p) => ({ ...p, name: p.name ?? probeName(p) })),
    steps: data.steps.map((s, i) => ({
      name: s.name ?? `${s.fault.kind} ${s.target}`.trim() + (data.steps.length > 1 ? ` #${i + 1}` : ''),
      target: s.target,
      fault: withMode(s.fault, overrides.mode),
      durationMs: durationMs ?? s.duration,
    })),
    recovery: {
      targetMs: data.recovery.target,
      intervalMs: data.recovery.interval,
      healthyRounds: data.recovery.healthyRounds,
      maxWaitMs: Math.max(data.recovery.maxWait, data.recovery.target),
    },
    watchdogGraceMs: data.watchdogGrace,
    ...(data.prometheus ? { prometheus: data.prometheus } : {}),
    ...(data.invariants ? { invariants: data.invariants } : {}),
  };
}

function withMode(fault: FaultSpec, mode: ExperimentOverrides['mode']): FaultSpec {
  return fault.kind === 'stop' && mode ? { ...fault, mode } : fault;
}

export function probeName(p: Probe): string {
  if (p.type === 'http') return `GET ${p.url} -> ${p.status}${p.json ? ` (${p.json.path} = ${JSON.stringify(p.json.equals)})` : ''}`;
  if (p.type === 'tcp') return `tcp ${p.address}`;
  return `exec in ${p.target}: ${p.command.join(' ')}`;
}

const VARIABLE = /\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}/g;

/** Replaces ${NAME} and ${NAME:-default} in every string of the document. */
function substitute(value: unknown, vars: Record<string, string | undefined>, path: string[], fail: (path: string, msg: string) => void): unknown {
  if (typeof value === 'string') {
    return value.replace(VARIABLE, (whole, key: string, fallback: string | undefined) => {
      const set = vars[key];
      if (set !== undefined && set !== '') return set;
      if (fallback !== undefined) return fallback;
      fail(path.join('.') || '(top level)', `variable ${key} is not set (export ${key}=... or write \${${key}:-default})`);
      return whole;
    });
  }
  if (Array.isArray(value)) return value.map((v, i) => substitute(v, vars, [...path, String(i)], fail));
  if (isRecord(value)) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, substitute(v, vars, [...path, k], fail)]));
  }
  return value;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function invalid(file: string, errors: string[]): UsageError {
  return new UsageError(`invalid experiment ${file}:\n  ${errors.join('\n  ')}`, { hint: 'fix the fields named above; CHAOS_SCENARIOS.md shows each experiment' });
}
