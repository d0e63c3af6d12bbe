// `loadctl k8s --apply`: the ConfigMap and TestRun applied, the TestRun
// watched until the k6-operator says it finished (or failed, or ran out of
// time), each runner pod's summary read from its log, and what loadctl made
// deleted. The operator starts and releases the runners itself; loadctl only
// watches, and judges from the live feed and the summaries. A runner that
// pushes nothing to the live feed, a pod whose k6 ended badly or a TestRun
// in stage "error" fails the run with that reason. Ctrl-C deletes the
// TestRun (its pods stop) and the run is judged on what arrived.
// Silent: it reports through callbacks; the command prints.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { formatK6Exit } from '../../k6/exit-codes.ts';
import type { SignalSource } from '../../k6/run.ts';
import { parseSummary } from '../../results/summary.ts';
import { claimSignals } from '../../shared/signals.ts';
import type { RunnerEnd, RunnerRecord, RunnersRun } from '../run.ts';
import { sliceTest } from '../segments.ts';
import type { RunnerSummary } from '../verdict.ts';
import type { Cluster } from './cluster.ts';
import type { ConfigMap, TestRun } from './schema.ts';

export interface ApplyRequest {
  cluster: Cluster;
  configMap: ConfigMap;
  testRun: TestRun;
  /** How long the TestRun may take from creation to "finished". */
  timeoutMs: number;
  /** Has runner `instance_id` (1..parallelism) pushed to the live feed yet? */
  reported(index: number): boolean;
  /** How long after the runners started one may stay silent. */
  reportTimeoutMs?: number;
  pollMs?: number;
  /** Keep the ConfigMap and TestRun (--keep); a Ctrl-C still deletes the TestRun to stop its pods. */
  keep: boolean;
  /** Each runner's log and summary go to runners/<index>/ here. */
  runDir: string;
  signals?: SignalSource;
  now?: () => number;
}

export interface ApplyCallbacks {
  onApplied?(where: { server: string; namespace: string; name: string }): void;
  onStage?(stage: string): void;
  onNote?(line: string): void;
  onSignal?(signal: NodeJS.Signals, action: string): void;
  onDeleted?(what: string[]): void;
}

export interface ApplyResult {
  run: RunnersRun;
  summaries: RunnerSummary[];
  /** The TestRun's last stage seen. */
  stage: string | undefined;
}

/** Polls of the TestRun that may fail in a row before the run gives up (exit 3). */
const MAX_MISSED_POLLS = 5;

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/**
 * k6's summary data from a pod's log: the last JSON object with `metrics`
 * (the injected handleSummary writes it to standard output as one line,
 * without a newline, so where both streams share a log k6's next logfmt line
 * may follow it on the same line). Pure.
 */
export function summaryFromLog(log: string): string | undefined {
  const lines = log.split('\n');
  for (let i = lines.length - 1; i >= 0; i--) {
    const line = lines[i]!;
    const at = line.indexOf('{"');
    if (at < 0) continue;
    // Try the longest candidate first: from the opening brace to each closing one, last to first.
    for (let end = line.lastIndexOf('}'); end > at; end = line.lastIndexOf('}', end - 1)) {
      const doc = parseObject(line.slice(at, end + 1));
      if (doc && typeof doc.metrics === 'object' && doc.metrics !== null) return line.slice(at, end + 1);
      if (doc) break;
    }
  }
  return undefined;
}

