// Runners as k6 containers on a Docker engine (DOCKER_HOST or the local
// socket, as for chaos). Each runner is a container from an image with k6 in
// it, the bundle copied in (no bind mount, so a remote engine works the same),
// its REST API published on the engine's 127.0.0.1, on a network loadctl
// creates (or one the user names). The live-feed receiver listens on that
// network's gateway: an address of this machine, reachable from the
// containers and nothing else. After a runner ends, its summary files and
// logs are copied back into the run folder.
//
// Tested on the local engine only. With a remote engine the REST API port is
// published on the remote host's 127.0.0.1, which loadctl cannot reach, and
// the gateway is the remote host's: both need an SSH tunnel, not provided.
import { readFile, writeFile } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import Docker from 'dockerode';
import { resolveEndpoint } from '../chaos/docker-endpoint.ts';
import { EnvironmentError } from '../errors.ts';
import { buildK6Argv, buildK6Env, formatK6Command } from '../k6/run.ts';
import { k6Api } from './k6-api.ts';
import { runnerEnv, runnerFlags, type Placement, type RunnerExit, type RunnerSpec, type StartedRunner } from './placement.ts';
import type { RunnersRequestOptions } from './placements.ts';
import { firstFile, tarFiles } from './tar.ts';

export const RUNNER_LABEL = 'io.loadctl.runner';
/** "<host>:<pid>" of the loadctl that made a container or network, so a later run can tell leftovers. */
export const OWNER_LABEL = 'io.loadctl.runner.owner';
const owner = () => `${hostname()}:${process.pid}`;

/** Is this "<host>:<pid>" a loadctl on this machine that is gone? Only those leftovers are removed. */
export function ownerGone(label: string | undefined, host = hostname(), alive: (pid: number) => boolean = pidAlive): boolean {
  const m = /^(.*):(\d+)$/.exec(label ?? '');
  return m !== null && m[1] === host && !alive(Number(m[2]));
}

function pidAlive(pid: number): boolean {
  try { process.kill(pid, 0); return true; } catch (e) { return (e as NodeJS.ErrnoException).code === 'EPERM'; }
}

/**
 * Runners --linger until told to end; a loadctl killed mid-run leaves them
 * running. The next docker placement removes containers and networks that
 * carry the runner label and whose owner on this machine is gone, nothing else.
 */
async function removeLeftovers(docker: Docker): Promise<number> {
  let removed = 0;
  const containers = await docker.listContainers({ all: true, filters: { label: [RUNNER_LABEL] } }).catch(() => []);
  for (const c of containers) {
    if (!ownerGone(c.Labels[OWNER_LABEL])) continue;
    await docker.getContainer(c.Id).remove({ force: true }).then(() => { removed++; }, () => undefined);
  }
  const networks = await docker.listNetworks({ filters: { label: [RUNNER_LABEL] } }).catch(() => []);
  for (const n of networks) {
    if (ownerGone(n.Labels?.[OWNER_LABEL])) await docker.getNetwork(n.Id).remove().catch(() => undefined);
  }
  return removed;
}
const IN = '/loadctl';
const API_PORT = '6565/tcp';

/** The public image matched to the local k6 (`v2.2.0` -> grafana/k6:2.2.0). */
export function defaultRunnerImage(k6Version: string | undefined): string {
  return k6Version ? `grafana/k6:${k6Version.replace(/^v/, '')}` : 'grafana/k6:latest';
}

