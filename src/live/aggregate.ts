// Turns k6's remote-write pushes (CUMULATIVE counters and native histograms,
// one observation per series per push) into per-second figures.
//
// Each observation is placed in one second: the middle of the push interval
// that produced it, estimated from the push's newest timestamp. k6 stamps
// each series with its latest sample and only sends series that changed, so
// a second's figures are the differences between consecutive observations
// of every series, added up. Resolution is therefore one push interval.
//
// Seconds stay open for `lateSeconds` after the newest data (or wall clock),
// so a push that arrives late or out of order still lands where it belongs;
// a repeated push changes nothing. Memory: per series, the observations still
// in the open window plus one baseline; per open second, a few accumulators.
import { labelValue } from './remote-write/decode.ts';
import { counterDelta, failureShare, figures, histogramDelta, seriesKey, type Accs, type CounterValue } from './remote-write/deltas.ts';
import type { NativeHistogram, TimeSeries } from './remote-write/protobuf.ts';
import { KeyCap, SpanGuard, TimelineBuilder, type OnSecond, type SecondFigures } from './timeline.ts';
import { FAILED, FinalHistograms, REQS } from './final-histograms.ts';
import type { Timeline } from './types.ts';

export interface AggregatorOptions {
  /** k6's K6_PROMETHEUS_RW_PUSH_INTERVAL in ms. */
  pushIntervalMs?: number;
  /** How long a second stays open for late pushes, in seconds. */
  lateSeconds?: number;
  onSecond?: OnSecond;
}

export interface AggregatorStats {
  pushes: number;
  observations: number;
  duplicates: number;
  /** Out-of-order observations older than a finished second (already counted by a newer one). */
  dropped: number;
  resets: number;
}

interface Obs<V> {
  t: number;
  sec: number;
  v: V;
}

interface SeriesState<V> {
  dims: string[];
  obs: Obs<V>[];
}

const DURATION = 'k6_http_req_duration_seconds';
const DROPPED = 'k6_dropped_iterations_total';

export class RemoteWriteAggregator {
  private readonly interval: number;
  private readonly late: number;
  private readonly builder: TimelineBuilder;
  private readonly counters = new Map<string, SeriesState<CounterValue>>();
  private readonly histograms = new Map<string, SeriesState<NativeHistogram>>();
  private readonly failedRate = new Map<string, number>();
  /** Each dropped_iterations series' newest count, and their sum each time it grew. */
  private readonly droppedBySeries = new Map<string, number>();
  private readonly dropped: Array<[number, number]> = [];
  private readonly open = new Map<number, Accs>();
  /** Every second up to this one is finished. */
  private finishedUpTo = -Infinity;
  private newestSecond = -Infinity;
  private readonly span = new SpanGuard();
  /**
   * Each sender's newest push and the second it went to. Several k6 runners
   * push to one receiver, each on its own ticker; they are told apart by
   * their `runner` label ("" for a single k6).
   */
  private readonly lastPush = new Map<string, { t: number; sec: number }>();
  private readonly names = new KeyCap('name:');
  private readonly scenarios = new KeyCap('scenario:');
  private readonly runners = new KeyCap('runner:');
  /** Whole-run histograms of every trend, for merged percentiles at the end. */
  readonly finals = new FinalHistograms();
  readonly stats: AggregatorStats = { pushes: 0, observations: 0, duplicates: 0, dropped: 0, resets: 0 };

  constructor(options: AggregatorOptions = {}) {
    this.interval = options.pushIntervalMs ?? 1000;
    this.late = options.lateSeconds ?? 3;
    this.builder = new TimelineBuilder(options.onSecond);
  }

