// The k6 JSON config (k6-config/native-histograms.json, shipped with loadctl)
// that asks the remote-write output for native histograms without k6's
// feature flag; see nativeHistogramEnv in ./features.ts for why.
import { join } from 'node:path';
import { packageRoot } from '../profiles/load.ts';

export const NATIVE_HISTOGRAM_CONFIG = join(packageRoot(), 'k6-config', 'native-histograms.json');
