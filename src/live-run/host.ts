// The host of one live run: what the run extensions share (the display, the
// live feed, the load's start and end, the runners' placement) and the
// wiring of their hooks into the pipeline's options and events. runLive
// (./run.ts) only sequences it.
import { join } from 'node:path';
import { rm } from 'node:fs/promises';
import type { SignalSource } from '../k6/run.ts';
import type { ResolvedProfile } from '../profiles/types.ts';
import type { Ui } from '../ui.ts';
import type { RunEvents, RunPipelineOptions } from '../run/pipeline.ts';
import type { ActiveExtension, LiveRunOptions, RunExtension, RunHost } from '../run/extension.ts';
import type { Timeline } from '../live/types.ts';
import { createPlacement } from '../runners/placements.ts';
import { runnersExecutor } from '../runners/stage.ts';
import { createLiveDisplay } from './display.ts';
import { startLiveFeed, type LiveFeed } from './live.ts';
import { runnersOption } from './runners.ts';

export type { LiveRunOptions };

export interface Load {
  pipeline: RunPipelineOptions;
  events: RunEvents;
  /** After the load (or a failed start): every extension's afterLoad, then the runners and the feed are closed. */
  end(returned: boolean): Promise<void>;
  feed: LiveFeed | undefined;
  /** The feed's timeline, once ended. */
  timeline(): Timeline | undefined;
  recordTmp: string | undefined;
  profile(): ResolvedProfile | undefined;
}

export function createRunHost(o: LiveRunOptions, baseEvents: RunEvents, ui: Ui) {
  let k6StartedAt: number | undefined;
  let loadEnded = false;
  let feed: LiveFeed | undefined;
  let active: ActiveExtension[] = [];
  const display = createLiveDisplay(ui, baseEvents, { quiet: o.quiet, startedAt: () => k6StartedAt });
  // A runner failed: the load is going, so holding a fault under it would measure nothing.
  const loadStopped = new AbortController();
  // Runners listen for SIGINT/SIGTERM themselves; a hang-up reaches them through this.
  const hangUp = new AbortController();
  const host: RunHost = {
    request: o, ui, shared: {}, note: (line) => display.note(line),
    recent: () => feed?.recent() ?? [], recentSeconds: () => feed?.recentSeconds() ?? [],
    loadEnded: () => loadEnded, loadStopped: loadStopped.signal,
    emit: (event) => { for (const e of active) e.onEvent?.(event); },
    hangUp: () => hangUp.abort(), setChaosActive: (on) => display.setChaosActive(on),
  };

  async function open(extensions: readonly RunExtension[]): Promise<ActiveExtension[]> {
    for (const extension of extensions) {
      const opened = await extension.open(host);
      if (opened) active.push(opened);
    }
    return active;
  }

  async function startLoad(): Promise<Load> {
    let resolved: ResolvedProfile | undefined;
    let timeline: Timeline | undefined;
    // Runners in containers need the receiver on their networks' gateways, so the placement comes first.
    const placement = o.runners ? await createPlacement(o.runners) : undefined;
    const pushers = active.filter((e) => e.onPush);
    feed = o.live
      ? await startLiveFeed({
        ...(pushers.length > 0 ? { onPush: (body, headers) => { for (const e of pushers) e.onPush?.(body, headers); } } : {}),
        onSecond: (s) => { display.second(s); o.onSecond?.(s); for (const e of active) e.onSecond?.(s); },
        onRejected: (reason) => ui.warn(`live feed: refused a push from k6 (${reason})`),
      }, placement?.receiverHosts).catch(async (error: unknown) => { await placement?.close(); throw error; })
      : undefined;
    const recordTmp = o.record ? join(o.pipeline.outDir, `.k6-record-${process.pid}-${Date.now()}.ndjson.gz`) : undefined;
    const events: RunEvents = {
      ...display.events,
      onProfile: (p) => { resolved = p; display.events.onProfile?.(p); },
      onProgress: (p, scenarios) => { for (const e of active) e.onProgress?.(Date.now(), p.elapsedMs); display.events.onProgress?.(p, scenarios); },
      // An extension's own stop was said already, with its reason; "Ctrl-C again to force" is not for it.
      onSignal: (signal, as) => { if (!active.some((e) => e.stopping?.())) display.events.onSignal?.(signal, as); },
      onSpawn: (pid) => {
        k6StartedAt = Date.now();
        display.events.onSpawn?.(pid);
        for (const e of active) e.onStart?.(k6StartedAt, pid);
      },
    };
    let signals: SignalSource = o.pipeline.signals ?? process;
    for (const e of active) if (e.signals) signals = e.signals(signals);
    const executor = o.executor ?? (placement && feed ? runnersExecutor(runnersOption({
      count: o.runners!.count, placement, feed, events, note: host.note, stop: hangUp.signal, onFailure: (reason) => loadStopped.abort(reason),
    })) : undefined);
    const pipeline: RunPipelineOptions = {
      ...o.pipeline,
      beforeLoad: async (profile) => {
        await o.pipeline.beforeLoad?.(profile);
        for (const e of active) await e.beforeLoad?.(profile);
      },
      outputs: [...o.pipeline.outputs, ...(feed?.outputs ?? []), ...(recordTmp ? [`json=${recordTmp}`] : [])],
      k6Env: { ...o.pipeline.k6Env, ...(feed?.env ?? {}) },
      ...(feed ? { k6EnvFor: feed.envFor } : {}),
      ...(executor ? { executor } : {}),
      signals,
    };
    return {
      pipeline, events, feed, recordTmp, timeline: () => timeline, profile: () => resolved,
      async end(returned) {
        loadEnded = true;
        display.stop();
        for (const e of active) await e.afterLoad?.();
        await placement?.close();
        timeline = await feed?.close();
        // A failed start leaves no half-written record outside any run folder.
        if (!returned && recordTmp) await rm(recordTmp, { force: true });
      },
    };
  }

  return { host, open, startLoad, loadStopped: () => loadStopped.signal.aborted };
}
