// A short calibration run for --plan: the profile's own bundle under real k6
// at two VU counts, k6's resident memory sampled from /proc, MB per VU from
// the difference (so k6's fixed cost does not count per VU). Linux only.
// Sends real traffic to the profile's target, a few seconds at each level.
import { spawn } from 'node:child_process';
import { readFile, rm } from 'node:fs/promises';
import { EnvironmentError } from '../errors.ts';

export interface Calibration {
  mbPerVu: number;
  /** What the low run held besides its VUs: k6's own memory per process. */
  fixedMb: number;
  low: { vus: number; peakMb: number };
  high: { vus: number; peakMb: number };
}

async function rssMb(pid: number): Promise<number | undefined> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8').catch(() => undefined);
  const m = status && /VmRSS:\s+(\d+) kB/.exec(status);
  return m ? Number(m[1]) / 1024 : undefined;
}

/** Peak RSS of one k6 run of `vus` VUs for `seconds`. */
async function peakRss(o: CalibrateOptions, vus: number): Promise<number> {
  const child = spawn(o.k6Path, ['run', '--quiet', '--no-color', '--vus', String(vus), '--duration', `${o.seconds ?? 6}s`, o.scriptPath], {
    cwd: o.cwd, env: { ...process.env, ...o.env, LOADCTL_SUMMARY_PATH: o.summaryPath }, stdio: 'ignore',
  });
  let peak = 0;
  const timer = setInterval(() => {
    if (child.pid) void rssMb(child.pid).then((mb) => { if (mb !== undefined && mb > peak) peak = mb; });
  }, 100);
  const code = await new Promise<number | null>((resolve) => child.on('close', (c) => resolve(c)));
  clearInterval(timer);
  if (peak === 0) throw new Error(`k6 ran ${vus} VUs but its memory could not be read (exit ${code}; /proc is Linux only)`);
  await refuseIdleRun(o, vus);
  return peak;
}

/**
 * A run whose every request failed measured k6 waiting on refused
 * connections, not k6 under the profile's load: its MB per VU would plan
 * runners too small. Read from the summary the bundle's handleSummary wrote.
 */
async function refuseIdleRun(o: CalibrateOptions, vus: number): Promise<void> {
  const text = await readFile(o.summaryPath, 'utf8').catch(() => undefined);
  await rm(o.summaryPath, { force: true });
  if (text === undefined) return;
  const metrics = (JSON.parse(text) as { metrics?: Record<string, { values?: Record<string, number> }> }).metrics ?? {};
  const requests = metrics.http_reqs?.values?.count ?? 0;
  const failRate = metrics.http_req_failed?.values?.rate ?? 0;
  if (requests > 0 && failRate < 1) return;
  const target = o.env.BASE_URL ?? 'the target';
  throw new EnvironmentError(`calibration refused: ${requests === 0 ? 'k6 sent no request' : `all ${requests} requests failed`} at ${vus} VUs against ${target}, so the memory measured is not the profile's load`, {
    hint: `start the target (or fix --base-url) and calibrate again, or give --mb-per-vu yourself`,
  });
}

export interface CalibrateOptions {
  k6Path: string;
  scriptPath: string;
  summaryPath: string;
  env: Record<string, string>;
  cwd: string;
  /** The higher VU count; the lower is a fifth of it. */
  vus: number;
  seconds?: number;
}

export async function calibrate(o: CalibrateOptions): Promise<Calibration> {
  const lowVus = Math.max(1, Math.round(o.vus / 5));
  const low = await peakRss(o, lowVus);
  const high = await peakRss(o, o.vus);
  // Never below a floor: a difference lost in sampling noise must not plan zero memory.
  const mbPerVu = Math.max(0.05, (high - low) / (o.vus - lowVus));
  const fixedMb = Math.max(0, Math.round(low - lowVus * mbPerVu));
  return { mbPerVu: Math.round(mbPerVu * 1000) / 1000, fixedMb, low: { vus: lowVus, peakMb: low }, high: { vus: o.vus, peakMb: high } };
}
