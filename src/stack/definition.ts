// The reference ticketing stack as data: which services, which images, which
// ports, which labels. Pure: `planStack` turns options into the exact
// containers `loadctl stack up` creates, so tests and the Prometheus gates
// (issue 11) read the same definition the engine acts on.
//
// Names follow the team's runbook: project "ticketing" gives
// ticketing-redis, ticketing-postgres, ticketing-booking-service and
// ticketing-kafka-consumer on network ticketing_default, with the labels
// Compose would put there, so every shipped experiment finds its target
// without flags.

import { BREAK_MODES, type BreakMode } from '../sandbox/breaks.ts';

export type ImageKey = 'redis' | 'postgres' | 'node';

export interface StackServiceInfo {
  /** The compose service name the shipped experiments look for. */
  service: 'postgres' | 'redis' | 'booking-service' | 'kafka-consumer';
  image: ImageKey;
  /** Port inside the container; published on 127.0.0.1 at this port + the offset. */
  port: number;
  /** HTTP paths the service answers (the Node services only). */
  http?: { health: string; metrics: string };
  description: string;
}

/** The stack's services in start order, with their ports: the one list to read. */
export const stackServices: readonly StackServiceInfo[] = [
  { service: 'postgres', image: 'postgres', port: 5432, description: 'PostgreSQL: the bookings table' },
  { service: 'redis', image: 'redis', port: 6379, description: 'Redis: seat locks (SET NX PX) and the booking event stream' },
  { service: 'booking-service', image: 'node', port: 8080, http: { health: '/health', metrics: '/metrics' }, description: 'the ticketing API (loadctl sandbox) with locks in Redis and bookings in PostgreSQL' },
  { service: 'kafka-consumer', image: 'node', port: 9464, http: { health: '/health', metrics: '/metrics' }, description: 'reads the booking event stream as a consumer group; its backlog is kafka_consumer_group_lag' },
];

/** Public images a user's Docker pulls; each overridable by flag and environment variable. */
export const defaultImages: Record<ImageKey, string> = {
  redis: 'redis:7.2-bookworm',
  postgres: 'postgres:16-bookworm',
  node: 'node:20-bookworm-slim',
};
export const imageEnv: Record<ImageKey, string> = {
  redis: 'LOADCTL_STACK_REDIS_IMAGE',
  postgres: 'LOADCTL_STACK_POSTGRES_IMAGE',
  node: 'LOADCTL_STACK_NODE_IMAGE',
};
export const imageFlag: Record<ImageKey, string> = { redis: '--redis-image', postgres: '--postgres-image', node: '--node-image' };

export const defaultProject = 'ticketing';
/** On everything `stack up` makes: `down` removes by this label, never by name alone. */
export const stackLabel = 'io.loadctl.stack';
export const composeLabels = { project: 'com.docker.compose.project', service: 'com.docker.compose.service', network: 'com.docker.compose.network' } as const;
/**
 * On a container started broken on purpose: its break modes, comma separated.
 * `status` reads it (a broken stack never looks healthy) and `up` compares it
 * with the modes asked for (a different set recreates the container).
 */
export const breakLabel = 'io.loadctl.break';
/** Which container each break mode (src/sandbox/breaks.ts) lives in. */
export const breakService: Readonly<Record<BreakMode, 'booking-service' | 'kafka-consumer'>> = {
  'double-sell': 'booking-service',
  'lose-confirms': 'booking-service',
  'lock-leak': 'booking-service',
  'backlog-stall': 'kafka-consumer',
};
/** The modes a container carries, read from its labels (none when unlabelled). */
export const breaksOf = (labels: Record<string, string>): string[] => (labels[breakLabel] ?? '').split(',').filter(Boolean);
/** Where the bundled Node service is copied inside its containers. */
export const serviceFile = { dir: '/opt/loadctl', name: 'stack-service.mjs' } as const;

export interface StackOptions {
  project: string;
  /** Added to every published port (8080 -> 8080 + offset). */
  portOffset: number;
  images: Record<ImageKey, string>;
  /** Break modes to start with (off by default); each goes to the container that acts it out. */
  breaks?: readonly BreakMode[];
}

export interface ContainerPlan {
  service: StackServiceInfo['service'];
  name: string;
  image: string;
  cmd: string[];
  env: string[];
  labels: Record<string, string>;
  /** Docker health check: the command and how often it runs. */
  health: { test: string[]; intervalMs: number; retries: number; startPeriodMs: number };
  port: { container: number; host: number };
  /** Memory limit in bytes; the booking service has one, so memory-pressure can lower it and restore it. */
  memory?: number;
  /** Whether the bundled Node service must be copied in before the first start. */
  needsServiceFile: boolean;
  /** Break modes this container runs with (also in its labels and LOADCTL_SANDBOX_BREAK). */
  breaks: BreakMode[];
}

export interface StackPlan {
  project: string;
  network: { name: string; labels: Record<string, string> };
  containers: ContainerPlan[];
}

export const containerNameOf = (project: string, service: string) => `${project}-${service}`;
export const networkNameOf = (project: string) => `${project}_default`;

