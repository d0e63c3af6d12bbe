// Command-line overrides applied to a validated profile. Pure: returns the new
// profile or every problem with the overrides, never throws.
//
// --vus N       ramping-vus: every stage target and startVUs are scaled by
//               N / peak (peak = the highest of startVUs and the stage targets),
//               rounded, so the peak becomes exactly N; a level above 0 stays >= 1.
//               constant-vus: vus = N.
//               arrival-rate executors: N is the VU budget. maxVUs (or
//               preAllocatedVUs when maxVUs is unset) becomes N, and
//               preAllocatedVUs, the rates and the stage targets are scaled by
//               the same factor, so the load per VU stays what the profile meant.
// --duration D  constant executors: duration = D. Ramping executors: the hold
//               stage gets duration D, where the hold stage is the longest stage
//               that stays at the peak level (its target equals the level before
//               it and is the peak); without such a plateau, the longest stage
//               that keeps its level; without any, the longest stage.
// --base-url U  env BASE_URL = U (wins over --env BASE_URL=...).
// --env K=V     merged over the profile's env, last one wins.
import type { ProfileOverrides } from './types.ts';
import { type ProfileSpec, type Validation } from './schema.ts';
import { limits, runDurationProblem, wholeProblem } from '../inputs/bounds.ts';
import { checkHttpUrl } from '../inputs/url.ts';
import { parseDuration } from '../shared/duration.ts';

function scaleLevel(level: number, factor: number): number {
  if (level === 0) return 0;
  return Math.max(1, Math.round(level * factor));
}

/** Index of the stage --duration replaces (see the header). */
export function holdStageIndex(start: number, stages: ReadonlyArray<{ durationMs: number; target: number }>): number {
  const peak = Math.max(start, ...stages.map((s) => s.target));
  const flat: number[] = [];
  const flatAtPeak: number[] = [];
  stages.forEach((s, i) => {
    const before = i === 0 ? start : stages[i - 1]!.target;
    if (s.target === before) {
      flat.push(i);
      if (s.target === peak) flatAtPeak.push(i);
    }
  });
  const candidates = flatAtPeak.length > 0 ? flatAtPeak : flat.length > 0 ? flat : stages.map((_, i) => i);
  return candidates.reduce((best, i) => (stages[i]!.durationMs > stages[best]!.durationMs ? i : best), candidates[0]!);
}

function checkOverrides(o: ProfileOverrides): string[] {
  const problems: string[] = [];
  const vus = o.vus === undefined ? undefined : wholeProblem('--vus', o.vus, limits.vus);
  if (vus) problems.push(vus);
  // k6 itself refuses a constant executor under 1 s (exit 104); say so before bundling.
  const duration = o.duration === undefined ? undefined : runDurationProblem('--duration', o.duration);
  if (duration) problems.push(duration);
  if (o.baseUrl !== undefined) {
    const url = checkHttpUrl('--base-url', o.baseUrl);
    if (!url.ok) problems.push(url.problem);
  }
  for (const key of Object.keys(o.env ?? {})) {
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(key)) problems.push(`--env: "${key}" is not a valid variable name (letters, digits and _)`);
  }
  return problems;
}

/** The VU budget of an arrival-rate executor: the largest of its VU counts becomes exactly `vus`. */
function vuBudget(spec: { preAllocatedVUs: number; maxVUs?: number | undefined }, vus: number, factor: number): { preAllocatedVUs: number; maxVUs?: number } {
  if (spec.maxVUs === undefined) return { preAllocatedVUs: vus };
  return { preAllocatedVUs: Math.min(vus, scaleLevel(spec.preAllocatedVUs, factor)), maxVUs: vus };
}

function withVus(spec: ProfileSpec, vus: number): ProfileSpec {
  switch (spec.executor) {
    case 'constant-vus':
      return { ...spec, vus };
    case 'ramping-vus': {
      const peak = Math.max(spec.startVUs, ...spec.stages.map((s) => s.target));
      // The peak is set exactly, so rounding can never land it one off.
      const scale = (level: number) => (level === peak ? vus : scaleLevel(level, vus / peak));
      return { ...spec, startVUs: scale(spec.startVUs), stages: spec.stages.map((s) => ({ ...s, target: scale(s.target) })) };
    }
    case 'ramping-arrival-rate': {
      const factor = vus / (spec.maxVUs ?? spec.preAllocatedVUs);
      return {
        ...spec,
        ...vuBudget(spec, vus, factor),
        startRate: scaleLevel(spec.startRate, factor),
        stages: spec.stages.map((s) => ({ ...s, target: scaleLevel(s.target, factor) })),
      };
    }
    case 'constant-arrival-rate': {
      const factor = vus / (spec.maxVUs ?? spec.preAllocatedVUs);
      return { ...spec, ...vuBudget(spec, vus, factor), rate: scaleLevel(spec.rate, factor) };
    }
  }
}

function withDuration(spec: ProfileSpec, duration: string): ProfileSpec {
  switch (spec.executor) {
    case 'constant-vus':
    case 'constant-arrival-rate':
      return { ...spec, duration };
    case 'ramping-vus':
    case 'ramping-arrival-rate': {
      const start = spec.executor === 'ramping-vus' ? spec.startVUs : spec.startRate;
      const hold = holdStageIndex(start, spec.stages.map((s) => ({ durationMs: parseDuration(s.duration) ?? 0, target: s.target })));
      return { ...spec, stages: spec.stages.map((s, i) => (i === hold ? { ...s, duration } : s)) };
    }
  }
}

/** Applies command-line overrides (see the header for the exact rules). */
export function applyOverrides(spec: ProfileSpec, overrides: ProfileOverrides = {}): Validation<ProfileSpec> {
  const problems = checkOverrides(overrides);
  if (problems.length > 0) return { ok: false, problems };
  let out = spec;
  if (overrides.vus !== undefined) out = withVus(out, overrides.vus);
  if (overrides.duration !== undefined) out = withDuration(out, overrides.duration);
  const env = { ...(out.env ?? {}), ...(overrides.env ?? {}), ...(overrides.baseUrl !== undefined ? { BASE_URL: overrides.baseUrl } : {}) };
  if (Object.keys(env).length > 0) out = { ...out, env };
  return { ok: true, value: out };
}
