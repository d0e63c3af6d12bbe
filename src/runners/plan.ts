// `loadctl run <profile> --plan`: how many runners of what memory a profile
// needs, and whether the open-file limit holds their VUs. Pure: the profile's
// k6 options, a MB-per-VU figure and the limits go in, the plan comes out.
//
// The default MB/VU is the figure measured for this project with real k6
// v2.2.0 on the booking-load journey (2,000 VUs took 1.33 GB: 0.66 MB/VU);
// another scenario should measure its own and pass --mb-per-vu. The peak is
// k6's own (src/k6/options.ts): scenarios that overlap in time add up.

import { peakVus } from '../k6/options.ts';

export const MEASURED_MB_PER_VU = 0.66;
/** Memory kept free on a runner for k6's own buffers and the OS. */
export const HEADROOM = 0.8;
/** Sockets a VU holds at once (keep-alive to the target, a DNS lookup...), and a runner's own. */
export const FDS_PER_VU = 2;
export const FDS_BASE = 200;

export interface PlanInput {
  profile: string;
  k6Options: Record<string, unknown>;
  mbPerVu: number;
  mbPerVuSource: string;
  /** Memory of one runner machine/container, MB. */
  runnerMemoryMb: number;
  /** `ulimit -n` on this machine; null when it could not be read. */
  openFileLimit: number | null;
}

export interface Plan {
  peakVus: number;
  totalMb: number;
  runners: number;
  vusPerRunner: number;
  mbPerRunner: number;
  fdsPerRunner: number;
  fdOk: boolean | null;
  lines: string[];
}

const gb = (mb: number) => (mb >= 1024 ? `${(mb / 1024).toFixed(1)} GB` : `${Math.round(mb)} MB`);

export function planRunners(input: PlanInput): Plan {
  const peak = peakVus(input.k6Options);
  const totalMb = peak * input.mbPerVu;
  const usable = input.runnerMemoryMb * HEADROOM;
  const runners = Math.max(1, Math.ceil(totalMb / usable));
  const vusPerRunner = Math.ceil(peak / runners);
  const mbPerRunner = vusPerRunner * input.mbPerVu;
  const fdsPerRunner = vusPerRunner * FDS_PER_VU + FDS_BASE;
  const fdOk = input.openFileLimit === null ? null : fdsPerRunner <= input.openFileLimit;
  const lines = [
    `plan for ${input.profile}: ${peak.toLocaleString('en-US')} VUs at peak`,
    `memory: ${input.mbPerVu} MB per VU (${input.mbPerVuSource}) -> ${gb(totalMb)} of k6 in total`,
    `runners: ${runners} of ${gb(input.runnerMemoryMb)} each (${Math.round(HEADROOM * 100)} % usable) -> ${vusPerRunner.toLocaleString('en-US')} VUs and ~${gb(mbPerRunner)} per runner`,
    input.openFileLimit === null
      ? `open files: could not read \`ulimit -n\`; each runner needs about ${fdsPerRunner.toLocaleString('en-US')}`
      : fdOk
        ? `open files: ulimit -n ${input.openFileLimit.toLocaleString('en-US')} holds the ~${fdsPerRunner.toLocaleString('en-US')} a runner needs (${FDS_PER_VU} per VU + ${FDS_BASE})`
        : `open files: ulimit -n ${input.openFileLimit.toLocaleString('en-US')} is below the ~${fdsPerRunner.toLocaleString('en-US')} a runner needs (${FDS_PER_VU} per VU + ${FDS_BASE}): run \`ulimit -n ${Math.max(100_000, fdsPerRunner)}\` on every runner machine first`,
    `one machine with ${gb(runners * mbPerRunner / HEADROOM)}: loadctl run ${input.profile} --runners ${runners}   (or --placement docker)`,
    `several machines (Docker engines): loadctl run ${input.profile} --runners ${runners} --placement docker --docker-host ssh://USER@HOST1,ssh://USER@HOST2,... --receiver-host <this host>`,
    `several machines (Kubernetes): loadctl k8s ${input.profile} --parallelism ${runners} --receiver http://<this host>:<port>`,
  ];
  return { peakVus: peak, totalMb, runners, vusPerRunner, mbPerRunner, fdsPerRunner, fdOk, lines };
}

/** "8GB", "512MB", "16g" -> MB, or undefined. */
export function parseMemory(text: string): number | undefined {
  const m = /^\s*(\d+(?:\.\d+)?)\s*(g|gb|gib|m|mb|mib)?\s*$/i.exec(text);
  if (!m) return undefined;
  const n = Number(m[1]);
  return /^g/i.test(m[2] ?? 'g') ? n * 1024 : n;
}
