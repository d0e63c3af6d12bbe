// One test over N runners: start them all paused, run setup() once (runner
// 0's REST API) and hand its data to the others, release them together, watch
// them, run teardown() once, then let them write their summaries and exit.
// A runner that dies, never gets ready or never reports stops the others and
// fails the run with that reason; Ctrl-C stops them all through their APIs
// (teardown still runs) and the run is judged on what arrived.
// Silent: it reports through callbacks; the command prints.
import { formatK6Exit } from '../k6/exit-codes.ts';
import { claimSignals } from '../shared/signals.ts';
import type { SignalSource } from '../k6/run.ts';
import { K6Status } from './k6-api.ts';
import type { Placement, RunnerExit, RunnerSpec, StartedRunner } from './placement.ts';

export interface RunnersRequest {
  specs: readonly RunnerSpec[];
  placement: Placement;
  /** Has this runner's first push reached the live feed? */
  reported?: (id: number) => boolean;
  /** How long after the release a runner may stay silent. */
  reportTimeoutMs?: number;
  pollMs?: number;
  signals?: SignalSource;
  /** Aborted: the same as a first Ctrl-C (the caller saw a signal it handles itself, e.g. SIGHUP). */
  stop?: AbortSignal;
  now?: () => number;
}

export interface RunnersCallbacks {
  onStarted?(runners: ReadonlyArray<{ id: number; where: string; commandLine: string }>): void;
  onReleased?(spreadMs: number): void;
  onNote?(line: string): void;
  onSignal?(signal: NodeJS.Signals, action: string): void;
  /** The first runner failure, as it happens (a fault under this load can be rolled back at once). */
  onFailure?(reason: string): void;
}

export type RunnerEnd = 'finished' | 'stopped' | 'died' | 'silent' | 'not-ready';

export interface RunnerRecord {
  id: number;
  segment: string;
  where: string;
  /** The Docker endpoint it ran on (docker placement). */
  engine?: string;
  commandLine: string;
  argv: string[];
  exitCode: number | null;
  signal: string | null;
  end: RunnerEnd;
  /** Unix ms: released (PATCH answered) and process ended. */
  releasedAt: number | null;
  endedAt: number;
}

