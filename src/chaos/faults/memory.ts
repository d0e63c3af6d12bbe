// memory-pressure: lower a container's memory limit through the update API
// (optionally with a stressor inside), then put back the exact Memory,
// MemorySwap and MemoryReservation it had. A container with no limit at all is
// refused: the Engine API cannot remove a limit once set (0 means "unchanged"
// and -1 is rejected), so its original state could not be restored.
import { EnvironmentError, UsageError } from '../../errors.ts';
import type { Fault, FaultObservations } from './kind.ts';
import type { ContainerRef, FaultPlan, UndoSpec } from '../types.ts';
import { describe, formatBytes, parseBytes, requireRunning, seconds, shellQuote, type FaultContext } from './common.ts';
import { formatDuration } from '../../shared/duration.ts';
import { z } from 'zod';
import { defineFault } from './kind.ts';

const minimumBytes = 6 * 1024 * 1024; // the engine's floor

interface Baseline {
  ref: ContainerRef;
  memory: number;
  memorySwap: number;
  memoryReservation: number;
  restartCount: number;
  oomKills: number | undefined;
}

// cgroup v2 first, then v1: the kernel's own count of OOM kills in this container.
const oomCountScript =
  'cat /sys/fs/cgroup/memory.events 2>/dev/null || cat /sys/fs/cgroup/memory/memory.oom_control 2>/dev/null';

export function parseOomKills(text: string): number | undefined {
  const match = /^oom_kill (\d+)$/m.exec(text);
  return match ? Number(match[1]) : undefined;
}

export function memoryFault(ctx: FaultContext, spec: { memory: string; stress?: { bytes: string } }, targets: ContainerRef[]): Fault {
  const limit = parseBytes(spec.memory, 'memory limit');
  const stressBytes = spec.stress ? parseBytes(spec.stress.bytes, 'stress bytes') : undefined;
  if (limit < minimumBytes) throw new UsageError(`memory limit ${spec.memory} is below Docker's minimum of 6m`, { hint: 'use 6m or more' });
  const token = ctx.token();
  const pidFile = `/tmp/loadctl-stress-${token}.pid`;
  let baselines: Baseline[] = [];

  async function oomKills(ref: ContainerRef): Promise<number | undefined> {
    const result = await ctx.docker.exec(ref, ['sh', '-c', oomCountScript]).catch(() => undefined);
    return result ? parseOomKills(result.stdout) : undefined;
  }

  return {
    async plan(): Promise<FaultPlan> {
      baselines = [];
      const undo: UndoSpec[] = [];
      for (const ref of targets) {
        const info = await ctx.docker.inspect(ref);
        requireRunning(ref, info.State, 'memory-limit');
        const host = info.HostConfig;
        const memory = host.Memory ?? 0;
        if (memory <= 0) {
          throw new UsageError(`container ${describe(ref)} has no memory limit, and Docker cannot remove one once set, so loadctl could not restore it exactly`, {
            hint: 'give the service a limit first (compose `mem_limit: 1g` or `deploy.resources.limits.memory`), then run the experiment',
          });
        }
        if (limit >= memory) {
          throw new UsageError(`memory limit ${spec.memory} would not lower ${describe(ref)}'s limit of ${formatBytes(memory)}`, { hint: `use less than ${formatBytes(memory)}` });
        }
        const baseline = { ref, memory, memorySwap: host.MemorySwap ?? 0, memoryReservation: host.MemoryReservation ?? 0, restartCount: info.RestartCount, oomKills: await oomKills(ref) };
        baselines.push(baseline);
        undo.push({ kind: 'update-resources', container: ref, memory, memorySwap: baseline.memorySwap, memoryReservation: baseline.memoryReservation });
        if (stressBytes !== undefined) undo.push({ kind: 'exec', container: ref, cmd: ['sh', '-c', stopStressorScript(pidFile)] });
      }
      const stress = stressBytes === undefined ? '' : `, with a stressor allocating ${formatBytes(stressBytes)} inside`;
      const from = baselines.map((b) => `${describe(b.ref)} from ${formatBytes(b.memory)}`).join(', ');
      return { intent: `lower the memory limit of ${from} to ${formatBytes(limit)}${stress} for ${formatDuration(ctx.durationMs)}, then restore it exactly`, undo };
    },

    async apply(): Promise<void> {
      if (baselines.length !== targets.length) throw new Error('memory fault applied before it was planned');
      for (const b of baselines) {
        await ctx.docker.update(b.ref, {
          Memory: limit,
          // No swap while lowered, so the pressure is real.
          MemorySwap: limit,
          // A reservation may not exceed the limit.
          ...(b.memoryReservation > limit ? { MemoryReservation: limit } : {}),
        });
        if (stressBytes !== undefined) await startStressor(ctx, b.ref, pidFile, stressBytes);
      }
    },

    async observe(): Promise<FaultObservations> {
      let restarts = 0;
      let oomKilled = false;
      let kills = 0;
      for (const b of baselines) {
        const info = await ctx.docker.inspectIfExists(b.ref);
        if (!info) continue;
        restarts += Math.max(0, info.RestartCount - b.restartCount);
        oomKilled ||= info.State.OOMKilled;
        const now = info.State.Running ? await oomKills(b.ref) : undefined;
        if (now !== undefined && b.oomKills !== undefined) kills += Math.max(0, now - b.oomKills);
      }
      return { oomKilled, oomKills: kills, restarts };
    },
  };
}

/** TERM, then wait up to 3 s for the stressor (and its workers) to go, then KILL. Idempotent. */
export function stopStressorScript(pidFile: string): string {
  return [
    `p=$(cat ${pidFile} 2>/dev/null)`,
    'if [ -n "$p" ]; then kill "$p" 2>/dev/null; i=0',
    'while kill -0 "$p" 2>/dev/null && [ $i -lt 30 ]; do sleep 0.1; i=$((i+1)); done',
    'kill -9 "$p" 2>/dev/null; fi',
    `rm -f ${pidFile}; true`,
  ].join('; ');
}

async function startStressor(ctx: FaultContext, ref: ContainerRef, pidFile: string, bytes: number): Promise<void> {
  const secs = seconds(ctx.durationMs);
  // stress-ng when the image has it; otherwise tail buffering a newline-free stream is a portable allocator.
  const script =
    `echo $$ > ${pidFile}; ` +
    `if command -v stress-ng >/dev/null 2>&1; then exec stress-ng --vm 1 --vm-bytes ${bytes} --vm-keep --timeout ${secs}s --quiet; ` +
    `else exec timeout ${secs} sh -c ${shellQuote(`head -c ${bytes} /dev/zero | tail`)}; fi`;
  const check = await ctx.docker.exec(ref, ['sh', '-c', 'command -v stress-ng || command -v timeout']);
  if (check.exitCode !== 0) {
    throw new EnvironmentError(`container ${describe(ref)} has neither stress-ng nor timeout for the memory stressor`, {
      hint: 'drop `stress` from the step to lower the limit alone, or use an image with stress-ng',
    });
  }
  await ctx.docker.execDetached(ref, ['sh', '-c', script]);
}

export const memory = defineFault({
  kind: 'memory-limit',
  schema: z.strictObject({
    kind: z.literal('memory-limit'),
    memory: z.string().regex(/^\d+[bkmg]?$/i, 'write a size like 64m'),
    stress: z.strictObject({ bytes: z.string().regex(/^\d+[bkmg]?$/i, 'write a size like 48m') }).optional(),
  }),
  create: (ctx, spec, targets) => memoryFault(ctx, spec, targets),
});
