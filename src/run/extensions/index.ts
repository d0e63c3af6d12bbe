// The registry of run extensions, in the order their hooks run: a live gate's
// stop is known before the chaos experiment is judged, the chaos phases
// before the gates are judged per phase, the gates' Prometheus client before
// the invariants read through it. A new run feature is one file here and one
// line below.
import type { RunExtension } from '../extension.ts';
import { liveGatesExtension } from './live-gates.ts';
import { chaosExtension } from './chaos.ts';
import { prometheusGatesExtension } from './prometheus-gates.ts';
import { invariantsExtension } from './invariants.ts';
import { capacityExtension } from './capacity.ts';
import { forwardExtension } from './forward.ts';

export const runExtensions: readonly RunExtension[] = [
  liveGatesExtension,
  chaosExtension,
  prometheusGatesExtension,
  invariantsExtension,
  capacityExtension,
  forwardExtension,
];