function parseObject(text: string): Record<string, unknown> | undefined {
  try {
    const v = JSON.parse(text) as unknown;
    return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

export async function applyTestRun(req: ApplyRequest, cb: ApplyCallbacks = {}): Promise<ApplyResult> {
  const now = req.now ?? Date.now;
  const pollMs = req.pollMs ?? 1000;
  const reportTimeout = req.reportTimeoutMs ?? 15_000;
  const signals = req.signals ?? process;
  const name = req.testRun.metadata.name;
  const count = req.testRun.spec.parallelism;
  const startedAt = now();
  const run: RunnersRun = { runners: [], interrupted: false, setup: null, teardown: null, releaseSpreadMs: null, startedAt, endedAt: startedAt };
  const ends = new Map<number, RunnerEnd>();
  const fail = (runner: number, end: RunnerEnd | undefined, reason: string, exitCode: number | null = null) => {
    if (end) ends.set(runner, end);
    run.failure ??= { runner, reason, exitCode, signal: null };
  };

  let wake: () => void = () => undefined;
  const onSignal = (signal: NodeJS.Signals) => () => {
    if (run.interrupted) return;
    run.interrupted = true;
    cb.onSignal?.(signal, `deleting TestRun ${name} (its runner pods stop); judging what arrived`);
    wake();
  };
  const onInt = onSignal('SIGINT');
  const onTerm = onSignal('SIGTERM');
  signals.on('SIGINT', onInt);
  signals.on('SIGTERM', onTerm);
  const releaseSignals = claimSignals();

  const made: Array<{ what: string; remove: () => Promise<void> }> = [];
  let stage: string | undefined;
  let pods: Awaited<ReturnType<Cluster['runnerPods']>> = [];
  const summaries: RunnerSummary[] = [];
  try {
    await req.cluster.createConfigMap(req.configMap);
    made.push({ what: `ConfigMap ${req.configMap.metadata.name}`, remove: () => req.cluster.deleteConfigMap(req.configMap.metadata.name) });
    await req.cluster.createTestRun(req.testRun);
    made.push({ what: `TestRun ${name}`, remove: () => req.cluster.deleteTestRun(name) });
    cb.onApplied?.({ server: req.cluster.server, namespace: req.cluster.namespace, name });

    const deadline = startedAt + req.timeoutMs;
    let startedSince: number | undefined;
    let misses = 0;
    while (!run.interrupted) {
      // A long test outlives a blip of the API server: give up only after a few polls in a row failed.
      const state = await req.cluster.getTestRun(name).then((s) => { misses = 0; return s; }, (error: unknown) => {
        if (++misses >= MAX_MISSED_POLLS) throw error;
        cb.onNote?.(`could not read TestRun ${name} (${(error as Error).message}); trying again`);
        return 'missed' as const;
      });
      if (state === 'missed') {
        await sleep(pollMs);
        continue;
      }
      if (!state) {
        fail(0, undefined, `TestRun ${name} disappeared before it finished (deleted by someone else?)`);
        break;
      }
      if (state.stage !== stage && state.stage !== undefined) {
        stage = state.stage;
        cb.onStage?.(stage);
      }
      if (stage === 'finished' || stage === 'error') break;
      if (stage === 'started') startedSince ??= now();
      if (startedSince !== undefined && now() - startedSince > reportTimeout) {
        const silent = silentRunners(count, req.reported);
        if (silent.length > 0) {
          for (const i of silent) ends.set(i, 'silent');
          fail(silent[0]!, 'silent', `runner ${silent.join(', ')} of TestRun ${name} sent nothing to the live feed in ${Math.round(reportTimeout / 1000)} s after the runners started: can the pods reach the --receiver URL?`);
          break;
        }
      }
      if (now() > deadline) {
        fail(0, undefined, `TestRun ${name} did not finish within ${Math.round(req.timeoutMs / 1000)} s (the profile's length plus a margin); last stage ${stage ?? 'none'}`);
        break;
      }
      await new Promise<void>((resolve) => { wake = resolve; void sleep(pollMs).then(resolve); });
    }

    if (!run.interrupted) {
      if (stage === 'error') fail(0, undefined, `TestRun ${name} ended in stage "error" (the k6-operator's reason: kubectl describe testrun ${name} -n ${req.cluster.namespace})`);
      pods = await req.cluster.runnerPods(name);
      for (let index = 1; index <= count; index++) {
        const dir = join(req.runDir, 'runners', String(index));
        await mkdir(dir, { recursive: true });
        const pod = pods.find((p) => p.index === index);
        if (!pod) {
          summaries.push({ results: undefined, error: `no runner pod ${name}-${index} found` });
          continue;
        }
        const log = await req.cluster.podLog(pod.name).catch((e: Error) => `(log unreadable: ${e.message})`);
        await writeFile(join(dir, 'pod.log'), log);
        const json = summaryFromLog(log);
        if (json) await writeFile(join(dir, 'summary.json'), json);
        const parsed = json ? parseSummary(json) : undefined;
        summaries.push(parsed?.ok ? { results: parsed.results, error: undefined } : { results: undefined, error: parsed ? parsed.error : `no summary in the log of pod ${pod.name}` });
        if (pod.exitCode !== null && pod.exitCode !== 0 && pod.exitCode !== 99) {
          fail(index, 'died', `runner ${index} (pod ${pod.name}) ended badly: ${formatK6Exit(pod.exitCode, null)}`, pod.exitCode);
        }
      }
      const silent = silentRunners(count, req.reported);
      if (silent.length > 0) {
        for (const i of silent) if (!ends.has(i)) ends.set(i, 'silent');
        fail(silent[0]!, 'silent', `runner ${silent.join(', ')} of TestRun ${name} sent nothing to the live feed: can the pods reach the --receiver URL?`);
      }
    }
  } finally {
    // Newest first; a Ctrl-C deletes the TestRun even with --keep, since that is what stops the pods.
    const removed: string[] = [];
    const problems: unknown[] = [];
    for (const m of [...made].reverse()) {
      const isTestRun = m.what.startsWith('TestRun');
      if (req.keep && !(isTestRun && (run.interrupted || run.failure))) continue;
      try {
        await m.remove();
        removed.push(m.what);
      } catch (error) {
        problems.push(error);
      }
    }
    if (removed.length > 0) cb.onDeleted?.(removed);
    releaseSignals();
    signals.off('SIGINT', onInt);
    signals.off('SIGTERM', onTerm);
    if (problems.length > 0) cb.onNote?.(`could not delete everything: ${problems.map((p) => (p as Error).message).join('; ')}`);
  }

  run.endedAt = now();
  const slices = sliceTest(count);
  run.runners = slices.map((slice, i): RunnerRecord => {
    const index = i + 1;
    const pod = pods.find((p) => p.index === index);
    return {
      id: index, segment: slice.segment, where: pod ? `pod ${pod.name}` : `job ${name}-${index}`,
      commandLine: `k6 run (the k6-operator's runner job ${name}-${index})`, argv: [],
      exitCode: pod?.exitCode ?? null, signal: null,
      end: ends.get(index) ?? (run.interrupted || run.failure ? 'stopped' : 'finished'),
      releasedAt: null, endedAt: run.endedAt,
    };
  });
  while (summaries.length < count) summaries.push({ results: undefined, error: run.interrupted ? 'interrupted before the runners wrote their summaries' : 'not read' });
  return { run, summaries, stage };
}

function silentRunners(count: number, reported: (index: number) => boolean): number[] {
  return Array.from({ length: count }, (_, i) => i + 1).filter((i) => !reported(i));
}
