// What `loadctl stack` asks of the Docker Engine API: images (pulled with
// progress when missing), one network, containers created with their health
// checks, restart policies and 127.0.0.1 ports, a file copied in, removal.
// Everything goes through the chaos adapter's client and its error mapping,
// so a Podman socket and every failure behave as they do for chaos.
import type Docker from 'dockerode';
import { EnvironmentError, UsageError } from '../errors.ts';
import { DockerAdapter, demuxBuffer, resolveEndpoint } from '../docker/client.ts';
import { mapDockerError, statusOf } from '../docker/errors.ts';
import { type ContainerPlan, type StackPlan, serviceFile, stackLabel } from './definition.ts';
import { tarFiles } from '../docker/tar.ts';

export interface Observed {
  id: string;
  name: string;
  labels: Record<string, string>;
  running: boolean;
  /** Docker's health status: starting, healthy, unhealthy; "none" without a check. */
  health: string;
  status: string;
  exitCode: number;
  restarts: number;
  /** Host port published for each container port ("8080/tcp" -> 18080), while running. */
  ports: Record<string, number>;
}

const ns = (ms: number) => ms * 1_000_000;

export class StackDocker {
  readonly endpoint: string;
  private readonly adapter: DockerAdapter;
  private readonly docker: Docker;

  constructor(env: NodeJS.ProcessEnv = process.env) {
    this.adapter = new DockerAdapter(resolveEndpoint(env));
    this.endpoint = this.adapter.endpoint;
    this.docker = this.adapter.client;
  }

  ping(): Promise<void> {
    return this.adapter.ping(5000);
  }

  private async call<T>(what: string, run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (error) {
      throw mapDockerError(error, { endpoint: this.endpoint, tls: this.adapter.tls, what });
    }
  }

  /** The image, pulled when missing; a failed pull says which flag or variable names a local one. */
  async ensureImage(image: string, override: string, onProgress: (line: string) => void): Promise<'present' | 'pulled'> {
    if (await this.adapter.imageExists(image)) return 'present';
    onProgress(`image ${image} is not on the engine; pulling it`);
    try {
      await this.adapter.pullImage(image, onProgress);
    } catch (error) {
      throw new EnvironmentError(error instanceof Error ? error.message : String(error), { hint: `name an image the engine has with ${override}` });
    }
    return 'pulled';
  }

