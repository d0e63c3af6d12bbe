// How to ask a given k6 for native histograms in its remote-write output.
// k6 v2.1.0 brought feature flags (`--features`, `K6_FEATURES`, `k6
// features`) with `native-histograms` as the first one, and made the old
// K6_PROMETHEUS_RW_TREND_AS_NATIVE_HISTOGRAM a deprecated alias that logs
// "Legacy env var detected" (v2.2.0) and that a later k6 refuses outright
// ("no longer supported"). Older k6 (v0.49 to v2.0) knows only the old
// variable and ignores K6_FEATURES. Pure: the version and k6's environment go in.
import type { K6Version } from './locate.ts';

export const NATIVE_HISTOGRAMS_FEATURE = 'native-histograms';
export const LEGACY_NATIVE_HISTOGRAM_ENV = 'K6_PROMETHEUS_RW_TREND_AS_NATIVE_HISTOGRAM';
/** The first k6 with K6_FEATURES. */
export const FEATURES_SINCE = { major: 2, minor: 1 } as const;

export function hasFeatureFlags(version: Pick<K6Version, 'major' | 'minor'>): boolean {
  return version.major !== FEATURES_SINCE.major ? version.major > FEATURES_SINCE.major : version.minor >= FEATURES_SINCE.minor;
}

/**
 * The environment that turns native histograms on for this k6. `env` is what
 * k6 would otherwise get: a K6_FEATURES the user set is kept and extended, not
 * replaced. An unknown version (a dry run needs no k6) gets the old variable,
 * which every supported k6 still reads.
 *
 * With `configFile` (a k6 JSON config that sets the output's own
 * trendAsNativeHistogram, passed as K6_CONFIG), a k6 with feature flags gets
 * that instead of the flag: the flag tags every sample of every output with
 * k6_feature_native_histograms, the user's own `--out json` points included,
 * and the output's argument form is ignored by k6 v2. A K6_CONFIG the user
 * set is theirs: then the flag it is.
 */
export function nativeHistogramEnv(version: Pick<K6Version, 'major' | 'minor'> | undefined, env: Readonly<Record<string, string | undefined>> = {}, configFile?: string): Record<string, string> {
  if (!version || !hasFeatureFlags(version)) return { [LEGACY_NATIVE_HISTOGRAM_ENV]: 'true' };
  if (configFile && !env.K6_CONFIG) return { K6_CONFIG: configFile };
  const current = (env.K6_FEATURES ?? '').split(',').map((f) => f.trim()).filter(Boolean);
  if (current.includes(NATIVE_HISTOGRAMS_FEATURE)) return { K6_FEATURES: current.join(',') };
  return { K6_FEATURES: [...current, NATIVE_HISTOGRAMS_FEATURE].join(',') };
}
