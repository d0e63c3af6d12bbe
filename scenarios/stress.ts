/**
 * Step the load up until the system breaks; the run aborts itself once errors run away.
 */
import exec from 'k6/execution';
import type { Options } from 'k6/options';
import { fullJourney } from './lib/flows.ts';

/** Error rate at which the test stops itself (STRESS_ABORT_ERROR_RATE, default 0.3 = 30 %). */
const abortRate = Number(__ENV.STRESS_ABORT_ERROR_RATE ?? '0.3');

// Merged with the profile's options by loadctl: these thresholds end the run
// early (k6 exit 99) instead of hammering a system that has already fallen over.
export const options: Options = {
  thresholds: {
    http_req_failed: [{ threshold: `rate<${abortRate}`, abortOnFail: true, delayAbortEval: '30s' }],
    checks: [{ threshold: `rate>${1 - abortRate}`, abortOnFail: true, delayAbortEval: '30s' }],
  },
};

export default function stress(): void {
  fullJourney(exec.vu.idInTest);
}
