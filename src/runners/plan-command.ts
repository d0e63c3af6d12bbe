// `loadctl run <profile> --plan`: load the profile, read `ulimit -n`, print
// the plan. Runs nothing.
import { spawnSync } from 'node:child_process';
import { UsageError } from '../errors.ts';
import type { ProfileOverrides } from '../profiles/types.ts';
import { MEASURED_MB_PER_VU, parseMemory, planRunners, type Plan } from './plan.ts';

export interface PlanOptions {
  profile: string;
  cwd: string;
  overrides: ProfileOverrides;
  mbPerVu?: string;
  runnerMemory?: string;
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
  let source = 'measured here with real k6 v2.2.0 on booking-load; pass --mb-per-vu for your scenario';
  if (o.mbPerVu !== undefined) {
    mbPerVu = Number(o.mbPerVu);
    if (!Number.isFinite(mbPerVu) || mbPerVu <= 0 || mbPerVu > 1000) throw new UsageError(`--mb-per-vu "${o.mbPerVu}" is not a number of MB above 0`, { hint: 'e.g. --mb-per-vu 0.66 (measure it: k6 memory at N VUs / N)' });
    source = 'given';
  }
  const memory = o.runnerMemory === undefined ? 8 * 1024 : parseMemory(o.runnerMemory);
  if (memory === undefined || memory < 64) throw new UsageError(`--runner-memory "${o.runnerMemory}" is not a memory size`, { hint: 'e.g. --runner-memory 8GB' });
  const { loadProfile } = await import('../profiles/load.ts');
  const profile = await loadProfile(o.profile, { cwd: o.cwd, overrides: o.overrides, processEnv: o.processEnv });
  return planRunners({ profile: profile.name, k6Options: profile.k6Options, mbPerVu, mbPerVuSource: source, runnerMemoryMb: memory, openFileLimit: openFileLimit() });
}
