// The capacity block's shapes: what analyse.ts computes and words.ts,
// render.ts and the reports read. Types only, so every module can import them.
import type { CapacityLimits } from './limits.ts';
import type { LoadUnit } from './plan.ts';

export type StepVerdict = 'pass' | 'fail' | 'not-reached';

export interface StepFigures {
  index: number;
  level: number;
  /** Unix seconds: the first second counted and the second after the last. */
  from: number;
  to: number;
  seconds: number;
  requests: number;
  requestRate: number;
  /** Request-weighted means of the per-second percentiles, ms. */
  p95: number | null;
  p99: number | null;
  /** The worst second's p99, ms. */
  p99Max: number | null;
  errorRate: number;
  verdict: StepVerdict;
  /** Seconds into the hold when the failing window began. */
  brokeAfterSeconds: number | null;
  /** Unix seconds: the first second of the failing window. */
  brokeAt: number | null;
  /** What the failing window missed, e.g. "p99 2.8 s > 2 s". */
  reasons: string[];
  /** The hold ended before its planned end (k6 stopped early). */
  cutShort: boolean;
  /** Iterations k6 dropped during the hold (arrival rate: no free VU); 0 when none or unknown. */
  droppedIterations?: number;
}

export interface CapacityBreak {
  step: number;
  level: number;
  /** 'ramp' when the window began on the way up to the step, at about `level`. */
  during: 'hold' | 'ramp';
  afterSeconds: number;
  /** Unix seconds: the first second of the failing window. */
  at: number;
  reasons: string[];
}

export interface CapacityKnee {
  step: number;
  level: number;
  requestRate: number;
  previousLevel: number;
  previousRequestRate: number;
}

export interface CapacityBlock {
  answer: string;
  verdict: 'broke' | 'did-not-break' | 'no-data';
  unit: LoadUnit;
  limits: CapacityLimits;
  /** Unix ms when the scenario started (k6's own clock zero). */
  startedAt: number;
  steps: StepFigures[];
  stableUpTo: { step: number; level: number; requestRate: number; p99: number | null; errorRate: number } | null;
  broke: CapacityBreak | null;
  knee: CapacityKnee | null;
}
