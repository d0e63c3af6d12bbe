// The command line of `loadctl run <script>`, decided purely: k6's own
// overrides (--vus, --duration, --stage, --iterations, --env) become k6 flags,
// so k6 applies them with its own meaning and precedence (the command line
// over the script's options; a duration, iterations or stages given there
// replace the script's scenarios, as with `k6 run`), and --target strings
// become loadctl targets. Nothing here reads a file or starts a process.
import { UsageError } from '../errors.ts';
import { checkWhole, limits } from '../inputs/bounds.ts';
import { parseDuration } from '../shared/duration.ts';
import { KNOWN_METRICS, normaliseTarget, STATS_BY_KIND } from '../profiles/resolve.ts';
import { TARGET_STRING_RE } from '../profiles/schema.ts';
import type { Target } from '../profiles/types.ts';

/** `loadctl run <file>` runs a k6 script when the file is JavaScript or TypeScript. */
export const SCRIPT_FILE_RE = /\.(m?js|cjs|m?ts|cts)$/i;

export function isScriptPath(arg: string): boolean {
  return SCRIPT_FILE_RE.test(arg);
}

/** k6's shortcut options as typed on loadctl's command line. */
export interface ScriptOverrides {
  vus?: string | number;
  duration?: string;
  /** "30s:10", repeatable, or a comma list as k6 takes it. */
  stage?: readonly string[];
  iterations?: string;
  /** "K=V" strings, given to k6 as -e: they win over the shell's environment, as in k6. */
  env?: readonly string[];
  /** --base-url is loadctl's; for a script it is only a BASE_URL env var the script may read. */
  baseUrl?: string;
}

const fail = (problem: string, hint: string): never => {
  throw new UsageError(problem, { hint });
};

function durationArg(flag: string, text: string): string {
  if (parseDuration(text) === undefined) fail(`${flag} "${text}" is not a k6 duration`, `write it as k6 does, e.g. ${flag} 30s, 5m or 1m30s`);
  return text;
}

/** k6 flags for the overrides, in a fixed order; each bad value is exit 2 naming its flag. */
export function scriptK6Args(o: ScriptOverrides): string[] {
  const args: string[] = [];
  if (o.vus !== undefined) {
    const checked = checkWhole('--vus', String(o.vus), { ...limits.vus, min: 0 });
    if (!checked.ok) fail(checked.problem, 'e.g. --vus 10');
    args.push('--vus', String(o.vus).trim());
  }
  if (o.duration !== undefined) args.push('--duration', durationArg('--duration', o.duration));
  if (o.iterations !== undefined) {
    const checked = checkWhole('--iterations', o.iterations, { min: 1, max: Number.MAX_SAFE_INTEGER, of: 'iterations' });
    if (!checked.ok) fail(checked.problem, 'e.g. --iterations 100');
    args.push('--iterations', o.iterations.trim());
  }
  for (const stage of (o.stage ?? []).flatMap((s) => s.split(','))) {
    const m = /^\s*([^:\s]+):(\d+)\s*$/.exec(stage);
    if (!m) fail(`--stage "${stage}" is not DURATION:TARGET`, 'write it as k6 does, e.g. --stage 30s:10 --stage 1m:10 --stage 10s:0');
    args.push('--stage', `${durationArg('--stage', m![1]!)}:${m![2]}`);
  }
  const env = [...(o.env ?? []), ...(o.baseUrl !== undefined ? [`BASE_URL=${o.baseUrl}`] : [])];
  for (const pair of env) {
    if (pair.indexOf('=') <= 0) fail(`--env "${pair}" is not KEY=VALUE`, 'write it as --env KEY=VALUE, e.g. --env BASE_URL=http://localhost:8080');
    args.push('--env', pair);
  }
  return args;
}

/**
 * A chaos container mapping (`--target booking=my-booking`) has no space and
 * no comparison; a metric target ("http_req_duration p95 < 500") has both.
 */
export function isMetricTarget(text: string): boolean {
  return /\s/.test(text.trim()) || /[<>]/.test(text);
}

/** `--target "<metric> <stat> < <value>"` (repeatable) -> targets; a malformed one is exit 2. */
export function parseTargetFlags(texts: readonly string[]): Target[] {
  return texts.map((text) => {
    if (!TARGET_STRING_RE.test(text)) {
      fail(`--target "${text}" is not "<metric> <stat> <op> <value>"`, 'e.g. --target "http_req_duration p95 < 500" --target "http_req_failed rate < 1%"');
    }
    const target = normaliseTarget(text);
    const kind = KNOWN_METRICS[target.metric];
    const stats = kind ? STATS_BY_KIND[kind] : undefined;
    if (stats && !stats.includes(target.stat)) {
      fail(`--target "${text}": ${target.metric} is a ${kind} metric; its stats are ${stats.join(', ')}`, `e.g. --target "${target.metric} ${stats[0]} < ..."`);
    }
    return target;
  });
}