/** A project name Docker accepts in container and network names, and Compose in its label. */
export function checkProject(project: string): string | undefined {
  return /^[a-z0-9][a-z0-9_-]{0,40}$/.test(project) ? undefined : `--project ${project}: use 1-41 lowercase letters, digits, "-" or "_", starting with a letter or digit`;
}

const pgBin = '/usr/lib/postgresql/15/bin';
// The official image initialises itself (POSTGRES_DB, trust auth); a plain Debian image
// with PostgreSQL (the tests' local one) is initialised here, once, in the same layout.
const postgresScript = [
  'if command -v docker-entrypoint.sh >/dev/null 2>&1; then exec docker-entrypoint.sh postgres -c deadlock_timeout=200ms; fi',
  'D=/var/lib/postgresql/stack; mkdir -p /run/postgresql "$D"; chown postgres /run/postgresql "$D"',
  `[ -f "$D/PG_VERSION" ] || su postgres -s /bin/sh -c "${pgBin}/initdb -D $D --auth=trust -U postgres >/dev/null && echo 'host all all all trust' >> $D/pg_hba.conf && ${pgBin}/pg_ctl -D $D -w -o '-c listen_addresses=' start >/dev/null && ${pgBin}/createdb -U postgres ticketing && ${pgBin}/pg_ctl -D $D -w stop >/dev/null"`,
  `exec su postgres -s /bin/sh -c "exec ${pgBin}/postgres -D $D -c listen_addresses=* -c deadlock_timeout=200ms"`,
].join('\n');

const httpCheck = (port: number, path: string) =>
  ['CMD', 'node', '-e', `fetch('http://127.0.0.1:${port}${path}').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))`];

/** Pure: the containers and network `stack up` makes for these options. */
export function planStack(options: StackOptions): StackPlan {
  const { project } = options;
  const owned = { [stackLabel]: project, [composeLabels.project]: project };
  const containers = stackServices.map((info): ContainerPlan => {
    // In BREAK_MODES order, so the same set always gives the same label.
    const breaks = BREAK_MODES.filter((m) => options.breaks?.includes(m) && breakService[m] === info.service);
    const base = {
      service: info.service,
      name: containerNameOf(project, info.service),
      image: options.images[info.image],
      labels: { ...owned, [composeLabels.service]: info.service, ...(breaks.length > 0 ? { [breakLabel]: breaks.join(',') } : {}) },
      port: { container: info.port, host: info.port + options.portOffset },
      needsServiceFile: info.image === 'node',
      breaks,
    };
    const breakEnv = breaks.length > 0 ? [`LOADCTL_SANDBOX_BREAK=${breaks.join(',')}`] : [];
    const every = { intervalMs: 1000, retries: 3, startPeriodMs: 60_000 };
    const service = `node ${serviceFile.dir}/${serviceFile.name}`.split(' ');
    switch (info.service) {
      case 'postgres':
        return { ...base, cmd: ['sh', '-c', postgresScript], env: ['POSTGRES_DB=ticketing', 'POSTGRES_HOST_AUTH_METHOD=trust'], health: { ...every, test: ['CMD', 'pg_isready', '-U', 'postgres', '-d', 'ticketing'] } };
      case 'redis':
        return { ...base, cmd: ['redis-server', '--save', '', '--appendonly', 'no', '--protected-mode', 'no'], env: [], health: { ...every, test: ['CMD', 'redis-cli', 'ping'] } };
      case 'booking-service':
        return {
          ...base, cmd: [...service, 'booking'],
          env: ['PORT=8080', 'REDIS_URL=redis://redis:6379', 'DATABASE_URL=postgres://postgres@postgres:5432/ticketing', ...breakEnv],
          health: { ...every, test: httpCheck(info.port, '/health') }, memory: 512 * 1024 * 1024,
        };
      case 'kafka-consumer':
        return { ...base, cmd: [...service, 'consumer'], env: ['PORT=9464', 'REDIS_URL=redis://redis:6379', ...breakEnv], health: { ...every, test: httpCheck(info.port, '/health') } };
    }
  });
  return {
    project,
    network: { name: networkNameOf(project), labels: { ...owned, [composeLabels.network]: 'default' } },
    containers,
  };
}

/** Image for each key: the flag, else its environment variable, else the public default. */
export function chooseImages(flags: Partial<Record<ImageKey, string>>, env: Record<string, string | undefined>): Record<ImageKey, string> {
  const pick = (key: ImageKey) => flags[key] || env[imageEnv[key]] || defaultImages[key];
  return { redis: pick('redis'), postgres: pick('postgres'), node: pick('node') };
}

/** Where each service answers on this machine once up (127.0.0.1 only). */
export function stackEndpoints(options: Pick<StackOptions, 'portOffset'>): Record<StackServiceInfo['service'], string> {
  const at = (info: StackServiceInfo) => {
    const port = info.port + options.portOffset;
    if (info.service === 'postgres') return `postgres://postgres@127.0.0.1:${port}/ticketing`;
    if (info.service === 'redis') return `redis://127.0.0.1:${port}`;
    return `http://127.0.0.1:${port}`;
  };
  return Object.fromEntries(stackServices.map((info) => [info.service, at(info)])) as Record<StackServiceInfo['service'], string>;
}
