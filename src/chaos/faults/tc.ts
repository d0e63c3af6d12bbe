// The mechanics shared by latency, packet-loss and bandwidth: install one root
// qdisc in the target's network namespace with `tc qdisc replace`, and put back
// what was there. tc runs either inside the target (when it has tc and
// NET_ADMIN) or in a helper container that joins its namespace
// (NetworkMode container:<id>, CapAdd NET_ADMIN). Either way a sleeper started
// next to the fault restores the qdisc by itself once duration + grace have
// passed, so a kill -9 of loadctl cannot leave the network degraded for long.
import { z } from 'zod';
import { EnvironmentError, UsageError } from '../../errors.ts';
import type { Fault } from './kind.ts';
import type { ContainerDetails } from '../../docker/client.ts';
import type { ContainerRef, FaultPlan, UndoSpec } from '../types.ts';
import { createdByLabel, describe, targetLabel, tcImageEnv, requireRunning, seconds, type FaultContext } from './common.ts';
import { restoreCommands, tcFailure, validateDevice } from './qdisc.ts';
import { restoreScript } from '../undo.ts';
import { formatDuration } from '../../shared/duration.ts';

/** Where tc runs: the device in the target and the helper image, for every qdisc fault. */
export const helperFields = { device: z.string().min(1).optional(), helperImage: z.string().min(1).optional() };

export interface QdiscFaultSpec {
  /** What the fault does, for the plan line ("add 100ms latency"). */
  label: string;
  /** The qdisc after `root`: ["tbf", "rate", ...]. */
  qdisc: string[];
  device?: string;
  helperImage?: string;
}

interface Route {
  ref: ContainerRef;
  device: string;
  via: 'exec' | 'helper';
  restore: string[][];
  /** The helper container (via helper) or the sleeper's pid file (via exec). */
  helperName: string;
  pidFile: string;
}

export function hasNetAdmin(info: Pick<ContainerDetails, 'HostConfig'>): boolean {
  const host = info.HostConfig;
  if (host.Privileged) return true;
  return ((host.CapAdd ?? []) as string[]).some((cap) => ['NET_ADMIN', 'CAP_NET_ADMIN', 'ALL'].includes(cap.toUpperCase()));
}