  /** The container of that exact name, or undefined. */
  async observe(nameOrId: string): Promise<Observed | undefined> {
    let info: Docker.ContainerInspectInfo;
    try {
      info = await this.docker.getContainer(nameOrId).inspect();
    } catch (error) {
      if (statusOf(error) === 404) return undefined;
      throw mapDockerError(error, { endpoint: this.endpoint, tls: this.adapter.tls, what: `inspect container ${nameOrId}` });
    }
    return {
      id: info.Id, name: info.Name.replace(/^\//, ''), labels: info.Config.Labels ?? {},
      running: info.State.Running && !info.State.Paused, health: info.State.Health?.Status ?? 'none',
      status: info.State.Paused ? 'paused' : info.State.Status, exitCode: info.State.ExitCode, restarts: info.RestartCount,
      ports: Object.fromEntries(Object.entries(info.NetworkSettings.Ports ?? {}).flatMap(([port, bindings]) => {
        const host = Number(bindings?.[0]?.HostPort);
        return Number.isInteger(host) && host > 0 ? [[port, host]] : [];
      })),
    };
  }

  /** Every container and network carrying this project's stack label (never anything else). */
  async owned(project: string): Promise<{ containers: Array<{ id: string; name: string }>; networks: Array<{ id: string; name: string }> }> {
    const filters = { label: [`${stackLabel}=${project}`] };
    const [containers, networks] = await this.call('list the stack', () => Promise.all([
      this.docker.listContainers({ all: true, filters }),
      this.docker.listNetworks({ filters }),
    ]));
    return {
      containers: containers.map((c) => ({ id: c.Id, name: (c.Names[0] ?? c.Id).replace(/^\//, '') })),
      networks: networks.map((n) => ({ id: n.Id, name: n.Name })),
    };
  }

  /** Creates the network unless this stack already has it; someone else's of that name is refused. */
  async ensureNetwork(network: StackPlan['network'], project: string): Promise<boolean> {
    const existing = await this.call(`inspect network ${network.name}`, async () => {
      try {
        return await this.docker.getNetwork(network.name).inspect() as { Labels?: Record<string, string> };
      } catch (error) {
        if (statusOf(error) === 404) return undefined;
        throw error;
      }
    });
    if (existing) {
      if (existing.Labels?.[stackLabel] === project) return false;
      throw new UsageError(`network ${network.name} exists and was not made by \`loadctl stack up\`; loadctl will not use or remove it`, {
        hint: 'pick another project name: loadctl stack up --project <name>',
      });
    }
    await this.call(`create network ${network.name}`, () => this.docker.createNetwork({ Name: network.name, Labels: network.labels, CheckDuplicate: true }));
    return true;
  }

  /** Creates (not starts) one container; the Node services get the bundled service copied in. */
  async create(plan: ContainerPlan, network: string, service: Buffer | undefined): Promise<string> {
    const port = `${plan.port.container}/tcp`;
    const container = await this.call(`create container ${plan.name}`, () => this.docker.createContainer({
      name: plan.name,
      Image: plan.image,
      Cmd: plan.cmd,
      Env: plan.env,
      Labels: plan.labels,
      ExposedPorts: { [port]: {} },
      Healthcheck: { Test: plan.health.test, Interval: ns(plan.health.intervalMs), Timeout: ns(3000), Retries: plan.health.retries, StartPeriod: ns(plan.health.startPeriodMs) },
      HostConfig: {
        NetworkMode: network,
        PortBindings: { [port]: [{ HostIp: '127.0.0.1', HostPort: String(plan.port.host) }] },
        RestartPolicy: { Name: 'unless-stopped' },
        // A real init as PID 1 reaps what exits (the deadlock fault's psql workers) and forwards signals.
        Init: true,
        ...(plan.memory ? { Memory: plan.memory } : {}),
      },
      NetworkingConfig: { EndpointsConfig: { [network]: { Aliases: [plan.service] } } },
    }));
    if (plan.needsServiceFile) {
      if (!service) throw new Error(`${plan.name} needs the bundled service file`);
      const archive = tarFiles({ [`${serviceFile.dir.replace(/^\//, '')}/${serviceFile.name}`]: service });
      await this.call(`copy the service into ${plan.name}`, () => container.putArchive(archive, { path: '/' }));
    }
    return container.id;
  }

  async start(id: string, name: string, hostPort?: number): Promise<void> {
    await this.call(`start container ${name}`, async () => {
      try {
        await this.docker.getContainer(id).start();
      } catch (error) {
        if (statusOf(error) === 304) return;
        // The likeliest first failure: a Redis or PostgreSQL of the machine's own on the default port.
        if (hostPort !== undefined && /address already in use|port is already allocated/i.test(String((error as Error).message))) {
          throw new EnvironmentError(`cannot start ${name}: port 127.0.0.1:${hostPort} is already in use on this machine`, {
            hint: 'stop what listens there, or shift every port of the stack: loadctl stack up --port-offset 10000',
            cause: error,
          });
        }
        throw error;
      }
    });
  }

  /** The last lines a container printed, for an error that says why it did not come up. */
  async lastLines(id: string, lines = 5): Promise<string> {
    const buffer = await this.docker.getContainer(id).logs({ stdout: true, stderr: true, follow: false, tail: lines }).catch(() => Buffer.alloc(0));
    return demuxBuffer(buffer as Buffer).trim().split('\n').slice(-lines).join(' | ');
  }

  /** Stops a container, SIGTERM first (the service writes what it queued), SIGKILL after `seconds`; one stopped or gone already is fine. */
  async stop(id: string, seconds = 5): Promise<void> {
    await this.call(`stop container ${id.slice(0, 12)}`, async () => {
      try {
        await this.docker.getContainer(id).stop({ t: seconds });
      } catch (error) {
        if (statusOf(error) !== 304 && statusOf(error) !== 404) throw error;
      }
    });
  }

  /** Force-removes a container with its anonymous volumes; one already gone counts as removed. */
  async removeContainer(id: string): Promise<void> {
    await this.call(`remove container ${id.slice(0, 12)}`, async () => {
      try {
        await this.docker.getContainer(id).remove({ force: true, v: true });
      } catch (error) {
        const status = statusOf(error);
        if (status === 404 || (status === 409 && /already in progress/i.test(String((error as Error).message)))) return;
        throw error;
      }
    });
  }

  async removeNetwork(id: string): Promise<void> {
    await this.call(`remove network ${id.slice(0, 12)}`, async () => {
      try {
        await this.docker.getNetwork(id).remove();
      } catch (error) {
        if (statusOf(error) !== 404) throw error;
      }
    });
  }

  /**
   * Whether the engine's kernel can run tc netem: a throwaway container with
   * no network but its own loopback tries to add a netem qdisc there. The
   * reason when it cannot, undefined when it can.
   */
  async netemMissing(image: string): Promise<string | undefined> {
    return this.call(`check tc netem with ${image}`, async () => {
      const container = await this.docker.createContainer({
        Image: image, Cmd: ['tc', 'qdisc', 'add', 'dev', 'lo', 'root', 'netem', 'delay', '1ms'],
        Labels: { 'io.loadctl.probe': 'netem' },
        HostConfig: { NetworkMode: 'none', CapAdd: ['NET_ADMIN'] },
      });
      try {
        await container.start();
        const { StatusCode } = (await container.wait()) as { StatusCode?: number };
        if (StatusCode === 0) return undefined;
        const said = demuxBuffer(await container.logs({ stdout: true, stderr: true, follow: false }) as Buffer).trim().split('\n')[0] ?? '';
        return `the Docker host's kernel has no sch_netem (tc netem)${said ? `: ${said}` : ''}`;
      } finally {
        await container.remove({ force: true }).catch(() => undefined);
      }
    });
  }
}