  /** Takes one decoded push. */
  ingest(push: TimeSeries[]): void {
    this.stats.pushes++;
    let newest = -Infinity;
    for (const s of push) {
      for (const x of s.samples) if (x.timestamp > newest) newest = x.timestamp;
      for (const h of s.histograms) if (h.timestamp > newest) newest = h.timestamp;
    }
    if (newest === -Infinity) return;
    const source = (push[0] && runnerOf(push[0])) ?? '';
    const last = this.lastPush.get(source) ?? { t: -Infinity, sec: -Infinity };
    const sec = this.secondOf(newest, last);
    if (!this.span.accepts(sec)) {
      this.stats.dropped++;
      return;
    }
    if (newest > last.t) this.lastPush.set(source, { t: newest, sec });
    this.finals.ingest(push);
    // Rates first: a counter series without expected_response needs its rate.
    for (const s of push) {
      if (labelValue(s, '__name__') !== FAILED) continue;
      const v = s.samples[s.samples.length - 1]?.value;
      if (v !== undefined && !Number.isNaN(v)) this.failedRate.set(seriesKey(s), v);
    }
    for (const s of push) {
      const name = labelValue(s, '__name__');
      if (name === REQS) {
        const x = s.samples[s.samples.length - 1];
        if (!x || Number.isNaN(x.value)) continue; // NaN: a stale marker at the end of the run
        const key = seriesKey(s);
        const failedShare = failureShare(labelValue(s, 'expected_response'), this.failedRate.get(key));
        const v = { requests: x.value, failures: Math.round(x.value * failedShare) };
        this.observe(this.counters, s, key, { t: x.timestamp, sec, v }, counterDelta);
      } else if (name === DROPPED) {
        const x = s.samples[s.samples.length - 1];
        if (x && !Number.isNaN(x.value)) this.droppedBySeries.set(seriesKey(s), x.value);
      } else if (name === DURATION) {
        const h = s.histograms[s.histograms.length - 1];
        // A NaN sum marks a stale histogram (K6_PROMETHEUS_RW_STALE_MARKERS): no data.
        if (h && !Number.isNaN(h.sum)) this.observe(this.histograms, s, seriesKey(s), { t: h.timestamp, sec, v: h }, histogramDelta);
      }
    }
    this.noteDropped(newest);
    this.newestSecond = Math.max(this.newestSecond, sec);
    this.finishUpTo(this.newestSecond - this.late);
  }

  private noteDropped(at: number): void {
    let total = 0;
    for (const v of this.droppedBySeries.values()) total += v;
    if (total > (this.dropped.at(-1)?.[1] ?? 0)) this.dropped.push([at, total]);
  }

  private withDropped(timeline: Timeline): Timeline {
    return this.dropped.length > 0 ? { ...timeline, dropped: [...this.dropped] } : timeline;
  }

  /** Has a sender with this `runner` label pushed yet ("" for an untagged k6)? */
  hasPushedFrom(runner: string): boolean {
    return this.lastPush.has(runner);
  }

  /** Finishes seconds the wall clock says are over, so the live line moves even when k6 goes quiet. */
  tick(nowMs: number): void {
    this.finishUpTo(Math.floor(nowMs / 1000) - 1 - this.late);
  }

  /** Finishes every open second and returns the timeline. */
  finish(): Timeline {
    const last = Math.max(...this.open.keys(), this.finishedUpTo);
    this.finishUpTo(last);
    return this.withDropped(this.builder.timeline());
  }

  timeline(): Timeline {
    return this.withDropped(this.builder.timeline());
  }

  /** What the aggregator holds right now: stays flat however long the run. */
  get held(): { openSeconds: number; series: number; observations: number } {
    let observations = 0;
    for (const st of this.counters.values()) observations += st.obs.length;
    for (const st of this.histograms.values()) observations += st.obs.length;
    return { openSeconds: this.open.size, series: this.counters.size + this.histograms.size, observations };
  }

