// `loadctl run <profile> --plan`: how many runners of what memory a profile
// needs, and whether the open-file limit holds their VUs. Pure: the profile's
// k6 options, a MB-per-VU figure and the limits go in, the plan comes out.
//
// Memory of one runner = k6's fixed cost + its VUs x MB per VU. The
// defaults, measured here (peak RSS from /proc): a k6 v2.2.0 process with
// one VU of a small script holds 44 MB (v0.49.0: 84 MB), hence
// FIXED_MB_PER_RUNNER. MB per VU depends on the script: the default is the
// booking-load journey's, 2,000 VUs in 1.33 GB with k6 v2.2.0 (0.66 MB/VU);
// re-measured with --calibrate's method (two short runs, the difference, so
// the fixed part is left out) it came out 0.47-0.73 (100 -> 500 and 50 ->
// 250 VUs), while a one-request script measures 0.31 (v0.49.0: 0.16). So a
// plan names where its figure came from, and --calibrate measures the
// scenario's own. The peak is k6's own (src/k6/options.ts): scenarios that
// overlap in time add up.

import { peakVus } from '../k6/options.ts';

export const MEASURED_MB_PER_VU = 0.66;
export const MB_PER_VU_ORIGIN = 'default: booking-load\'s, real k6 v2.2.0, 2,000 VUs in 1.33 GB; a small script needs about half: --calibrate measures yours, --mb-per-vu gives it';
/** k6's own memory before any VU (v2.2.0, measured: 44 MB; v0.49.0 needs 84 MB). */
export const FIXED_MB_PER_RUNNER = 45;
export const FIXED_MB_ORIGIN = 'default: a k6 v2.2.0 process with one VU; v0.49.0 needs ~84 MB';

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
  /** k6's memory per process before its VUs, MB, and where that figure came from. */
  fixedMb?: number;
  fixedMbSource?: string;
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
  const fixed = input.fixedMb ?? FIXED_MB_PER_RUNNER;
  const usable = input.runnerMemoryMb * HEADROOM;
  // Each runner pays k6's fixed cost once: fewer VUs fit than memory / MB per VU.
  let runners = Math.max(1, Math.ceil((peak * input.mbPerVu) / Math.max(1, usable - fixed)));
  while (runners < peak && fixed + Math.ceil(peak / runners) * input.mbPerVu > usable) runners++;
  const vusPerRunner = Math.ceil(peak / runners);
  const mbPerRunner = fixed + vusPerRunner * input.mbPerVu;
  const totalMb = runners * fixed + peak * input.mbPerVu;
  const fdsPerRunner = vusPerRunner * FDS_PER_VU + FDS_BASE;
  const fdOk = input.openFileLimit === null ? null : fdsPerRunner <= input.openFileLimit;
  const lines = [
    `plan for ${input.profile}: ${peak.toLocaleString('en-US')} VUs at peak`,
    `memory: ${input.mbPerVu} MB per VU (${input.mbPerVuSource})`,
    `  + ${Math.round(fixed)} MB per k6 process (${input.fixedMbSource ?? FIXED_MB_ORIGIN}) -> ${gb(totalMb)} of k6 in total`,
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
/** What --runner-memory and k8s --memory take, for their messages. */
export const MEMORY_RULE = 'a memory size from 64MB up, in MB or GB (1KB and 10TB are not)';

export function parseMemory(text: string): number | undefined {
  const m = /^\s*(\d+(?:\.\d+)?)\s*(g|gb|gib|m|mb|mib)?\s*$/i.exec(text);
  if (!m) return undefined;
  const n = Number(m[1]);
  return /^g/i.test(m[2] ?? 'g') ? n * 1024 : n;
}
