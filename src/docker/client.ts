// The only place that imports dockerode. Everything chaos does to Docker goes
// through DockerAdapter, which speaks plain Engine API calls (no Compose, no
// CLI), so a Podman socket works the same. Every failure leaves here as one
// line: engine unreachable, permission denied, container gone, or the daemon's
// own refusal.
import { PassThrough } from 'node:stream';
import Docker from 'dockerode';
import type { ContainerRef } from './types.ts';
import { EnvironmentError } from '../errors.ts';
import { daemonMessage, describe, mapDockerError, statusOf } from './errors.ts';
import { resolveEndpoint, type Endpoint } from './endpoint.ts';

export { resolveEndpoint, type Endpoint };

/** The one place a Docker client is made, so every caller reaches an endpoint (socket, TLS, ssh) the same way. */
export function dockerClient(endpoint: Endpoint): Docker {
  return new Docker(endpoint.options as Docker.DockerOptions);
}

/** Longest a command run inside a container may take (tc, psql, kill). */
const execTimeoutMs = 60_000;

export type ContainerDetails = Docker.ContainerInspectInfo;
export type ContainerSummary = Docker.ContainerInfo;

export interface ExecResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

export interface HelperSpec {
  /** Chosen at plan time so the undo can name it before it exists. */
  name: string;
  image: string;
  /** The container whose network namespace the helper joins. */
  networkOf: ContainerRef;
  cmd: string[];
  capAdd: string[];
  labels: Record<string, string>;
  autoRemove: boolean;
}

async function collect(stream: NodeJS.ReadableStream, docker: Docker): Promise<{ stdout: string; stderr: string }> {
  const out = new PassThrough();
  const err = new PassThrough();
  const chunks = { stdout: [] as Buffer[], stderr: [] as Buffer[] };
  out.on('data', (chunk: Buffer) => chunks.stdout.push(chunk));
  err.on('data', (chunk: Buffer) => chunks.stderr.push(chunk));
  docker.modem.demuxStream(stream, out, err);
  await new Promise<void>((resolve, reject) => {
    stream.on('end', resolve);
    stream.on('close', resolve);
    stream.on('error', reject);
  });
  return { stdout: Buffer.concat(chunks.stdout).toString('utf8'), stderr: Buffer.concat(chunks.stderr).toString('utf8') };
}

export class DockerAdapter {
  readonly endpoint: string;
  /** tcp:// with TLS: a connection reset then most likely means our client certificate was refused. */
  readonly tls: boolean;
  private readonly docker: Docker;

  constructor(endpoint: Endpoint = resolveEndpoint()) {
    this.endpoint = endpoint.display;
    this.tls = (endpoint.options as { protocol?: string }).protocol === 'https';
    this.docker = dockerClient(endpoint);
  }

  /** The client itself, for the stack and the runners (src/stack/docker.ts, src/runners/docker-engine.ts), which create what chaos only changes. */
  get client(): Docker {
    return this.docker;
  }

  private async call<T>(what: string, container: ContainerRef | undefined, run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (error) {
      throw mapDockerError(error, { endpoint: this.endpoint, tls: this.tls, what, ...(container ? { container } : {}) });
    }
  }

