// --runners, --placement, --runner-image, --runner-network, --docker-host and
// --receiver-host as typed -> the runners request, or a usage error naming the
// flag. --runners 1 is a plain single-k6 run.
import { UsageError } from '../errors.ts';
import { checkReceiverHost, parseDockerHosts, resolveEngines } from './engines.ts';
import type { RunnersRequestOptions } from './placements.ts';
import { parseRunnerCount } from './segments.ts';
import { assertImages } from '../inputs/image.ts';

export interface RunnersFlags {
  runners?: string;
  placement?: string;
  runnerImage?: string;
  runnerNetwork?: string;
  dockerHost?: string[];
  receiverHost?: string;
}

/**
 * k6 flags that loadctl sets on every runner (placement.ts runnerFlags; the
 * k6-operator sets the same on its pods): the user's copy after `--` comes
 * later on the line and wins, so each runner would run the same slice, or
 * the runners' APIs would clash. Long name -> short alias.
 */
const RUNNER_OWNED: Record<string, string | undefined> = {
  '--execution-segment': undefined, '--execution-segment-sequence': undefined, '--address': '-a', '--paused': '-p',
  '--linger': '-l', '--no-setup': undefined, '--no-teardown': undefined,
};

/** Samples are told apart by these tags; a user's copy would fold runners into one. */
const OWNED_TAG = /^(runner|instance_id|testrun_name)=/;

/** The first k6 flag after `--` that splitting the test over runners sets itself, as typed; undefined when none. */
export function runnerOwnedFlag(k6Flags: readonly string[]): string | undefined {
  const aliases = Object.values(RUNNER_OWNED);
  for (const [i, arg] of k6Flags.entries()) {
    const [name, value] = [arg.split('=')[0]!, arg.includes('=') ? arg.slice(arg.indexOf('=') + 1) : k6Flags[i + 1] ?? ''];
    if (name in RUNNER_OWNED || aliases.includes(name)) return arg;
    if ((name === '--tag' || name === '-t') && OWNED_TAG.test(value)) return `${arg}${arg.includes('=') ? '' : ` ${value}`}`;
  }
  return undefined;
}

/** A usage error for a k6 flag after `--` that the runners set themselves (--runners, k8s --parallelism). */
export function refuseRunnerOwnedFlags(k6Flags: readonly string[], by: string): void {
  const owned = runnerOwnedFlag(k6Flags);
  if (owned === undefined) return;
  throw new UsageError(`k6 flag ${owned} after \`--\` would override what ${by} sets on each runner (its slice of the test, its API address, its tags)`, {
    hint: `drop it: ${by} splits the whole test into slices itself; to run one slice, use a single k6 without ${by.split(' ')[0]}`,
  });
}

export function runnersFromFlags(flags: RunnersFlags, env: NodeJS.ProcessEnv = process.env, k6Flags: readonly string[] = []): RunnersRequestOptions | undefined {
  const dockerOnly = [
    ['--runner-image', flags.runnerImage], ['--runner-network', flags.runnerNetwork],
    ['--docker-host', flags.dockerHost?.length ? 'x' : undefined], ['--receiver-host', flags.receiverHost],
  ] as const;
  if (flags.runners === undefined) {
    const stray = flags.placement !== undefined ? '--placement' : dockerOnly.find(([, v]) => v !== undefined)?.[0];
    if (stray) throw new UsageError(`${stray} only applies with --runners <n>`, { hint: 'e.g. --runners 2 --placement docker' });
    return undefined;
  }
  const count = parseRunnerCount(flags.runners);
  if (typeof count !== 'number') throw new UsageError(count.error, { hint: 'e.g. --runners 4' });
  const placement = flags.placement ?? 'local';
  if (placement !== 'local' && placement !== 'docker') throw new UsageError(`--placement "${placement}" is not known`, { hint: 'use --placement local or --placement docker' });
  for (const [flag, v] of dockerOnly) {
    if (v !== undefined && placement !== 'docker') throw new UsageError(`${flag} only applies with --placement docker`, { hint: 'add --placement docker' });
  }
  assertImages([['--runner-image', flags.runnerImage]]);
  const engines = flags.dockerHost?.length ? parseDockerHosts(flags.dockerHost) : undefined;
  if (placement === 'docker') {
    // Addresses checked (scheme, host) and a remote engine without --receiver-host refused, before anything connects.
    checkReceiverHost(resolveEngines(engines, env), flags.receiverHost);
  }
  if (count === 1) return undefined;
  refuseRunnerOwnedFlags(k6Flags, `--runners ${count}`);
  return {
    count, placement,
    ...(flags.runnerImage ? { image: flags.runnerImage } : {}),
    ...(flags.runnerNetwork ? { network: flags.runnerNetwork } : {}),
    ...(engines ? { engines } : {}),
    ...(flags.receiverHost ? { receiverHost: flags.receiverHost } : {}),
  };
}

/**
 * Runners in containers reach their own loopback at 127.0.0.1/localhost, not
 * this machine's: the host's health check passes and every request of the
 * test fails. A loopback target with --placement docker is refused.
 */
export function refuseLoopbackTarget(baseUrl: string | undefined): void {
  let host: string;
  try { host = new URL(baseUrl ?? '').hostname.replace(/^\[|\]$/g, ''); } catch { return; }
  if (host !== 'localhost' && !host.startsWith('127.') && host !== '::1') return;
  throw new UsageError(`BASE_URL ${baseUrl} is this machine's loopback, which runners in containers (--placement docker) cannot reach: each would load its own container`, {
    hint: 'give --base-url an address the containers reach: this machine\'s address on their network (e.g. the bridge gateway 172.17.0.1, or the one given to --receiver-host), host.docker.internal where the engine maps it to host-gateway, or a container name on --runner-network',
  });
}
