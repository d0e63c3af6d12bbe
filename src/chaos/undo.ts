// Runs one serialized undo step. Every step first looks at the container and
// does only what is still missing, so running it twice (engine rollback, then
// `loadctl chaos recover`, or a watchdog racing either) changes nothing the
// second time. A container that no longer exists cannot be restored: that is
// a ContainerGoneError, except where its disappearance already undid the
// fault (processes we started in it, qdiscs in its network namespace).
import { EnvironmentError } from '../errors.ts';
import { ContainerGoneError } from '../docker/errors.ts';
import { createdByLabel, describe, targetLabel, pollUntil, shellQuote, type FaultContext } from './faults/common.ts';
import type { ContainerRef, UndoSpec } from './types.ts';

type UndoContext = Pick<FaultContext, 'docker' | 'sleep' | 'token' | 'helperImage'>;

/** How long a restart policy may take to bring a container back before we start it ourselves. */
const restartWaitMs = 15_000;
/** 2^62 bytes: exact as a JSON number, far beyond any machine, accepted by the kernel as a limit. */
const unlimitedSwap = 2 ** 62;

export async function executeUndo(ctx: UndoContext, spec: UndoSpec): Promise<void> {
  switch (spec.kind) {
    case 'start':
      return ensureRunning(ctx, spec.container);
    case 'unpause': {
      const info = await mustExist(ctx, spec.container, 'unpause');
      if (info.State.Paused) await ctx.docker.unpause(spec.container);
      return;
    }
    case 'connect': {
      const info = await mustExist(ctx, spec.container, `reconnect to ${spec.network}`);
      if (info.NetworkSettings.Networks[spec.network]) return;
      await ctx.docker.connect(spec.container, spec.network, spec.aliases, spec.ipv4);
      return;
    }
    case 'update-resources': {
      const info = await mustExist(ctx, spec.container, 'restore memory limits');
      const host = info.HostConfig;
      if (host.Memory === spec.memory && host.MemorySwap === spec.memorySwap && (host.MemoryReservation ?? 0) === spec.memoryReservation) return;
      // cgroup v1 refuses a memory limit above the memory+swap limit, and runc
      // leaves the kernel's swap limit alone when told -1; so raise the swap
      // limit first (to "practically unlimited" when the original is -1).
      const bridgeSwap = spec.memorySwap === -1 ? unlimitedSwap : spec.memorySwap;
      if (bridgeSwap > (host.MemorySwap ?? 0) && host.MemorySwap !== -1) {
        await ctx.docker.update(spec.container, { Memory: host.Memory ?? spec.memory, MemorySwap: bridgeSwap });
      }
      await ctx.docker.update(spec.container, {
        Memory: spec.memory,
        // 0 would mean "unchanged"; Docker never stores 0 next to a set limit.
        ...(spec.memorySwap !== 0 ? { MemorySwap: spec.memorySwap } : {}),
        // 0 means "leave as is" to the API; a reservation we never changed stays 0.
        ...(spec.memoryReservation > 0 ? { MemoryReservation: spec.memoryReservation } : {}),
      });
      return;
    }
    case 'tc-restore':
      return restoreQdisc(ctx, spec);
    case 'exec': {
      // A process we started inside dies with the container: nothing to stop if it is gone or stopped.
      const info = await ctx.docker.inspectIfExists(spec.container);
      if (!info || !info.State.Running) return;
      const result = await ctx.docker.exec(spec.container, spec.cmd);
      if (result.exitCode !== 0) {
        throw new EnvironmentError(`undo command in ${describe(spec.container)} failed (exit ${result.exitCode}): ${firstLine(result.stderr || result.stdout)}`, {
          hint: `run it by hand: docker exec ${spec.container.name} ${spec.cmd.map(shellQuote).join(' ')}`,
        });
      }
      return;
    }
    case 'remove-container':
      return ctx.docker.remove(spec.container);
  }
}

async function mustExist(ctx: UndoContext, ref: ContainerRef, what: string) {
  const info = await ctx.docker.inspectIfExists(ref);
  if (!info) throw new ContainerGoneError(ref, what);
  return info;
}

async function ensureRunning(ctx: UndoContext, ref: ContainerRef): Promise<void> {
  let info = await mustExist(ctx, ref, 'start');
  if (info.State.Restarting) {
    // The restart policy is at work (kill-in-place): let it finish rather than race it.
    info = (await pollUntil(ctx, () => mustExist(ctx, ref, 'start'), (i) => !i.State.Restarting, restartWaitMs, 200));
  }
  if (info.State.Running) return;
  await ctx.docker.start(ref);
}

function firstLine(text: string): string {
  return text.trim().split('\n')[0] ?? '';
}

/** tc says these when there is nothing to delete: the qdisc is already the default. */
export function isAlreadyDefault(stderr: string): boolean {
  return /handle of zero|Cannot find specified qdisc|No such file or directory|Invalid handle/i.test(stderr);
}

/** One `sh -c` script: each restore command, tolerating "already restored". */
export function restoreScript(commands: string[][]): string {
  return commands
    .map((argv) => {
      const line = argv.map(shellQuote).join(' ');
      return argv.includes('del') ? `${line} 2>/dev/null || true` : line;
    })
    .join(' && ');
}

async function restoreQdisc(ctx: UndoContext, spec: Extract<UndoSpec, { kind: 'tc-restore' }>): Promise<void> {
  const info = await ctx.docker.inspectIfExists(spec.container);
  // The network namespace dies with the container's processes, and our qdisc with it.
  if (!info || !info.State.Running) return;
  if (spec.via === 'exec' && !info.State.Paused) {
    for (const argv of spec.restore) {
      const result = await ctx.docker.exec(spec.container, argv);
      if (result.exitCode !== 0 && !(argv.includes('del') && isAlreadyDefault(result.stderr))) {
        throw new EnvironmentError(`could not restore the qdisc of ${describe(spec.container)}: ${firstLine(result.stderr)}`, {
          hint: `run it by hand: docker exec ${spec.container.name} ${argv.map(shellQuote).join(' ')}`,
        });
      }
    }
    return;
  }
  const name = `loadctl-tc-restore-${spec.container.id.slice(0, 12)}-${ctx.token()}`;
  const helper = await ctx.docker.runHelper({
    name,
    image: spec.helperImage ?? ctx.helperImage,
    networkOf: spec.container,
    cmd: ['sh', '-c', restoreScript(spec.restore)],
    capAdd: ['NET_ADMIN'],
    labels: { [createdByLabel]: 'tc-restore', [targetLabel]: spec.container.id },
    autoRemove: false,
  });
  try {
    const code = await ctx.docker.wait(helper);
    if (code !== 0) {
      const logs = await ctx.docker.logs(helper).catch(() => '');
      throw new EnvironmentError(`could not restore the qdisc of ${describe(spec.container)}: ${firstLine(logs) || `helper exited ${code}`}`, {
        hint: `check the helper image ${spec.helperImage ?? ctx.helperImage} has tc, then run \`loadctl chaos recover\``,
      });
    }
  } finally {
    await ctx.docker.remove(helper);
  }
}
