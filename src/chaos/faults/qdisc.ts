// Pure tc helpers: read `tc qdisc show` output, decide the command that puts
// the original root qdisc back, validate the parameters of our own qdiscs,
// and recognise tc's error messages. No I/O here.
import { EnvironmentError, UsageError } from '../../errors.ts';

export interface QdiscLine {
  kind: string;
  handle: string;
  /** "root", or the parent handle for a child qdisc; "ingress"/"clsact" sit apart. */
  parent: string;
  /** Everything after the position words, as tc prints it. */
  params: string[];
}

export function parseQdiscShow(output: string): QdiscLine[] {
  const lines: QdiscLine[] = [];
  for (const raw of output.split('\n')) {
    const words = raw.trim().split(/\s+/).filter(Boolean);
    if (words[0] !== 'qdisc' || words.length < 3) continue;
    const kind = words[1] ?? '';
    const handle = words[2] ?? '';
    let i = 3;
    let parent = '';
    if (words[i] === 'root') {
      parent = 'root';
      i += 1;
    } else if (words[i] === 'parent') {
      parent = words[i + 1] ?? '';
      i += 2;
    }
    if (words[i] === 'dev') i += 2;
    if (words[i] === 'refcnt') i += 2;
    lines.push({ kind, handle, parent, params: words.slice(i) });
  }
  return lines;
}

/** Kinds whose `show` output tc accepts back as parameters (after small fixes). */
const restorable = new Set(['tbf', 'netem', 'pfifo', 'bfifo', 'fq_codel', 'sfq', 'fq', 'pfifo_fast']);

/**
 * The commands that restore the device's root qdisc as it is now. The kernel's
 * default (handle 0:) comes back by deleting ours. A tree of classes and
 * children cannot be rebuilt from `show`, so it is refused before anything is
 * touched.
 */
export function restoreCommands(device: string, show: string): string[][] {
  const qdiscs = parseQdiscShow(show).filter((q) => q.kind !== 'ingress' && q.kind !== 'clsact');
  const root = qdiscs.find((q) => q.parent === 'root');
  if (!root) {
    throw new EnvironmentError(`cannot read the root qdisc of ${device}`, { hint: `check the device exists: tc qdisc show dev ${device}` });
  }
  if (root.handle === '0:') return [['tc', 'qdisc', 'del', 'dev', device, 'root']];
  const children = qdiscs.filter((q) => q !== root && q.handle !== '0:');
  if (children.length > 0 || !restorable.has(root.kind)) {
    throw new UsageError(`${device} already carries a ${children.length > 0 ? 'qdisc tree' : `"${root.kind}" qdisc`} loadctl cannot restore exactly`, {
      hint: `remove it first (tc qdisc del dev ${device} root) or run the experiment where the device has its default qdisc`,
    });
  }
  // tc prints packet limits as "100p" but reads them as plain numbers.
  const params = root.params.map((word) => word.replace(/^(\d+)p$/, '$1'));
  return [['tc', 'qdisc', 'replace', 'dev', device, 'root', 'handle', root.handle, root.kind, ...params]];
}

export function validateDevice(device: string): string {
  if (!/^[A-Za-z0-9_.@-]{1,15}$/.test(device)) {
    throw new UsageError(`network device "${device}" is not an interface name`, { hint: 'use the name inside the container, usually eth0' });
  }
  return device;
}

const rateUnits: Record<string, number> = { bit: 1, kbit: 1e3, mbit: 1e6, gbit: 1e9, bps: 8, kbps: 8e3, mbps: 8e6, gbps: 8e9 };

/** tc's rate grammar ("1mbit", "512kbit", "10mbps"), in bits per second. */
export function parseRate(rate: string): number {
  const match = /^(\d+(?:\.\d+)?)(bit|kbit|mbit|gbit|bps|kbps|mbps|gbps)$/i.exec(rate.trim());
  const factor = match ? rateUnits[(match[2] ?? '').toLowerCase()] : undefined;
  const bits = match && factor ? Number(match[1]) * factor : 0;
  if (!match || bits < 8000) {
    throw new UsageError(`bandwidth rate "${rate}" is not a tc rate of at least 8kbit`, { hint: 'write it like 1mbit, 512kbit or 10mbps (bytes per second)' });
  }
  return bits;
}

/** The qdisc (kind and parameters) each traffic fault installs as root. */
export function tbfArgs(rate: string): string[] {
  const bits = parseRate(rate);
  // A burst of 1/50 s of traffic, never under two full-size frames: enough for tbf to reach its rate.
  const burstBytes = Math.max(3200, Math.ceil(bits / 8 / 50));
  return ['tbf', 'rate', rate.trim().toLowerCase(), 'burst', String(burstBytes), 'latency', '200ms'];
}

export function netemDelayArgs(delayMs: number, jitterMs?: number): string[] {
  if (!Number.isFinite(delayMs) || delayMs <= 0 || delayMs > 60_000) throw new UsageError(`latency delayMs ${delayMs} must be between 1 and 60000`);
  if (jitterMs !== undefined && (!Number.isFinite(jitterMs) || jitterMs < 0 || jitterMs > delayMs)) {
    throw new UsageError(`latency jitterMs ${jitterMs} must be between 0 and delayMs (${delayMs})`);
  }
  return ['netem', 'delay', `${delayMs}ms`, ...(jitterMs ? [`${jitterMs}ms`] : [])];
}

export function netemLossArgs(percent: number): string[] {
  if (!Number.isFinite(percent) || percent <= 0 || percent > 100) throw new UsageError(`packet-loss percent ${percent} must be above 0 and at most 100`);
  return ['netem', 'loss', `${percent}%`];
}

/** Turns tc's complaint about installing `kind` into one line with the fix. */
export function tcFailure(kind: string, stderr: string, where: string): EnvironmentError {
  const first = stderr.trim().split('\n')[0] ?? '';
  if (/qdisc kind is unknown|Specified qdisc not found|Unknown qdisc/i.test(stderr)) {
    return new EnvironmentError(`the Docker host's kernel has no sch_${kind} (tc ${kind}), so this fault cannot run there`, {
      hint: `load it on the Docker host (\`modprobe sch_${kind}\`; on Ubuntu install linux-modules-extra-$(uname -r)) or use a kernel built with CONFIG_NET_SCH_${kind.toUpperCase()}`,
    });
  }
  if (/Operation not permitted/i.test(stderr)) {
    return new EnvironmentError(`tc in ${where} is not allowed to change qdiscs (needs CAP_NET_ADMIN)`, {
      hint: 'leave the target without NET_ADMIN so loadctl uses a helper container, or grant it cap_add: [NET_ADMIN]',
    });
  }
  return new EnvironmentError(`tc could not install ${kind} in ${where}: ${first || 'unknown error'}`, { hint: 'run `tc qdisc show` in the container to see its current qdiscs' });
}
