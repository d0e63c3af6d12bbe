// Recovery measurement: after rollback, probe rounds every interval until K
// consecutive healthy rounds; the recovery time runs from rollback to the
// FIRST round of that streak (when its probes were sent). The maths is pure
// (firstHealthyStreak) so scripted sequences test it exactly.

export interface Round {
  /** Unix ms when the round's probes were sent. */
  at: number;
  healthy: boolean;
}

/** Index of the first round of the first run of `k` healthy rounds, or -1. */
export function firstHealthyStreak(rounds: readonly Round[], k: number): number {
  let streak = 0;
  for (let i = 0; i < rounds.length; i += 1) {
    streak = rounds[i]?.healthy ? streak + 1 : 0;
    if (streak >= k) return i - k + 1;
  }
  return -1;
}

export interface RecoveryOptions {
  rolledBackAt: number;
  intervalMs: number;
  healthyRounds: number;
  /** A streak must start within this long after rollback. */
  maxWaitMs: number;
  round(): Promise<boolean>;
  now(): number;
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
  signal?: AbortSignal;
  onRound?(round: Round): void;
}

export interface RecoveryOutcome {
  rounds: Round[];
  /** Unix ms of the first round of the healthy streak; null when not recovered. */
  recoveredAt: number | null;
  recoveryMs: number | null;
  interrupted: boolean;
}

export async function measureRecovery(o: RecoveryOptions): Promise<RecoveryOutcome> {
  const rounds: Round[] = [];
  let streak = 0;
  for (;;) {
    if (o.signal?.aborted) return { rounds, recoveredAt: null, recoveryMs: null, interrupted: true };
    const at = o.now();
    // Give up only between streaks: a streak begun inside the bound may finish.
    if (streak === 0 && at - o.rolledBackAt > o.maxWaitMs) break;
    const healthy = await o.round();
    const round = { at, healthy };
    rounds.push(round);
    o.onRound?.(round);
    streak = healthy ? streak + 1 : 0;
    const first = firstHealthyStreak(rounds, o.healthyRounds);
    if (first >= 0) {
      const recoveredAt = (rounds[first] as Round).at;
      return { rounds, recoveredAt, recoveryMs: Math.max(0, recoveredAt - o.rolledBackAt), interrupted: false };
    }
    await o.sleep(Math.max(0, at + o.intervalMs - o.now()), o.signal);
  }
  return { rounds, recoveredAt: null, recoveryMs: null, interrupted: false };
}

/** Resolves after ms, or at once when the signal aborts (never rejects). */
export function abortableSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted || ms <= 0) { resolve(); return; }
    const done = () => { clearTimeout(timer); signal?.removeEventListener('abort', done); resolve(); };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });
}
