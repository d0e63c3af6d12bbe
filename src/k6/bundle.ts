// Placeholder signature: the owner of bundling replaces the body.
import type { ResolvedProfile } from '../profiles/types.ts';

/** Environment variable through which the injected handleSummary learns where to write. */
export const SUMMARY_PATH_ENV = 'LOADCTL_SUMMARY_PATH';

export interface BundleResult {
  /** Absolute path of the bundled ES module k6 runs. */
  scriptPath: string;
  /** Absolute path of its source map. */
  mapPath: string;
  durationMs: number;
}

/**
 * Bundles profile.scenarioFile into outDir/script.js: k6 modules external, the
 * profile's k6Options exported as `options`, and a handleSummary that writes
 * k6's summary data (with p(99) in trendStats) as JSON to $LOADCTL_SUMMARY_PATH.
 */
export async function bundleScenario(_profile: ResolvedProfile, _outDir: string): Promise<BundleResult> {
  throw new Error('bundleScenario is not built yet');
}
