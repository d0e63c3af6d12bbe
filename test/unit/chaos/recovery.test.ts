import { test } from 'node:test';
import assert from 'node:assert/strict';
import { firstHealthyStreak, measureRecovery } from '../../../src/chaos/recovery.ts';
import { fakeClock } from './memory-factory.ts';

const rounds = (pattern: string) => [...pattern].map((c, i) => ({ at: i * 100, healthy: c === '+' }));

test('firstHealthyStreak finds the first round of the first K-long healthy run', () => {
  assert.equal(firstHealthyStreak(rounds('--+-+++'), 3), 4);
  assert.equal(firstHealthyStreak(rounds('+++'), 3), 0);
  assert.equal(firstHealthyStreak(rounds('++-++'), 3), -1);
  assert.equal(firstHealthyStreak(rounds('-+'), 1), 1);
  assert.equal(firstHealthyStreak([], 1), -1);
});

test('a streak that starts inside the bound may finish after it; one starting later does not count', async () => {
  const run = async (pattern: string, maxWaitMs: number) => {
    const clock = fakeClock(0);
    const script = [...pattern];
    return measureRecovery({
      rolledBackAt: 0, intervalMs: 100, healthyRounds: 3, maxWaitMs, now: clock.now, sleep: clock.sleep,
      round: async () => { clock.advance(30); return script.shift() === '+'; },
    });
  };
  const inside = await run('---+++', 300);
  assert.equal(inside.recoveryMs, 300);
  assert.equal(inside.rounds.length, 6);
  const outside = await run('----+++', 300);
  assert.equal(outside.recoveryMs, null);
  assert.equal(outside.rounds.length, 4);
});

test('slow probes: the next round starts at once when a round overran the interval', async () => {
  const clock = fakeClock(0);
  const outcome = await measureRecovery({
    rolledBackAt: 0, intervalMs: 100, healthyRounds: 2, maxWaitMs: 10_000, now: clock.now, sleep: clock.sleep,
    round: async () => { clock.advance(250); return true; },
  });
  assert.deepEqual(outcome.rounds.map((r) => r.at), [0, 250]);
  assert.equal(outcome.recoveryMs, 0);
});