export function qdiscFault(ctx: FaultContext, spec: QdiscFaultSpec, targets: ContainerRef[]): Fault {
  // Unnamed, the device is the container's one interface: usually eth0, but a
  // container reconnected to its network (network-partition) comes back as eth1.
  const named = spec.device === undefined ? undefined : validateDevice(spec.device);
  const image = spec.helperImage ?? ctx.helperImage;
  const selfRestoreSeconds = seconds(ctx.durationMs + ctx.graceMs);
  let routes: Route[] = [];

  async function tcVia(route: Route, argv: string[]) {
    const where = route.via === 'exec' ? route.ref : { id: route.helperName, name: route.helperName };
    return ctx.docker.exec(where, argv);
  }

  /** Reads the current qdiscs with the container's own tc, or a throwaway helper. */
  async function readQdiscs(ref: ContainerRef, useExec: boolean): Promise<{ device: string; show: string }> {
    const what = `the qdiscs of ${named ?? 'its interfaces'} in ${describe(ref)}`;
    const cmd = ['tc', 'qdisc', 'show', ...(named ? ['dev', named] : [])];
    let output: string;
    if (useExec) {
      const shown = await ctx.docker.exec(ref, cmd);
      if (shown.exitCode !== 0) throw new EnvironmentError(`cannot read ${what}: ${shown.stderr.trim()}`);
      output = shown.stdout;
    } else {
      const reader = await ctx.docker.runHelper({
        name: `loadctl-tc-read-${ref.id.slice(0, 12)}-${ctx.token()}`, image, networkOf: ref,
        cmd, capAdd: [], labels: { [createdByLabel]: 'tc-read', [targetLabel]: ref.id }, autoRemove: false,
      });
      try {
        const code = await ctx.docker.wait(reader);
        output = await ctx.docker.logs(reader);
        if (code !== 0) throw new EnvironmentError(`cannot read ${what}: ${output.trim().split('\n')[0]}`, { hint: `check the device name (usually eth0)` });
      } finally {
        await ctx.docker.remove(reader);
      }
    }
    const device = named ?? pickDevice(output, describe(ref));
    // Shown for every device, a line names its device; shown for one, it does not: keep the device's lines, in that form.
    return { device, show: named ? output : output.split('\n').filter((line) => line.includes(` dev ${device} `)).map((line) => line.replace(` dev ${device} `, ' ')).join('\n') };
  }

  async function ownTc(ref: ContainerRef, info: ContainerDetails): Promise<boolean> {
    if (!hasNetAdmin(info)) return false;
    const probe = await ctx.docker.exec(ref, ['tc', '-V']).catch(() => undefined);
    return probe?.exitCode === 0;
  }

  return {
    async plan(): Promise<FaultPlan> {
      routes = [];
      const undo: UndoSpec[] = [];
      for (const ref of targets) {
        const info = await ctx.docker.inspect(ref);
        requireRunning(ref, info.State, spec.label);
        const mode = info.HostConfig.NetworkMode ?? '';
        if (mode === 'host' || mode.startsWith('container:')) {
          throw new UsageError(`container ${describe(ref)} uses network mode "${mode}"; shaping it would slow ${mode === 'host' ? 'the whole host' : 'another container'} too`, {
            hint: mode === 'host' ? 'pick a container on a bridge or user-defined network' : 'target the container that owns that network namespace',
          });
        }
        const useExec = await ownTc(ref, info);
        if (!useExec && !(await ctx.docker.imageExists(image))) await pullTcImage(ctx, image, ref);
        const read = await readQdiscs(ref, useExec);
        const token = ctx.token();
        const route: Route = {
          ref, via: useExec ? 'exec' : 'helper', device: read.device, restore: restoreCommands(read.device, read.show),
          helperName: `loadctl-tc-${ref.id.slice(0, 12)}-${token}`, pidFile: `/tmp/loadctl-tc-${token}.pid`,
        };
        routes.push(route);
        // In the order things happen: the sleeper (or helper) first, then the qdisc.
        if (route.via === 'helper') {
          undo.push({ kind: 'remove-container', container: { id: route.helperName, name: route.helperName } });
          undo.push({ kind: 'tc-restore', container: ref, device: route.device, via: 'helper', helperImage: image, restore: route.restore });
        } else {
          undo.push({ kind: 'exec', container: ref, cmd: ['sh', '-c', `[ -f ${route.pidFile} ] && kill $(cat ${route.pidFile}) 2>/dev/null; rm -f ${route.pidFile}; true`] });
          undo.push({ kind: 'tc-restore', container: ref, device: route.device, via: 'exec', restore: route.restore });
        }
      }
      const how = routes.map((r) => `${describe(r.ref)} (${r.via === 'exec' ? 'its own tc' : `helper from ${image}`})`).join(', ');
      return {
        intent: `${spec.label} on ${[...new Set(routes.map((r) => r.device))].join(', ')} of ${how} with \`tc qdisc replace ... root ${spec.qdisc.join(' ')}\` for ${formatDuration(ctx.durationMs)}; self-restores after ${selfRestoreSeconds}s`,
        undo,
      };
    },

    async apply(): Promise<void> {
      if (routes.length !== targets.length) throw new Error('tc fault applied before it was planned');
      for (const route of routes) {
        const restore = restoreScript(route.restore);
        if (route.via === 'helper') {
          // PID 1 of the helper: sleep, restore, exit (AutoRemove). A forced removal kills it before it restores.
          await ctx.docker.runHelper({
            name: route.helperName, image, networkOf: route.ref, capAdd: ['NET_ADMIN'], autoRemove: true,
            labels: { [createdByLabel]: 'tc', [targetLabel]: route.ref.id },
            cmd: ['sh', '-c', `sleep ${selfRestoreSeconds}; ${restore}`],
          });
        } else {
          await ctx.docker.execDetached(route.ref, ['sh', '-c', `echo $$ > ${route.pidFile}; sleep ${selfRestoreSeconds}; rm -f ${route.pidFile}; ${restore}`]);
        }
        const result = await tcVia(route, ['tc', 'qdisc', 'replace', 'dev', route.device, 'root', ...spec.qdisc]);
        if (result.exitCode !== 0) throw tcFailure(spec.qdisc[0] ?? 'qdisc', result.stderr, describe(route.ref));
      }
    },
  };
}

/** The helper image is missing: pull it (with progress), or say in one line how to name a local one. */
async function pullTcImage(ctx: FaultContext, image: string, ref: ContainerRef): Promise<void> {
  ctx.onProgress?.(`tc helper image ${image} is not on the engine; pulling it (${describe(ref)} has no tc of its own)`);
  try {
    await ctx.docker.pullImage(image, ctx.onProgress);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new EnvironmentError(`${describe(ref)} cannot run tc itself, and the tc helper image is not available: ${reason}`, {
      hint: `point --tc-image (or ${tcImageEnv}) at a local image that has tc and sh (iproute2), e.g. one built FROM debian with iproute2 installed`,
    });
  }
}

/** The interface to shape when none is named: eth0 when present, else the one interface besides lo. */
export function pickDevice(show: string, where: string): string {
  const devices = [...new Set([...show.matchAll(/ dev (\S+) /g)].map((m) => m[1] as string))].filter((d) => d !== 'lo');
  if (devices.includes('eth0')) return 'eth0';
  if (devices.length === 1) return devices[0] as string;
  throw new UsageError(`${where} has ${devices.length === 0 ? 'no network interface' : `several interfaces (${devices.join(', ')})`} and the step names no device`, {
    hint: 'name one in the step: fault: { ..., device: eth0 }',
  });
}