  private observe<V>(
    states: Map<string, SeriesState<V>>,
    s: TimeSeries,
    key: string,
    o: Obs<V>,
    delta: (acc: Accs, dims: string[], cur: V, prev: V | undefined, sign: 1 | -1) => boolean,
  ): void {
    this.stats.observations++;
    let st = states.get(key);
    if (!st) {
      st = { dims: this.dimensions(s), obs: [] };
      states.set(key, st);
    }
    const list = st.obs;
    let i = list.length;
    while (i > 0 && list[i - 1]!.t > o.t) i--;
    if (i > 0 && list[i - 1]!.t === o.t) {
      this.stats.duplicates++;
      return;
    }
    const prev = list[i - 1];
    const next = list[i];
    if (next && next.sec <= this.finishedUpTo) {
      this.stats.dropped++; // a newer observation in a finished second already carries this one's counts
      return;
    }
    if (o.sec <= this.finishedUpTo) {
      if (next) {
        this.stats.dropped++; // a newer observation already carries this one's counts
        return;
      }
      o.sec = this.finishedUpTo + 1; // newest but late: count it in the first open second
    }
    list.splice(i, 0, o);
    if (delta(this.accFor(o.sec), st.dims, o.v, prev?.v, 1)) this.stats.resets++;
    if (next) {
      // `next` was counted against `prev`; re-base it on the new observation.
      const acc = this.accFor(next.sec);
      delta(acc, st.dims, next.v, prev?.v, -1);
      delta(acc, st.dims, next.v, o.v, 1);
    }
  }

  /**
   * The second a push counts in: the middle of its interval, except that with
   * 1 s pushes, consecutive pushes go to consecutive seconds. k6's ticker
   * wobbles; near the half second two pushes would otherwise share a second
   * and leave an empty one beside it, which reads as an outage to the
   * recovery maths. Late or repeated pushes go where their time puts them.
   * Pure: ingest() records the push once the span guard accepts it.
   */
  private secondOf(newest: number, last: { t: number; sec: number }): number {
    const nominal = Math.floor((newest - this.interval / 2) / 1000);
    if (newest <= last.t) return nominal;
    let sec = nominal;
    if (this.interval === 1000 && last.sec !== -Infinity) {
      const gap = newest - last.t;
      if (nominal <= last.sec && gap >= 500) sec = last.sec + 1;
      else if (nominal >= last.sec + 2 && gap < 1500) sec = last.sec + 1;
    }
    return sec;
  }

  private dimensions(s: TimeSeries): string[] {
    const out: string[] = [];
    const name = labelValue(s, 'name');
    const scenario = labelValue(s, 'scenario');
    if (name !== undefined) out.push(this.names.key(name));
    if (scenario !== undefined) out.push(this.scenarios.key(scenario));
    const runner = runnerOf(s);
    if (runner !== undefined) out.push(this.runners.key(runner));
    return out;
  }

  private accFor(sec: number): Accs {
    let m = this.open.get(sec);
    if (!m) {
      m = new Map();
      this.open.set(sec, m);
    }
    return m;
  }

  private finishUpTo(upTo: number): void {
    if (upTo <= this.finishedUpTo) return;
    const secs = [...this.open.keys()].filter((s) => s <= upTo).sort((a, b) => a - b);
    for (const sec of secs) {
      const accs = this.open.get(sec)!;
      this.open.delete(sec);
      const byKey = new Map<string, SecondFigures>();
      for (const [k, acc] of accs) if (k !== null) byKey.set(k, figures(acc));
      const total = accs.get(null);
      this.builder.append(sec, total ? figures(total) : undefined, byKey);
    }
    this.finishedUpTo = upTo;
    prune(this.counters, upTo);
    prune(this.histograms, upTo);
  }
}

/** The runner a series came from: loadctl's `runner` tag, or the k6-operator's `instance_id`. */
function runnerOf(s: TimeSeries): string | undefined {
  return labelValue(s, 'runner') ?? labelValue(s, 'instance_id');
}

/** Drops observations in finished seconds, keeping the newest as the baseline. */
function prune<V>(states: Map<string, SeriesState<V>>, upTo: number): void {
  for (const st of states.values()) {
    let keep = 0;
    while (keep + 1 < st.obs.length && st.obs[keep + 1]!.sec <= upTo) keep++;
    if (keep > 0) st.obs.splice(0, keep);
  }
}
