// `loadctl k8s <profile> --apply`: the command layer. It connects to the
// cluster (kubeconfig through the client library), starts loadctl's
// remote-write receiver where the pods reach it, applies and watches the
// TestRun (src/runners/k8s/apply.ts), and judges the merged runners exactly
// as `loadctl run --runners` does: the same table, result.json/--json,
// JUnit and step summary, the same exit codes.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ResolvedProfile } from '../profiles/types.ts';
import type { ConfigMap, TestRun } from '../runners/k8s/schema.ts';
import type { Cluster } from '../runners/k8s/cluster.ts';
import type { ListenAddress } from '../runners/k8s/listen.ts';
import type { Timeline } from '../live/types.ts';
import { EnvironmentError } from '../errors.ts';

export interface ApplyCommandInput {
  manifests: { configMap: ConfigMap; testRun: TestRun };
  profile: ResolvedProfile;
  runDir: string;
  cwd: string;
  image: string;
  listen: ListenAddress;
  /** The remote-write URL the pods push to, for messages. */
  receiver: string;
  cluster: Cluster;
  keep: boolean;
  json: boolean;
  junit?: string;
  quiet: boolean;
  verbose: boolean;
  color?: boolean;
}

export async function applyCommand(input: ApplyCommandInput): Promise<number> {
  const [{ createUi }, render, { startReceiver }, { applyTestRun }, { waitTimeoutMs }, { judgeRunners }, { runnersExecuted }, { buildRunReport }, { toResultDocument }, { resultsFromFeed }, { writeResultDocument }] = await Promise.all([
    import('../ui.ts'), import('./run-output.ts'), import('../live/receiver.ts'),
    import('../runners/k8s/apply.ts'), import('../runners/k8s/timeout.ts'), import('../runners/step.ts'), import('../runners/stage.ts'), import('../run/report.ts'),
    import('../report/json.ts'), import('../runners/k8s/feed-results.ts'), import('../shared/run-folder.ts'),
  ]);
  const ui = createUi({ quiet: input.quiet, ...(input.color !== undefined ? { color: input.color } : {}), stream: input.json ? process.stderr : process.stdout });
  const view = render.createRunView(ui, { quiet: input.quiet, verbose: input.verbose, cwd: input.cwd });
  const { cluster } = input;
  const receiver = await startReceiver({ host: input.listen.host, port: input.listen.port }).catch((error: NodeJS.ErrnoException) => {
    throw new EnvironmentError(`loadctl's receiver cannot listen on ${input.listen.host}:${input.listen.port} (${error.code ?? error.message})`, {
      hint: error.code === 'EADDRINUSE' ? 'pick a free port in --receiver (and --listen)' : 'bind an address of this machine with --listen 0.0.0.0:<port> and keep --receiver as the pods reach it',
    });
  });
  ui.info(`receiver listening on ${input.listen.host}:${input.listen.port}; the pods push to ${input.receiver}`);
  const startedAt = new Date();
  let applied;
  let timeline: Timeline;
  try {
    applied = await applyTestRun({
      cluster, ...input.manifests, timeoutMs: waitTimeoutMs(input.profile.k6Options), keep: input.keep, runDir: input.runDir,
      reported: (index) => receiver.aggregator.hasPushedFrom(String(index)),
    }, {
      onApplied: (w) => ui.info(`applied ConfigMap and TestRun ${w.name} in namespace ${w.namespace} of ${w.server}; waiting for the k6-operator`),
      onStage: (stage) => ui.info(`TestRun stage: ${stage}`),
      onNote: (line) => ui.warn(line),
      onSignal: (signal, action) => ui.warn(`${signal}: ${action}`),
      onDeleted: (what) => ui.info(`deleted ${what.join(' and ')}`),
    });
  } finally {
    timeline = await receiver.close();
  }
  await writeFile(join(input.runDir, 'timeline.json'), `${JSON.stringify(timeline)}\n`);
  const judged = judgeRunners({
    run: applied.run, summaries: applied.summaries, histograms: receiver.aggregator.finals,
    k6Options: input.profile.k6Options, targets: input.profile.targets, placement: 'kubernetes',
    // Ctrl-C deleted the pods before they wrote summaries: judge what the live feed got.
    ...(applied.run.interrupted ? { fallback: () => resultsFromFeed(timeline, receiver.aggregator.finals) } : {}),
  });
  const report = buildRunReport({
    profile: input.profile, cwd: input.cwd, startedAt, endedAt: new Date(), runDir: input.runDir, executed: runnersExecuted({ run: applied.run, ...judged }, []),
    k6: { path: `${input.image} (TestRun ${input.manifests.testRun.metadata.name}, ${cluster.server})`, version: undefined },
  });
  const resultJson = await writeResultDocument(input.runDir, toResultDocument(report));
  view.finished(report);
  if (input.json) process.stdout.write(resultJson);
  await render.writeExtraReports(report, { ...(input.junit ? { junit: input.junit } : {}), stepSummary: process.env.GITHUB_STEP_SUMMARY }, (line) => ui.warn(line));
  return report.outcome.exitCode;
}
