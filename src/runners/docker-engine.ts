// One Docker (or Podman) engine that runner containers run on: connected and
// checked up front (answers, image present), a bridge network of its own,
// containers started from an image with k6 and the bundle copied in (no bind
// mount, so a remote engine works the same), and everything it made removed
// at the end. src/runners/docker.ts deals runners out over several of these.
//
// The k6 REST API of each container is published on the engine's 127.0.0.1
// when the engine is on this machine; on another machine it is published on
// that machine's interfaces and reached at the endpoint's host name (k6's API
// has no authentication: firewall it to loadctl's machine).
import { readFile, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import type Docker from 'dockerode';
import { DockerAdapter } from '../docker/client.ts';
import type { Endpoint } from '../docker/endpoint.ts';
import { EnvironmentError, type LoadctlError } from '../errors.ts';
import { buildK6Argv, buildK6Env, formatK6Command } from '../k6/run.ts';
import { k6Api } from './k6-api.ts';
import { runnerEnv, runnerFlags, type RunnerExit, type RunnerSpec, type StartedRunner } from './placement.ts';
import { firstFile, tarFiles } from '../docker/tar.ts';

export const RUNNER_LABEL = 'io.loadctl.runner';
/** "<host>:<pid>" of the loadctl that made a container or network, so a later run can tell leftovers. */
export const OWNER_LABEL = 'io.loadctl.runner.owner';
const owner = () => `${hostname()}:${process.pid}`;
const IN = '/loadctl';
const API_PORT = '6565/tcp';
/** Open files per runner container when the VUs say less: k6's own needs and a margin. */
const MIN_NOFILE = 4096;
const PODMAN_NPROC = 4096;

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
async function removeLeftovers(docker: Docker): Promise<void> {
  const containers = await docker.listContainers({ all: true, filters: { label: [RUNNER_LABEL] } }).catch(() => []);
  for (const c of containers) {
    if (ownerGone(c.Labels[OWNER_LABEL])) await docker.getContainer(c.Id).remove({ force: true }).catch(() => undefined);
  }
  const networks = await docker.listNetworks({ filters: { label: [RUNNER_LABEL] } }).catch(() => []);
  for (const n of networks) {
    if (ownerGone(n.Labels?.[OWNER_LABEL])) await docker.getNetwork(n.Id).remove().catch(() => undefined);
  }
}

export interface EngineOptions {
  endpoint: Endpoint;
  local: boolean;
  /** Unique per run: in every name and the runner label. */
  tag: string;
  /** An existing network to run on (on every engine) instead of one made here. */
  network?: string;
  /** Where this engine's runners push the live feed; default: its network's gateway. */
  receiverHost?: string;
}

export interface DockerEngine {
  display: string;
  /** The address the receiver must listen on for this engine's runners. */
  receiverHost: string;
  /** Refuses (exit 3) when the image is not on the engine. */
  checkImage(image: string): Promise<void>;
  start(spec: RunnerSpec, image: string, runners: number): Promise<StartedRunner>;
  /** Removes the containers and the network made here; idempotent. */
  close(): Promise<void>;
}

/** Connects, checks the engine answers, clears leftovers and makes the network; exit 3 naming the endpoint otherwise. */
export async function openEngine(o: EngineOptions): Promise<DockerEngine> {
  const { endpoint } = o;
  const adapter = new DockerAdapter(endpoint);
  // The adapter's ping maps the failure (permission, TLS, timeout) to one line; an engine that is simply not there is named with the flag that chose it.
  await adapter.ping().catch((e: LoadctlError) => {
    if (!/^no Docker engine answers/.test(e.message)) throw e;
    throw new EnvironmentError(`the Docker engine at ${endpoint.display} did not answer: ${(e.cause as Error | undefined)?.message ?? e.message}`, { hint: `start that engine, or point --docker-host (or DOCKER_HOST, when no --docker-host is given) at one that runs` });
  });
  const docker = adapter.client;
  const podman = await docker.version().then((v) => (v.Components ?? []).some((c) => /podman/i.test(c.Name)), () => false);
  await removeLeftovers(docker);
  const name = o.network ?? `loadctl-runners-${o.tag}`;
  const network = o.network ? docker.getNetwork(o.network) : await docker.createNetwork({ Name: name, Driver: 'bridge', Labels: { [RUNNER_LABEL]: o.tag, [OWNER_LABEL]: owner() } });
  const containers: Docker.Container[] = [];
  let closed = false;
  const close = async () => {
    if (closed) return;
    closed = true;
    await Promise.all(containers.map((c) => c.remove({ force: true }).catch(() => undefined)));
    if (!o.network) await network.remove().catch(() => undefined);
  };
  const info = await network.inspect().catch(async (e: Error) => {
    await close();
    throw new EnvironmentError(`network ${name} not found on ${endpoint.display}: ${e.message}`, { hint: 'name a bridge network that exists on every engine, or leave --runner-network out' });
  }) as { Name: string; IPAM?: { Config?: Array<{ Gateway?: string }> } };
  const gateway = info.IPAM?.Config?.find((c) => c.Gateway && !c.Gateway.includes(':'))?.Gateway;
  const receiverHost = o.receiverHost ?? gateway;
  if (!receiverHost) {
    await close();
    throw new EnvironmentError(`network ${info.Name} on ${endpoint.display} has no IPv4 gateway for the runners to reach loadctl through`, { hint: 'use another network, or give --receiver-host' });
  }
  const feedHost: string = receiverHost;
  const apiHost = o.local ? '127.0.0.1' : endpoint.options.host ?? '127.0.0.1';

  return {
    display: endpoint.display,
    receiverHost,
    async checkImage(image) {
      await docker.getImage(image).inspect().catch(() => {
        throw new EnvironmentError(`image ${image} is not on the Docker engine at ${endpoint.display}`, {
          hint: `load it there (docker save ${image} | docker -H ${endpoint.display} load), build one with scripts/build-k6-image.sh, or pass --runner-image`,
        });
      });
    },
    start: (spec, image, runners) => startRunner(spec, image, runners).catch((error: Error) => {
      if (error instanceof EnvironmentError) throw error;
      throw new EnvironmentError(`runner ${spec.slice.id} could not start on the Docker engine at ${endpoint.display}: ${oneLine(error.message)}`, { hint: 'see the engine\'s own log; the other runners were removed' });
    }),
    close,
  };

  async function startRunner(spec: RunnerSpec, image: string, runners: number): Promise<StartedRunner> {
    const argv = buildK6Argv({
      scriptPath: `${IN}/script.js`,
      summaryExportPath: `${IN}/out/summary-export.json`,
      outputs: spec.samplesPath ? [...spec.outputs, `json=${IN}/out/samples.json.gz`] : spec.outputs,
      extraArgs: [...runnerFlags(spec.slice, '0.0.0.0:6565'), ...spec.extraArgs],
    });
    // A k6 JSON config (K6_CONFIG: the live feed's native-histogram settings, or the user's own) is a
    // path on this machine; the container gets a copy beside the script and the variable points at it.
    const configFile = spec.env.K6_CONFIG ? await readFile(spec.env.K6_CONFIG).catch(() => undefined) : undefined;
    const specEnv = configFile ? { ...spec.env, K6_CONFIG: `${IN}/k6-config.json` } : spec.env;
    const env = buildK6Env({ env: { ...pointFeedAt(specEnv, feedHost), ...runnerEnv(spec.slice, runners) }, summaryPath: `${IN}/out/summary.json` });
    const cname = `loadctl-runner-${o.tag}-${spec.slice.id}`;
    const container = await docker.createContainer({
      name: cname,
      Image: image,
      Entrypoint: ['k6'],
      Cmd: argv,
      Env: Object.entries(env).map(([k, v]) => `${k}=${v}`),
      Labels: { [RUNNER_LABEL]: o.tag, [OWNER_LABEL]: owner(), 'io.loadctl.runner.id': String(spec.slice.id) },
      ExposedPorts: { [API_PORT]: {} },
      HostConfig: {
        NetworkMode: info.Name,
        PortBindings: { [API_PORT]: [{ HostIp: o.local ? '127.0.0.1' : '', HostPort: '' }] },
        Ulimits: runnerUlimits(spec.openFiles, podman),
      },
    });
    containers.push(container);
    const files: Record<string, Buffer> = { 'loadctl/script.js': await readFile(spec.scriptPath) };
    const map = await readFile(`${spec.scriptPath}.map`).catch(() => undefined);
    if (map) files['loadctl/script.js.map'] = map;
    if (configFile) files['loadctl/k6-config.json'] = configFile;
    await container.putArchive(tarFiles(files, ['loadctl', 'loadctl/out']), { path: '/' });
    // 'next-exit' before start: the default 'not-running' answers at once for a created container.
    const waiting = container.wait({ condition: 'next-exit' });
    await container.start();
    const ports = ((await container.inspect()).NetworkSettings.Ports ?? {})[API_PORT];
    const hostPort = ports?.[0]?.HostPort;
    if (!hostPort) throw new EnvironmentError(`runner ${spec.slice.id}: the engine at ${endpoint.display} published no port for k6's REST API`);
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
      where: `container ${cname}`,
      engine: endpoint.display,
      api: k6Api(`http://${apiHost.includes(':') ? `[${apiHost}]` : apiHost}:${hostPort}`),
      exited,
      done: () => ended,
      signal: (s) => { if (!ended) void container.kill({ signal: s }).catch(() => undefined); },
      commandLine: `docker -H ${endpoint.display} run ${image} ${formatK6Command('k6', argv, env).replace(/^env /, '-e ')}`,
      argv,
    };
  }
}

