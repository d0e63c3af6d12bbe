// redis-failure: the container goes away for the duration.
//  - mode `stop`: a stop through the API. Docker marks it "manually stopped",
//    so its restart policy never fires; the undo starts it.
//  - mode `kill-in-place`: `kill -s SIG 1` run inside the container, so PID 1
//    exits as if it crashed and Docker's restart policy decides what happens
//    (an API kill would also count as a manual stop). The undo only makes
//    sure it runs: it waits out a restart in progress and starts the
//    container only if the policy did not bring it back.
import { EnvironmentError, UsageError } from '../../errors.ts';
import type { Fault, FaultObservations } from './kind.ts';
import type { ContainerRef, FaultPlan } from '../types.ts';
import { describe, pollUntil, requireRunning, type FaultContext } from './common.ts';
import { formatDuration } from '../../shared/duration.ts';
import { z } from 'zod';
import { defineFault } from './kind.ts';

const signals = new Set(['TERM', 'KILL', 'INT', 'QUIT', 'HUP', 'USR1', 'USR2', 'ABRT', 'SEGV']);
const stopGraceSeconds = 10;


export function normalizeSignal(signal: string | undefined): string {
  const name = (signal ?? 'TERM').toUpperCase().replace(/^SIG/, '');
  if (!signals.has(name)) {
    throw new UsageError(`signal "${signal}" is not one loadctl sends`, { hint: `use one of ${[...signals].map((s) => `SIG${s}`).join(', ')}` });
  }
  return name;
}

interface Baseline {
  ref: ContainerRef;
  startedAt: string;
  restartCount: number;
  policy: string;
}

export function stopFault(ctx: FaultContext, spec: { mode: 'stop' | 'kill-in-place'; signal?: string }, targets: ContainerRef[]): Fault {
  const signal = spec.mode === 'kill-in-place' ? normalizeSignal(spec.signal) : undefined;
  if (signal === 'KILL') {
    // Known before touching anything: the kernel never delivers SIGKILL from inside a PID namespace to its init.
    throw new UsageError('kill-in-place cannot use SIGKILL: sent from inside the container it never reaches PID 1 (the kernel shields a namespace\'s init)', {
      hint: 'use signal TERM, INT or QUIT (PID 1 exits as on a crash or shutdown), or mode stop',
    });
  }
  let baselines: Baseline[] = [];

  return {
    async plan(): Promise<FaultPlan> {
      baselines = [];
      for (const ref of targets) {
        const info = await ctx.docker.inspect(ref);
        requireRunning(ref, info.State, spec.mode === 'stop' ? 'stop' : 'kill-in-place');
        baselines.push({ ref, startedAt: info.State.StartedAt, restartCount: info.RestartCount, policy: info.HostConfig.RestartPolicy?.Name || 'no' });
      }
      const names = baselines.map((b) => describe(b.ref)).join(', ');
      const intent =
        spec.mode === 'stop'
          ? `stop ${names} through the API (restart policy bypassed) for ${formatDuration(ctx.durationMs)}, then start it`
          : `send SIG${signal} to PID 1 inside ${names} (kill-in-place; restart policy ${baselines.map((b) => b.policy).join(', ')} in charge), then make sure it runs`;
      return { intent, undo: targets.map((container) => ({ kind: 'start' as const, container })) };
    },

    async apply(): Promise<void> {
      if (baselines.length !== targets.length) throw new Error('stop fault applied before it was planned');
      for (const baseline of baselines) {
        if (spec.mode === 'stop') {
          await ctx.docker.stop(baseline.ref, stopGraceSeconds);
        } else {
          await killInPlace(ctx, baseline, signal ?? 'TERM');
        }
      }
    },

    async observe(): Promise<FaultObservations> {
      let restarts = 0;
      for (const baseline of baselines) {
        const info = await ctx.docker.inspectIfExists(baseline.ref);
        if (info) restarts += Math.max(0, info.RestartCount - baseline.restartCount);
      }
      return { mode: spec.mode, ...(signal ? { signal: `SIG${signal}` } : {}), restarts };
    },
  };
}

async function killInPlace(ctx: FaultContext, baseline: Baseline, signal: string): Promise<void> {
  // Detached: PID 1 dying tears down the exec session with it.
  await ctx.docker.execDetached(baseline.ref, ['sh', '-c', `kill -s ${signal} 1`]);
  const after = await pollUntil(
    ctx,
    () => ctx.docker.inspectIfExists(baseline.ref),
    (info) => !info || !info.State.Running || info.State.Restarting || info.State.StartedAt !== baseline.startedAt,
    ctx.exitWaitMs,
    200,
  );
  // Docker reports a container waiting out its restart delay as Running *and* Restarting.
  if (after && after.State.Running && !after.State.Restarting && after.State.StartedAt === baseline.startedAt) {
    throw new EnvironmentError(`PID 1 of ${describe(baseline.ref)} did not exit within ${Math.round(ctx.exitWaitMs / 1000)}s of SIG${signal} sent from inside the container`, {
      hint: 'its PID 1 ignores that signal (no handler) or drains slowly; try signal INT or QUIT, or mode stop',
    });
  }
}

export const stop = defineFault({
  kind: 'stop',
  schema: z.strictObject({ kind: z.literal('stop'), mode: z.enum(['stop', 'kill-in-place']).default('stop'), signal: z.string().optional() }),
  create: (ctx, spec, targets) => stopFault(ctx, spec, targets),
});