export async function dockerPlacement(o: RunnersRequestOptions): Promise<Placement> {
  const endpoint = resolveEndpoint(o.dockerHost ? { ...process.env, DOCKER_HOST: o.dockerHost } : process.env);
  const docker = new Docker(endpoint.options as Docker.DockerOptions);
  const tag = `${process.pid}-${randomBytes(3).toString('hex')}`;
  await docker.ping().catch((e: Error) => {
    throw new EnvironmentError(`the Docker engine at ${endpoint.display} did not answer: ${e.message}`, { hint: 'start Docker, or set DOCKER_HOST' });
  });
  await removeLeftovers(docker);
  let network: Docker.Network;
  let created = false;
  if (o.network) {
    network = docker.getNetwork(o.network);
  } else {
    network = await docker.createNetwork({ Name: `loadctl-runners-${tag}`, Driver: 'bridge', Labels: { [RUNNER_LABEL]: tag, [OWNER_LABEL]: owner() } });
    created = true;
  }
  const info = await network.inspect().catch((e: Error) => {
    throw new EnvironmentError(`network ${o.network ?? ''} not found on ${endpoint.display}: ${e.message}`, { hint: 'name an existing bridge network, or leave --runner-network out' });
  }) as { Name: string; IPAM?: { Config?: Array<{ Gateway?: string }> } };
  const gateway = info.IPAM?.Config?.find((c) => c.Gateway && !c.Gateway.includes(':'))?.Gateway;
  if (!gateway) throw new EnvironmentError(`network ${info.Name} has no IPv4 gateway for the runners to reach loadctl through`);
  const containers: Docker.Container[] = [];
  let closed = false;

  return {
    kind: 'docker',
    receiverHost: gateway,
    readyTimeoutMs: 90_000,
    async start(spec: RunnerSpec): Promise<StartedRunner> {
      const image = o.image ?? defaultRunnerImage(spec.k6Version);
      await docker.getImage(image).inspect().catch(() => {
        throw new EnvironmentError(`image ${image} is not on the Docker engine at ${endpoint.display}`, { hint: `docker pull ${image}, or build one with scripts/build-k6-image.sh and pass --runner-image` });
      });
      const argv = buildK6Argv({
        scriptPath: `${IN}/script.js`,
        summaryExportPath: `${IN}/out/summary-export.json`,
        outputs: spec.outputs,
        extraArgs: [...runnerFlags(spec.slice, '0.0.0.0:6565'), ...spec.extraArgs],
      });
      const env = buildK6Env({ env: { ...spec.env, ...runnerEnv(spec.slice, Number(spec.slice.sequence.split(',').length - 1)) }, summaryPath: `${IN}/out/summary.json` });
      const container = await docker.createContainer({
        name: `loadctl-runner-${tag}-${spec.slice.id}`,
        Image: image,
        Entrypoint: ['k6'],
        Cmd: argv,
        Env: Object.entries(env).map(([k, v]) => `${k}=${v}`),
        Labels: { [RUNNER_LABEL]: tag, [OWNER_LABEL]: owner(), 'io.loadctl.runner.id': String(spec.slice.id) },
        ExposedPorts: { [API_PORT]: {} },
        HostConfig: { NetworkMode: info.Name, PortBindings: { [API_PORT]: [{ HostIp: '127.0.0.1', HostPort: '' }] } },
      });
      containers.push(container);
      const files: Record<string, Buffer> = { 'loadctl/script.js': await readFile(spec.scriptPath) };
      const map = await readFile(`${spec.scriptPath}.map`).catch(() => undefined);
      if (map) files['loadctl/script.js.map'] = map;
      await container.putArchive(tarFiles(files, ['loadctl', 'loadctl/out']), { path: '/' });
      // 'next-exit' before start: the default 'not-running' answers at once for a created container.
      const waiting = container.wait({ condition: 'next-exit' });
      await container.start();
      const ports = ((await container.inspect()).NetworkSettings.Ports ?? {})[API_PORT];
      const hostPort = ports?.[0]?.HostPort;
      if (!hostPort) throw new EnvironmentError(`runner ${spec.slice.id}: the engine published no port for k6's REST API`);
      let ended = false;
      const exited: Promise<RunnerExit> = waiting.then(async (r: { StatusCode?: number }) => {
        ended = true;
        await copyBack(container, spec);
        const code = r.StatusCode ?? null;
        // 137/143: the container was killed by a signal, the way a process is.
        return code !== null && code > 128 && code < 160 ? { exitCode: null, signal: code === 137 ? 'SIGKILL' : code === 143 ? 'SIGTERM' : `signal ${code - 128}` } : { exitCode: code, signal: null };
      }, (e: Error) => { ended = true; return { exitCode: null, signal: null, startError: e.message }; });
      return {
        id: spec.slice.id,
        where: `container loadctl-runner-${tag}-${spec.slice.id}`,
        api: k6Api(`http://127.0.0.1:${hostPort}`),
        exited,
        done: () => ended,
        signal: (s) => { if (!ended) void container.kill({ signal: s }).catch(() => undefined); },
        commandLine: `docker run ${image} ${formatK6Command('k6', argv, env).replace(/^env /, '-e ')}`,
        argv,
      };
    },
    async close() {
      if (closed) return;
      closed = true;
      await Promise.all(containers.map((c) => c.remove({ force: true }).catch(() => undefined)));
      if (created) await network.remove().catch(() => undefined);
    },
  };
}

/** The runner's summaries and logs, from the stopped container into the run folder. */
async function copyBack(container: Docker.Container, spec: RunnerSpec): Promise<void> {
  for (const [inside, host] of [[`${IN}/out/summary.json`, spec.summaryPath], [`${IN}/out/summary-export.json`, spec.summaryExportPath]] as const) {
    const stream = await container.getArchive({ path: inside }).catch(() => undefined);
    if (!stream) continue;
    const chunks: Buffer[] = [];
    for await (const c of stream as AsyncIterable<Buffer>) chunks.push(c);
    const file = firstFile(Buffer.concat(chunks));
    if (file) await writeFile(host, file.data);
  }
  const raw = await container.logs({ stdout: true, stderr: true, follow: false }).catch(() => undefined);
  if (!raw) return;
  const { stdout, stderr } = demux(raw);
  await writeFile(spec.stdoutLog, stdout);
  await writeFile(spec.stderrLog, stderr);
}

/**
 * The engine's multiplexed log stream (8-byte frame headers: stream 1 or 2,
 * then a big-endian length) split into stdout and stderr. A loop, because
 * docker-modem's recursive demuxer overflows the stack on a long k6 log.
 */
export function demux(raw: Buffer): { stdout: Buffer; stderr: Buffer } {
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  let at = 0;
  while (at + 8 <= raw.length) {
    const size = raw.readUInt32BE(at + 4);
    const frame = raw.subarray(at + 8, at + 8 + size);
    (raw[at] === 2 ? err : out).push(frame);
    at += 8 + size;
  }
  return { stdout: Buffer.concat(out), stderr: Buffer.concat(err) };
}
