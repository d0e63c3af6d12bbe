// `--recovery target=30s,errors=5%,p99=2s,seconds=5`: what a healthy second is
// and how fast users must get back to one. Pure; every problem comes back as
// data, then the range checks of resolveRecoveryTargets.
import { parseDuration } from '../shared/duration.ts';
import { resolveRecoveryTargets, type RecoveryTargets } from '../live/phases.ts';

const KEYS = {
  target: 'maxRecoverySeconds',
  errors: 'maxErrorRate',
  p99: 'maxP99Ms',
  seconds: 'consecutiveSeconds',
} as const;

export function parseRecoveryFlag(text: string | undefined): { ok: true; targets: RecoveryTargets } | { ok: false; errors: string[] } {
  const partial: Partial<RecoveryTargets> = {};
  const errors: string[] = [];
  for (const part of (text ?? '').split(',').map((p) => p.trim()).filter(Boolean)) {
    const eq = part.indexOf('=');
    const key = eq > 0 ? part.slice(0, eq) : part;
    const value = eq > 0 ? part.slice(eq + 1) : '';
    if (!(key in KEYS)) {
      errors.push(`--recovery: unknown setting "${key}" (known: ${Object.keys(KEYS).join(', ')})`);
      continue;
    }
    const field = KEYS[key as keyof typeof KEYS];
    if (key === 'target' || key === 'p99') {
      const ms = parseDuration(value);
      if (ms === undefined) {
        errors.push(`--recovery ${key}=${value}: expected a duration such as 30s or 1500ms`);
        continue;
      }
      partial[field] = key === 'target' ? ms / 1000 : ms;
    } else if (key === 'errors') {
      const m = /^(\d+(?:\.\d+)?)(%?)$/.exec(value);
      if (!m) {
        errors.push(`--recovery errors=${value}: expected a percentage such as 5% (or a fraction, 0.05)`);
        continue;
      }
      partial.maxErrorRate = m[2] === '%' ? Number(m[1]) / 100 : Number(m[1]);
    } else {
      if (!/^\d+$/.test(value)) {
        errors.push(`--recovery seconds=${value}: expected a whole number of seconds, e.g. 5`);
        continue;
      }
      partial.consecutiveSeconds = Number(value);
    }
  }
  const resolved = resolveRecoveryTargets(partial);
  const all = [...errors, ...resolved.errors];
  return all.length > 0 ? { ok: false, errors: all } : { ok: true, targets: resolved.targets };
}