export interface RunnersRun {
  runners: RunnerRecord[];
  interrupted: boolean;
  /** The first thing that went wrong with a runner, named; undefined when none did. */
  failure?: { runner: number; reason: string; exitCode: number | null; signal: string | null };
  setup: { ok: true; ms: number } | { ok: false; error: string } | null;
  teardown: { ok: true } | { ok: false; error: string } | null;
  /** Time between the first and the last runner's release. */
  releaseSpreadMs: number | null;
  startedAt: number;
  endedAt: number;
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export async function runRunners(req: RunnersRequest, cb: RunnersCallbacks = {}): Promise<RunnersRun> {
  const now = req.now ?? Date.now;
  const pollMs = req.pollMs ?? 200;
  const signals = req.signals ?? process;
  const startedAt = now();
  const run: RunnersRun = { runners: [], interrupted: false, setup: null, teardown: null, releaseSpreadMs: null, startedAt, endedAt: startedAt };
  let stopping = false;
  let finishing = false;
  const ends = new Map<number, RunnerEnd>();
  const released = new Map<number, number>();
  const exits = new Map<number, RunnerExit & { at: number }>();

  let runners: StartedRunner[] = [];
  const stopAll = (why: string) => {
    if (stopping) return;
    stopping = true;
    cb.onNote?.(`stopping every runner: ${why}`);
    for (const r of runners) if (!r.done()) void r.api.stop().catch(() => undefined);
  };
  const fail = (id: number, end: RunnerEnd, reason: string, exit?: RunnerExit) => {
    ends.set(id, end);
    if (!run.failure) {
      run.failure = { runner: id, reason, exitCode: exit?.exitCode ?? null, signal: exit?.signal ?? null };
      cb.onFailure?.(reason);
    }
    stopAll(reason);
  };

  let received = 0;
  const onSignal = (name: NodeJS.Signals) => () => {
    received += 1;
    run.interrupted = true;
    if (received === 1) {
      cb.onSignal?.(name, 'stopping every runner through its API; teardown still runs (Ctrl-C again to skip it)');
      stopAll(`${name} from the user`);
    } else {
      const as = received === 2 ? 'SIGINT' : 'SIGKILL';
      cb.onSignal?.(name, `sending ${as} to every runner`);
      for (const r of runners) r.signal(as);
    }
  };
  const onInt = onSignal('SIGINT');
  const onTerm = onSignal('SIGTERM');
  const onHangUp = onSignal('SIGHUP');
  signals.on('SIGINT', onInt);
  signals.on('SIGTERM', onTerm);
  if (req.stop?.aborted) onHangUp();
  req.stop?.addEventListener('abort', onHangUp, { once: true });
  const releaseSignals = claimSignals();

  try {
    runners = await startAll(req);
    cb.onStarted?.(runners);
    for (const r of runners) {
      void r.exited.then((exit) => {
        exits.set(r.id, { ...exit, at: now() });
        if (finishing || ends.has(r.id)) return;
        const what = exit.startError ? `could not start: ${exit.startError}` : formatK6Exit(exit.exitCode, exit.signal);
        fail(r.id, released.has(r.id) ? 'died' : 'not-ready', `runner ${r.id} (${r.where}) ended before the test did: ${what}`, exit);
      });
    }

    await waitReady(runners, req.placement.readyTimeoutMs, pollMs, () => stopping, (r, why) => fail(r.id, 'not-ready', `runner ${r.id} (${r.where}) never got ready: ${why}`));
    if (!stopping) run.setup = await setupOnce(runners, (e) => stopAll(`setup() failed: ${e}`));
    if (!stopping) {
      // Released together: one PATCH each, all in flight at once.
      await Promise.all(runners.map(async (r) => {
        await r.api.resume().then(() => released.set(r.id, now()), (e: Error) => fail(r.id, 'died', `runner ${r.id} could not be released: ${e.message}`));
      }));
      const times = [...released.values()];
      if (times.length > 0) {
        run.releaseSpreadMs = Math.max(...times) - Math.min(...times);
        cb.onReleased?.(run.releaseSpreadMs);
      }
    }
    await watch(runners, { req, pollMs, now, released, ends, stopping: () => stopping, fail });

    finishing = true;
    if (run.setup?.ok && runners[0] && !runners[0].done() && received < 2) {
      run.teardown = await runners[0].api.runTeardown().then(() => ({ ok: true as const }), (e: Error) => ({ ok: false as const, error: e.message }));
    }
  } finally {
    finishing = true;
    // --linger keeps each k6 up until now; SIGINT makes it write its summary and exit.
    for (const r of runners) r.signal('SIGINT');
    const deadline = sleep(30_000).then(() => 'late' as const);
    for (const r of runners) {
      if ((await Promise.race([r.exited, deadline])) === 'late') r.signal('SIGKILL');
    }
    await Promise.all(runners.map((r) => r.exited));
    releaseSignals();
    signals.off('SIGINT', onInt);
    signals.off('SIGTERM', onTerm);
    req.stop?.removeEventListener('abort', onHangUp);
    await req.placement.close();
  }
  run.endedAt = now();
  run.runners = runners.map((r, i) => {
    const exit = exits.get(r.id);
    return {
      id: r.id, segment: req.specs[i]!.slice.segment, where: r.where, ...(r.engine ? { engine: r.engine } : {}), commandLine: r.commandLine, argv: r.argv,
      exitCode: exit?.exitCode ?? null, signal: exit?.signal ?? null,
      end: ends.get(r.id) ?? (run.interrupted || run.failure ? 'stopped' : 'finished'),
      releasedAt: released.get(r.id) ?? null, endedAt: exit?.at ?? run.endedAt,
    };
  });
  return run;
}

async function startAll(req: RunnersRequest): Promise<StartedRunner[]> {
  // Every engine checked (image present) before the first runner is created.
  await req.placement.prepare?.(req.specs[0]?.k6Version).catch(async (error: unknown) => { await req.placement.close(); throw error; });
  const settled = await Promise.allSettled(req.specs.map((s) => req.placement.start(s)));
  const failed = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
  if (failed) {
    await req.placement.close();
    throw failed.reason;
  }
  return settled.map((s) => (s as PromiseFulfilledResult<StartedRunner>).value);
}

async function waitReady(runners: StartedRunner[], timeoutMs: number, pollMs: number, stopped: () => boolean, notReady: (r: StartedRunner, why: string) => void): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  const pending = new Set(runners);
  let lastError = new Map<StartedRunner, string>();
  while (pending.size > 0 && !stopped()) {
    for (const r of [...pending]) {
      if (r.done()) { pending.delete(r); continue; } // its exit handler names it
      const s = await r.api.status(2000).catch((e: Error) => { lastError.set(r, e.message); return undefined; });
      if (s && s.status >= K6Status.PausedBeforeRun) pending.delete(r);
    }
    if (pending.size === 0) break;
    if (Date.now() > deadline) {
      for (const r of pending) notReady(r, `its REST API did not answer paused within ${Math.round(timeoutMs / 1000)} s (${lastError.get(r) ?? 'no answer'})`);
      return;
    }
    await sleep(pollMs);
  }
  lastError = new Map();
}

async function setupOnce(runners: StartedRunner[], failed: (error: string) => void): Promise<RunnersRun['setup']> {
  const t0 = Date.now();
  try {
    const data = await runners[0]!.api.runSetup();
    await Promise.all(runners.slice(1).map((r) => r.api.setSetupData(data)));
    return { ok: true, ms: Date.now() - t0 };
  } catch (error) {
    const message = (error as Error).message;
    failed(message);
    return { ok: false, error: message };
  }
}

interface WatchContext {
  req: RunnersRequest;
  pollMs: number;
  now: () => number;
  released: Map<number, number>;
  ends: Map<number, RunnerEnd>;
  stopping: () => boolean;
  fail: (id: number, end: RunnerEnd, reason: string) => void;
}

/** Until every runner's test has ended (or, once stopping, for at most 60 s). */
async function watch(runners: StartedRunner[], ctx: WatchContext): Promise<void> {
  const reportTimeout = ctx.req.reportTimeoutMs ?? 15_000;
  let stopDeadline: number | undefined;
  for (;;) {
    if (ctx.stopping()) stopDeadline ??= ctx.now() + 60_000;
    if (stopDeadline !== undefined && ctx.now() > stopDeadline) return;
    let open = 0;
    for (const r of runners) {
      if (r.done()) continue;
      if (ctx.stopping() && !ctx.released.has(r.id)) continue; // never started its share: nothing to wait for
      const s = await r.api.status(2000).catch(() => undefined);
      if (s && s.status >= K6Status.Ended) continue;
      open++;
      const at = ctx.released.get(r.id);
      if (!ctx.stopping() && at !== undefined && ctx.req.reported && !ctx.req.reported(r.id) && ctx.now() - at > reportTimeout) {
        ctx.fail(r.id, 'silent', `runner ${r.id} (${r.where}) sent nothing to the live feed in ${Math.round(reportTimeout / 100) / 10} s after its release`);
      }
    }
    if (open === 0) return;
    await sleep(ctx.pollMs);
  }
}
