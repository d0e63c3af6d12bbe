// `loadctl run <profile> --plan`: load the profile, read `ulimit -n`, print
// the plan. Runs nothing.
import { spawnSync } from 'node:child_process';
import { UsageError } from '../errors.ts';
import type { ProfileOverrides } from '../profiles/types.ts';
import { MB_PER_VU_ORIGIN, MEASURED_MB_PER_VU, MEMORY_RULE, parseMemory, planRunners, type Plan } from './plan.ts';

export interface PlanOptions {
  profile: string;
  cwd: string;
  overrides: ProfileOverrides;
  mbPerVu?: string;
  runnerMemory?: string;
  /** Measure MB/VU with a short real k6 run at this many VUs (and a fifth of it). */
  calibrate?: string | boolean;
  k6Path?: string;
  outDir: string;
  processEnv: NodeJS.ProcessEnv;
}

function openFileLimit(): number | null {
  const r = spawnSync('sh', ['-c', 'ulimit -n'], { encoding: 'utf8', timeout: 5000 });
  const text = r.stdout?.trim();
  if (text === 'unlimited') return Number.MAX_SAFE_INTEGER;
  return /^\d+$/.test(text ?? '') ? Number(text) : null;
}

export async function planCommand(o: PlanOptions): Promise<Plan> {
  let mbPerVu = MEASURED_MB_PER_VU;
  let source = MB_PER_VU_ORIGIN;
  let fixed: { fixedMb: number; fixedMbSource: string } | undefined;
  if (o.mbPerVu !== undefined) {
    mbPerVu = Number(o.mbPerVu);
    if (!Number.isFinite(mbPerVu) || mbPerVu <= 0 || mbPerVu > 1000) throw new UsageError(`--mb-per-vu "${o.mbPerVu}" is not a number of MB above 0`, { hint: 'e.g. --mb-per-vu 0.66 (measure it: k6 memory at N VUs / N)' });
    source = 'given with --mb-per-vu';
  }
  if (o.calibrate !== undefined && o.calibrate !== false) {
    if (o.mbPerVu !== undefined) throw new UsageError('--calibrate measures MB per VU; --mb-per-vu gives it: pick one', { hint: 'drop one of them' });
    const vus = o.calibrate === true ? 100 : Number(o.calibrate);
    if (!Number.isInteger(vus) || vus < 5 || vus > 5000) throw new UsageError(`--calibrate ${String(o.calibrate)} is not a VU count from 5 to 5,000`, { hint: 'e.g. --calibrate 200' });
    const measured = await calibrateProfile(o, vus);
    mbPerVu = measured.mbPerVu;
    source = `calibrated: k6 peaked at ${Math.round(measured.low.peakMb)} MB with ${measured.low.vus} VUs and ${Math.round(measured.high.peakMb)} MB with ${measured.high.vus}`;
    fixed = { fixedMb: measured.fixedMb, fixedMbSource: 'calibrated: what the runs held besides their VUs' };
  }
  const memory = o.runnerMemory === undefined ? 8 * 1024 : parseMemory(o.runnerMemory);
  if (memory === undefined || memory < 64) throw new UsageError(`--runner-memory "${o.runnerMemory}" is not ${MEMORY_RULE}`, { hint: 'e.g. --runner-memory 8GB' });
  const { loadProfile } = await import('../profiles/load.ts');
  const profile = await loadProfile(o.profile, { cwd: o.cwd, overrides: o.overrides, processEnv: o.processEnv });
  return planRunners({ profile: profile.name, k6Options: profile.k6Options, mbPerVu, mbPerVuSource: source, ...fixed, runnerMemoryMb: memory, openFileLimit: openFileLimit() });
}

/** Bundles the profile (a dry-run folder), finds k6 and runs the calibration. */
async function calibrateProfile(o: PlanOptions, vus: number) {
  const [{ runPipeline }, { locateK6 }, { calibrate }, { join }] = await Promise.all([
    import('../run/pipeline.ts'), import('../k6/locate.ts'), import('./calibrate.ts'), import('node:path'),
  ]);
  const k6 = await locateK6({ ...(o.k6Path ? { k6Path: o.k6Path } : {}), env: o.processEnv, cwd: o.cwd });
  const bundled = await runPipeline({ profile: o.profile, cwd: o.cwd, overrides: o.overrides, outDir: o.outDir, dryRun: true, preflight: false, extraArgs: [], outputs: [], k6Env: {}, processEnv: o.processEnv });
  if (bundled.kind !== 'dry-run') throw new Error('bundling ran k6');
  return calibrate({ k6Path: k6.path, scriptPath: bundled.bundle.scriptPath, summaryPath: join(bundled.runDir, 'calibration-summary.json'), env: bundled.profile.env, cwd: o.cwd, vus });
}
