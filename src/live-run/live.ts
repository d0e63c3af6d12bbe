// The live feed of one `loadctl run`: the remote-write receiver on 127.0.0.1,
// the k6 flags and environment that point k6 at it, the last few finished
// seconds (for "is the load steady?") and a one-line rendering of each second.
// Silent: seconds and refusals go to callbacks; the command prints.
import { nativeHistogramEnv } from '../k6/features.ts';
import { NATIVE_HISTOGRAM_CONFIG } from '../k6/native-config.ts';
import type { LiveSecond } from '../live/timeline.ts';
import type { SecondStats, Timeline } from '../live/types.ts';
import type { LocatedK6 } from '../k6/locate.ts';
import { EnvironmentError } from '../errors.ts';

export interface LiveFeed {
  /** `--out` values and environment to add to k6's command. */
  outputs: string[];
  env: Record<string, string>;
  /** What else this k6 needs for native histograms (the switch depends on its version). */
  envFor(k6: LocatedK6 | undefined, env: Readonly<Record<string, string | undefined>>): Record<string, string>;
  /** The newest finished seconds, oldest first (a bounded window). */
  recent(): readonly SecondStats[];
  /** The same window with the per-endpoint series, to say which endpoint fails. */
  recentSeconds(): readonly LiveSecond[];
  /** Pushes k6 made so far. */
  pushes(): number;
  /** Whole-run histograms of every trend (for runners' merged percentiles). */
  finals: import('../live/final-histograms.ts').FinalHistograms;
  /** Has runner `id` (its `runner` tag) pushed anything yet? */
  reported(id: number): boolean;
  close(): Promise<Timeline>;
}

export interface LiveFeedCallbacks {
  onSecond?(second: LiveSecond): void;
  onRejected?(reason: string): void;
  /** Every push k6 made, as received (for --prometheus-rw). */
  onPush?(body: Uint8Array, headers: import('node:http').IncomingHttpHeaders): void;
}

const KEEP_SECONDS = 30;

export async function startLiveFeed(callbacks: LiveFeedCallbacks = {}, hosts: readonly string[] = []): Promise<LiveFeed> {
  const { startReceiver } = await import('../live/receiver.ts');
  const recent: SecondStats[] = [];
  const recentSeconds: LiveSecond[] = [];
  let rejectedOnce = false;
  const receiver = await startReceiver({
    ...(hosts[0] ? { host: hosts[0], moreHosts: hosts.slice(1) } : {}),
    ...(callbacks.onPush ? { onPush: callbacks.onPush } : {}),
    onSecond: (second) => {
      recent.push(second.total);
      recentSeconds.push(second);
      if (recent.length > KEEP_SECONDS) recent.shift();
      if (recentSeconds.length > KEEP_SECONDS) recentSeconds.shift();
      callbacks.onSecond?.(second);
    },
    // One line is enough: k6 retries every second and would repeat it.
    onRejected: (reason) => {
      if (rejectedOnce) return;
      rejectedOnce = true;
      callbacks.onRejected?.(reason);
    },
  }).catch((error: NodeJS.ErrnoException) => {
    // --receiver-host names an address the user believes is this machine's; the OS says otherwise.
    if (error.code === 'EADDRNOTAVAIL' || error.code === 'ENOTFOUND' || error.code === 'EACCES') {
      throw new EnvironmentError(`loadctl's live-feed receiver cannot listen on ${hosts.join(', ')}: ${error.code}`, { hint: 'give --receiver-host an address of this machine (ip -brief address shows them)' });
    }
    throw error;
  });
  const outputs: string[] = [];
  for (let i = 0; i < receiver.k6.args.length; i++) {
    if (receiver.k6.args[i] === '--out' && receiver.k6.args[i + 1] !== undefined) outputs.push(receiver.k6.args[++i] as string);
  }
  return {
    outputs,
    env: receiver.k6.env,
    envFor: (k6, env) => nativeHistogramEnv(k6?.version, env, NATIVE_HISTOGRAM_CONFIG),
    recent: () => recent,
    recentSeconds: () => recentSeconds,
    pushes: () => receiver.aggregator.stats.pushes,
    finals: receiver.aggregator.finals,
    reported: (id) => receiver.aggregator.hasPushedFrom(String(id)),
    close: () => receiver.close(),
  };
}

/** "412 req/s  err 0.00 %  p99 38 ms": one second for the live line. */
export function formatLiveSecond(s: SecondStats): string {
  const p99 = s.p99 === null ? '-' : s.p99 >= 1000 ? `${(s.p99 / 1000).toFixed(2)} s` : `${Math.round(s.p99)} ms`;
  return `${s.requests} req/s  err ${(s.errorRate * 100).toFixed(2)} %  p99 ${p99}`;
}

/** Seconds with data in a timeline; an empty feed has none. */
export function secondsWithRequests(timeline: Pick<Timeline, 'total'>): number {
  return timeline.total.reduce((n, s) => n + (s.requests > 0 ? 1 : 0), 0);
}
