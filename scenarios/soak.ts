/**
 * Long steady journey that cancels half of its holds, so seats return to sale and leaks show up over hours.
 */
import exec from 'k6/execution';
import { fullJourney } from './lib/flows.ts';
import { config } from './lib/config.ts';

// Cancelling keeps inventory available for a run of hours.
if (__ENV.CANCEL_RATIO === undefined) config.cancelRatio = 0.5;

export default function soak(): void {
  fullJourney(exec.vu.idInTest, config.thinkTime * 2);
}
