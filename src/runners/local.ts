// Runners as local k6 processes, each with its REST API on a free port of
// 127.0.0.1. Detached, like the single k6 (src/k6/run.ts): a Ctrl-C in the
// terminal reaches loadctl only, which decides what each runner gets.
import { createServer } from 'node:net';
import { buildK6Argv, buildK6Env, formatK6Command } from '../k6/run.ts';
import { spawnReaper, type Reaper } from '../k6/reaper.ts';
import { k6Api } from './k6-api.ts';
import { runnerEnv, runnerFlags, type Placement, type RunnerExit, type RunnerSpec, type StartedRunner } from './placement.ts';

/** A port the OS just handed out on 127.0.0.1 (free unless someone races for it). */
export function freePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, host, () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

export function localPlacement(count: number): Placement {
  const started: StartedRunner[] = [];
  // Runners linger after their test; if loadctl is killed, the reaper ends them.
  let reaper: Reaper | undefined;
  return {
    kind: 'local',
    receiverHosts: ['127.0.0.1'],
    readyTimeoutMs: 60_000,
    async start(spec: RunnerSpec): Promise<StartedRunner> {
      const { execa } = await import('execa');
      const port = await freePort();
      const address = `127.0.0.1:${port}`;
      const argv = buildK6Argv({
        scriptPath: spec.scriptPath,
        summaryExportPath: spec.summaryExportPath,
        outputs: spec.samplesPath ? [...spec.outputs, `json=${spec.samplesPath}`] : spec.outputs,
        extraArgs: [...runnerFlags(spec.slice, address), ...spec.extraArgs],
      });
      const env = buildK6Env({ env: { ...spec.env, ...runnerEnv(spec.slice, count) }, summaryPath: spec.summaryPath });
      const child = execa(spec.k6Path, argv, {
        cwd: spec.cwd, env, extendEnv: true, reject: false, buffer: false, detached: true,
        forceKillAfterDelay: false, stdin: 'ignore',
        stdout: { file: spec.stdoutLog }, stderr: { file: spec.stderrLog },
      });
      let ended = false;
      reaper ??= spawnReaper();
      const pid = child.pid;
      if (pid !== undefined) reaper.add(pid);
      const exited: Promise<RunnerExit> = child.then((r) => {
        ended = true;
        if (pid !== undefined) reaper?.remove(pid);
        const spawnFailed = r.failed && r.exitCode === undefined && r.signal === undefined;
        return {
          exitCode: r.exitCode ?? null,
          signal: r.signal ?? null,
          ...(spawnFailed ? { startError: r.cause instanceof Error ? r.cause.message : r.shortMessage } : {}),
        };
      });
      // A detached child outlives loadctl unless taken down on the way out.
      const onExit = () => { if (!ended) child.kill('SIGKILL'); };
      process.once('exit', onExit);
      void exited.then(() => process.off('exit', onExit));
      const runner: StartedRunner = {
        id: spec.slice.id,
        where: `process ${child.pid ?? '?'}`,
        api: k6Api(`http://${address}`),
        exited,
        done: () => ended,
        signal: (s) => { if (!ended) child.kill(s); },
        commandLine: formatK6Command(spec.k6Path, argv, env),
        argv,
      };
      started.push(runner);
      return runner;
    },
    async close() {
      for (const r of started) r.signal('SIGKILL');
      await Promise.all(started.map((r) => r.exited));
      reaper?.close();
    },
  };
}
