// The VUs a ramping-vus scenario needs over time, as k6 plans them
// (lib/executor/ramping_vus.go, for one whole instance): one step per VU
// started or stopped along each linear ramp, then every ramp-down held for
// gracefulRampDown, since a stopped VU may still finish its iteration.

/** One stage of a ramping executor, its duration in ms. */
export interface Stage { durationMs: number; target: number }

/** k6's ExecutionStep: from `atMs` on, this many VUs planned, and this many more that may be started. */
export interface ExecutionStep { atMs: number; plannedVus: number; unplannedVus: number }

/** Steps from the scenario's own start; `endMs` is its stages plus gracefulStop. */
export function rampingVusSteps(startVus: number, stages: readonly Stage[], gracefulRampDownMs: number, endMs: number): ExecutionStep[] {
  let steps = rawSteps(startVus, stages);
  if (gracefulRampDownMs > 0) steps = holdRampDowns(steps, gracefulRampDownMs, endMs);
  if (steps[steps.length - 1]!.plannedVus !== 0) steps.push({ atMs: endMs, plannedVus: 0, unplannedVus: 0 });
  return steps;
}

function rawSteps(startVus: number, stages: readonly Stage[]): ExecutionStep[] {
  const steps: ExecutionStep[] = [{ atMs: 0, plannedVus: startVus, unplannedVus: 0 }];
  const add = (atMs: number, vus: number): void => {
    if (steps[steps.length - 1]!.plannedVus !== vus) steps.push({ atMs, plannedVus: vus, unplannedVus: 0 });
  };
  let from = startVus;
  // k6's segmented index: where the walk over VU numbers stands (one past the target after a ramp up).
  let at = startVus;
  let tillEnd = 0;
  for (const stage of stages) {
    const to = stage.target;
    tillEnd += stage.durationMs;
    const diff = to - from;
    if (diff === 0) continue;
    if (stage.durationMs === 0) {
      at = to;
      add(tillEnd, to);
    } else if (at > to) {
      // A VU stops at the time the next one down would have started.
      for (; at > to; at--) add(tillEnd - Math.trunc((stage.durationMs * (to - at + 1)) / diff), at - 1);
    } else {
      for (; at <= to; at++) add(tillEnd - Math.trunc((stage.durationMs * (to - at)) / diff), at);
    }
    from = to;
  }
  return steps;
}

/** k6's reserveVUsForGracefulRampDowns: after a drop, the VUs stay planned for gracefulRampDown unless the ramp climbs back first. */
function holdRampDowns(raw: readonly ExecutionStep[], gracefulMs: number, endMs: number): ExecutionStep[] {
  const out: ExecutionStep[] = [];
  let last = 0;
  let slope = 0;
  for (let i = 0; i < raw.length; i++) {
    const step = raw[i]!;
    if (i === 0 || step.plannedVus > last) {
      out.push(step);
      last = step.plannedVus;
      continue;
    }
    if (step.plannedVus === last) continue;
    const until = step.atMs + gracefulMs;
    let skipped = false;
    let down = true;
    for (let j = Math.max(slope, i + 1); j < raw.length; j++) {
      const ahead = raw[j]!;
      if (ahead.atMs > until) break;
      if (ahead.plannedVus >= last) {
        i = j - 1;
        skipped = true;
        break;
      }
      if (down) {
        if (raw[j - 1]!.plannedVus > ahead.plannedVus) slope = j;
        else down = false;
      }
    }
    if (skipped) continue;
    if (until >= endMs) break;
    out.push({ atMs: until, plannedVus: step.plannedVus, unplannedVus: 0 });
    last = step.plannedVus;
  }
  return out;
}
