// When to inject a fault under load. Pure: the profile's k6 options and the
// live feed's seconds go in, a decision comes out; no clock, no I/O.
//
// "Steady" means two things: the profile has reached the level it means to
// hold (for a ramping profile, the start of its hold stage, so a spike is
// broken at its peak and not during the warm-up), and the per-second request
// count has settled there (the last few seconds within a band of their mean).
import { holdStageIndex } from '../profiles/overrides.ts';
import { loadTestMs, scenariosOf } from '../k6/options.ts';
import { parseDuration } from '../shared/duration.ts';
import type { SecondStats } from '../live/types.ts';

export type InjectAt = { kind: 'steady' } | { kind: 'offset'; ms: number };

/** `--at steady` (the default) or `--at 60s` / `1m30s` / `1500ms`: time after k6 started. */
export function parseInjectAt(text: string | undefined): InjectAt | { error: string } {
  if (text === undefined || text === 'steady') return { kind: 'steady' };
  const ms = parseDuration(text);
  if (ms === undefined) return { error: `--at "${text}" is neither "steady" nor a duration such as 60s, 1m30s or 1500ms` };
  return { kind: 'offset', ms: Math.round(ms) };
}

/** How long the profile drives load, in seconds (the longest scenario); null when it cannot tell (iterations end when they are done). */
export function plannedLoadSeconds(k6Options: Record<string, unknown>): number | null {
  const ms = loadTestMs(k6Options);
  return ms === undefined ? null : ms / 1000;
}

/**
 * Seconds after start when the profile reaches the level it holds: the start of
 * the hold stage of a staged executor, the start of a constant one. The
 * earliest moment "steady" may be declared.
 */
export function holdStartSeconds(k6Options: Record<string, unknown>): number {
  let latest = 0;
  for (const s of scenariosOf(k6Options)) {
    let at = s.startMs;
    if (s.stages.length > 0) {
      const hold = holdStageIndex(s.startLevel, s.stages);
      at += s.stages.slice(0, hold).reduce((sum, st) => sum + st.durationMs, 0);
    }
    latest = Math.max(latest, at);
  }
  return latest / 1000;
}

export interface SteadyRule {
  /** Consecutive seconds that must agree. */
  windowSeconds: number;
  /** Each of them within this fraction of their mean request count. */
  band: number;
}

export const defaultSteadyRule: SteadyRule = { windowSeconds: 5, band: 0.25 };

/** True when the newest `windowSeconds` seconds all had requests and stay within the band. */
export function isSteady(recent: readonly SecondStats[], rule: SteadyRule = defaultSteadyRule): boolean {
  if (recent.length < rule.windowSeconds) return false;
  const window = recent.slice(-rule.windowSeconds);
  if (window.some((s) => s.requests <= 0)) return false;
  const mean = window.reduce((sum, s) => sum + s.requests, 0) / window.length;
  return window.every((s) => Math.abs(s.requests - mean) <= rule.band * mean);
}

export interface FitInput {
  at: InjectAt;
  holdStartSeconds: number;
  loadSeconds: number | null;
  /** Sum of the experiment's step holds. */
  faultSeconds: number;
  /** Consecutive healthy seconds that prove recovery. */
  recoverySeconds: number;
}

/**
 * Does the fault fit in the load? An offset past the end of the load is a
 * usage error; a window that leaves no time to see users recover is a warning
 * (the run would end with `recovered: false`).
 */
export function checkFit(input: FitInput): { error?: string; warning?: string; injectAtSeconds: number } {
  const injectAtSeconds = input.at.kind === 'offset' ? input.at.ms / 1000 : input.holdStartSeconds + defaultSteadyRule.windowSeconds;
  if (input.loadSeconds === null) return { injectAtSeconds };
  if (input.at.kind === 'offset' && injectAtSeconds >= input.loadSeconds) {
    return { injectAtSeconds, error: `--at ${injectAtSeconds}s is at or after the end of the load (${input.loadSeconds}s)` };
  }
  const needed = injectAtSeconds + input.faultSeconds + input.recoverySeconds;
  if (needed > input.loadSeconds) {
    return {
      injectAtSeconds,
      warning: `the load lasts ${input.loadSeconds}s but inject (~${Math.round(injectAtSeconds)}s) + fault (${input.faultSeconds}s) + ${input.recoverySeconds} healthy seconds need ${Math.ceil(needed)}s: recovery may not be seen`,
    };
  }
  return { injectAtSeconds };
}

/**
 * Seconds of served load after the hold start that the default trigger always
 * waits for, steady or not: without them the baseline phase has nothing to
 * compare the fault with (a short constant-vus profile used to inject ~1 s in).
 */
export const MIN_BASELINE_SECONDS = 5;

/**
 * How long to wait for "steady" before injecting anyway: the hold start plus a
 * bounded grace, never before the minimum baseline could have been seen.
 */
export function steadyDeadlineSeconds(holdStart: number, loadSeconds: number | null, faultSeconds: number): number {
  const grace = 30;
  const latestUseful = loadSeconds === null ? Infinity : Math.max(holdStart, loadSeconds - faultSeconds - 10);
  return Math.max(holdStart + MIN_BASELINE_SECONDS, Math.min(holdStart + grace, latestUseful));
}