const oneLine = (text: string) => text.replace(/\s+/g, ' ').trim();

/**
 * Open files for the runner's VUs (the plan's figure, at least MIN_NOFILE).
 * Podman by default gives a container its own process's nofile and nproc,
 * which a host may refuse at start (this project's sandbox does); explicit
 * ones start everywhere, and a k6 uses a few dozen threads.
 */
export function runnerUlimits(openFiles: number | undefined, podman: boolean): Array<{ Name: string; Soft: number; Hard: number }> {
  const nofile = Math.max(MIN_NOFILE, openFiles ?? 0);
  return [{ Name: 'nofile', Soft: nofile, Hard: nofile }, ...(podman ? [{ Name: 'nproc', Soft: PODMAN_NPROC, Hard: PODMAN_NPROC }] : [])];
}

/** The runner's environment with the live feed's URL on `host` (the receiver listens on the same port on each). */
export function pointFeedAt(env: Readonly<Record<string, string>>, host: string): Record<string, string> {
  const url = env.K6_PROMETHEUS_RW_SERVER_URL;
  if (!url) return { ...env };
  const u = new URL(url);
  u.hostname = host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
  return { ...env, K6_PROMETHEUS_RW_SERVER_URL: u.toString() };
}

/** The runner's summaries and logs, from the stopped container into the run folder. */
async function copyBack(container: Docker.Container, spec: RunnerSpec): Promise<void> {
  const files: Array<[string, string | undefined]> = [[`${IN}/out/summary.json`, spec.summaryPath], [`${IN}/out/summary-export.json`, spec.summaryExportPath], [`${IN}/out/samples.json.gz`, spec.samplesPath]];
  for (const [inside, host] of files) {
    if (!host) continue;
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