  /** Fails with one line when no engine answers within `timeoutMs`. */
  async ping(timeoutMs = 5000): Promise<void> {
    // The abort closes the request's socket too: an engine address that
    // accepts and never answers must not keep loadctl alive after the error.
    const abort = new AbortController();
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        reject(Object.assign(new Error('timed out'), { code: 'ETIMEDOUT' }));
        abort.abort();
      }, timeoutMs);
    });
    // dockerode's types omit ping's options; docker-modem honours abortSignal.
    const ping = (this.docker.ping as (opts: { abortSignal: AbortSignal }) => Promise<unknown>).call(this.docker, { abortSignal: abort.signal });
    ping.catch(() => {});
    try {
      await this.call('answer a ping', undefined, () => Promise.race([ping, timeout]));
    } finally {
      clearTimeout(timer);
    }
  }

  listContainers(filters?: Record<string, string[]>): Promise<ContainerSummary[]> {
    return this.call('list containers', undefined, () => this.docker.listContainers({ all: true, ...(filters ? { filters } : {}) }));
  }

  inspect(ref: ContainerRef): Promise<ContainerDetails> {
    return this.call('inspect', ref, () => this.docker.getContainer(ref.id).inspect());
  }

  /** Inspect, or undefined when the container no longer exists. */
  async inspectIfExists(ref: ContainerRef): Promise<ContainerDetails | undefined> {
    try {
      return await this.docker.getContainer(ref.id).inspect();
    } catch (error) {
      if (statusOf(error) === 404) return undefined;
      throw mapDockerError(error, { endpoint: this.endpoint, tls: this.tls, what: 'inspect', container: ref });
    }
  }

  async start(ref: ContainerRef): Promise<void> {
    await this.call('start', ref, () => this.tolerate(304, this.docker.getContainer(ref.id).start()));
  }

  async stop(ref: ContainerRef, graceSeconds: number): Promise<void> {
    await this.call('stop', ref, () => this.tolerate(304, this.docker.getContainer(ref.id).stop({ t: graceSeconds })));
  }

  async pause(ref: ContainerRef): Promise<void> {
    await this.call('pause', ref, () => retryFreeze(() => this.docker.getContainer(ref.id).pause()));
  }

  async unpause(ref: ContainerRef): Promise<void> {
    await this.call('unpause', ref, () => this.docker.getContainer(ref.id).unpause());
  }

  async update(ref: ContainerRef, resources: { Memory: number; MemorySwap?: number; MemoryReservation?: number }): Promise<void> {
    await this.call('update the resources of', ref, () => this.docker.getContainer(ref.id).update(resources));
  }

  async disconnect(ref: ContainerRef, network: string): Promise<void> {
    await this.call(`disconnect from network ${network}`, ref, () => this.docker.getNetwork(network).disconnect({ Container: ref.id, Force: false }));
  }

  async connect(ref: ContainerRef, network: string, aliases: string[], ipv4?: string): Promise<void> {
    const EndpointConfig: Docker.EndpointSettings = {
      ...(aliases.length > 0 ? { Aliases: aliases } : {}),
      ...(ipv4 ? { IPAMConfig: { IPv4Address: ipv4 } } : {}),
    };
    await this.call(`connect to network ${network}`, ref, () => this.docker.getNetwork(network).connect({ Container: ref.id, EndpointConfig }));
  }

  /** Runs a command inside a running container and waits for it. */
  async exec(ref: ContainerRef, cmd: string[], env: string[] = [], timeoutMs = execTimeoutMs): Promise<ExecResult> {
    return this.call(`run \`${cmd[0] ?? ''}\` inside`, ref, async () => {
      const exec = await this.docker.getContainer(ref.id).exec({ Cmd: cmd, Env: env, AttachStdout: true, AttachStderr: true });
      const stream = await exec.start({ hijack: true, stdin: false });
      let timer: NodeJS.Timeout | undefined;
      // A wedged command (a locked database, a frozen process) must not hang the experiment or its rollback.
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => {
          (stream as NodeJS.ReadableStream & { destroy?: () => void }).destroy?.();
          reject(new EnvironmentError(`\`${cmd.join(' ')}\` inside ${describe(ref)} did not finish within ${Math.round(timeoutMs / 1000)}s`, {
            hint: 'check the container with `docker exec`; then run `loadctl chaos recover` if a rollback was cut short',
          }));
        }, timeoutMs);
      });
      try {
        const { stdout, stderr } = await Promise.race([collect(stream, this.docker), timeout]);
        const info = await exec.inspect();
        return { exitCode: info.ExitCode ?? -1, stdout, stderr };
      } finally {
        clearTimeout(timer);
      }
    });
  }

  /** Starts a command inside a container and returns at once; it lives on its own. */
  async execDetached(ref: ContainerRef, cmd: string[], env: string[] = []): Promise<void> {
    await this.call(`start \`${cmd[0] ?? ''}\` inside`, ref, async () => {
      const exec = await this.docker.getContainer(ref.id).exec({ Cmd: cmd, Env: env, AttachStdout: false, AttachStderr: false });
      // The answer is an (empty) stream; drain and close it or its socket keeps the process alive.
      const stream = (await exec.start({ Detach: true })) as unknown as NodeJS.ReadableStream & { destroy?: () => void };
      stream.resume();
      stream.destroy?.();
    });
  }

  async imageExists(image: string): Promise<boolean> {
    try {
      await this.docker.getImage(image).inspect();
      return true;
    } catch (error) {
      if (statusOf(error) === 404) return false;
      throw mapDockerError(error, { endpoint: this.endpoint, tls: this.tls, what: `inspect image ${image}` });
    }
  }

  /**
   * Pulls an image through the Engine API, reporting progress about once a
   * second. A registry the engine cannot reach is one line, not a stack.
   */
  async pullImage(image: string, onProgress?: (line: string) => void): Promise<void> {
    const fail = (error: unknown) => new EnvironmentError(`cannot pull image ${image} on ${this.endpoint}: ${daemonMessage(error).split('\n')[0]}`, {
      hint: 'pull it once where a registry is reachable (`docker pull`), or name a local image instead',
      cause: error,
    });
    let stream: NodeJS.ReadableStream;
    try {
      stream = (await this.docker.pull(image)) as NodeJS.ReadableStream;
    } catch (error) {
      throw fail(error);
    }
    let last = 0;
    await new Promise<void>((resolve, reject) => {
      this.docker.modem.followProgress(stream, (error: Error | null) => (error ? reject(fail(error)) : resolve()), (event: { status?: string; progress?: string; id?: string; error?: string }) => {
        if (event.error) return;
        const now = Date.now();
        if (onProgress && now - last >= 1000) {
          last = now;
          onProgress(`pulling ${image}: ${[event.id, event.status, event.progress].filter(Boolean).join(' ')}`);
        }
      });
    });
  }

  /** Creates and starts a helper container in another container's network namespace. */
  async runHelper(spec: HelperSpec): Promise<ContainerRef> {
    const ref = { id: spec.name, name: spec.name };
    return this.call(`start helper ${spec.name} for`, spec.networkOf, async () => {
      const container = await this.docker.createContainer({
        name: spec.name,
        Image: spec.image,
        Cmd: spec.cmd,
        Labels: spec.labels,
        HostConfig: { NetworkMode: `container:${spec.networkOf.id}`, CapAdd: spec.capAdd, AutoRemove: spec.autoRemove },
      });
      try {
        await container.start();
      } catch (error) {
        // A helper that never started must not linger as a created container.
        await container.remove({ force: true }).catch(() => undefined);
        throw error;
      }
      return { ...ref, id: container.id };
    });
  }

  /** Force-removes a container; one that is already gone counts as removed. */
  async remove(ref: ContainerRef): Promise<void> {
    try {
      await this.docker.getContainer(ref.id).remove({ force: true });
    } catch (error) {
      const status = statusOf(error);
      // 404: gone already; 409 "removal already in progress" (AutoRemove racing us).
      if (status === 404 || (status === 409 && /already in progress/i.test(String((error as Error).message)))) return;
      throw mapDockerError(error, { endpoint: this.endpoint, tls: this.tls, what: 'remove', container: ref });
    }
  }

  /** Waits for a container to exit and returns its exit code (helpers run to completion). */
  async wait(ref: ContainerRef): Promise<number> {
    return this.call('wait for', ref, async () => {
      const result = (await this.docker.getContainer(ref.id).wait()) as { StatusCode?: number };
      return result.StatusCode ?? -1;
    });
  }

  /** Container logs (helpers report tc errors there). */
  async logs(ref: ContainerRef): Promise<string> {
    return this.call('read the logs of', ref, async () => {
      const buffer = await this.docker.getContainer(ref.id).logs({ stdout: true, stderr: true, follow: false });
      return demuxBuffer(buffer);
    });
  }

  private async tolerate<T>(status: number, promise: Promise<T>): Promise<T | undefined> {
    try {
      return await promise;
    } catch (error) {
      if (statusOf(error) === status) return undefined;
      throw error;
    }
  }
}

/** How often a pause is tried when the cgroup freezer gives up. */
export const freezeAttempts = 3;

/**
 * runc gives up freezing a cgroup whose tasks do not settle in time ("unable to
 * freeze"), which a busy machine makes common; it thaws the cgroup again before
 * answering, so the container runs as before and another attempt is safe. Any
 * other refusal is final at once.
 */
export async function retryFreeze<T>(pause: () => Promise<T>, attempts = freezeAttempts): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await pause();
    } catch (error) {
      const transient = /unable to freeze/i.test(daemonMessage(error));
      if (!transient || attempt >= attempts) throw error;
    }
  }
}

/** Strips the 8-byte multiplexing headers from a non-TTY log buffer. */
export function demuxBuffer(buffer: Buffer): string {
  const parts: Buffer[] = [];
  let offset = 0;
  while (offset + 8 <= buffer.length) {
    const size = buffer.readUInt32BE(offset + 4);
    parts.push(buffer.subarray(offset + 8, offset + 8 + size));
    offset += 8 + size;
  }
  return Buffer.concat(parts).toString('utf8');
}
