// Turns what dockerode/docker-modem throw into one line a user can act on.
// Kept apart from docker.ts so the mapping is a pure function with its own
// tests: an error object in, a LoadctlError out.
import { EnvironmentError, LoadctlError } from '../errors.ts';
import type { ContainerRef } from './types.ts';

/** The container an experiment named was removed while it ran (or before recovery). */
export class ContainerGoneError extends EnvironmentError {
  readonly container: ContainerRef;
  constructor(container: ContainerRef, what: string) {
    super(`container ${describe(container)} is gone (removed while the experiment ran); could not ${what}`, {
      hint: 'recreate it (e.g. `docker compose up -d`); nothing else needs restoring for it',
    });
    this.container = container;
  }
}

interface ErrorShape {
  code?: unknown;
  syscall?: unknown;
  statusCode?: unknown;
  json?: unknown;
  reason?: unknown;
  message?: unknown;
}

const unreachableCodes = new Set(['ENOENT', 'ECONNREFUSED', 'EHOSTUNREACH', 'ENETUNREACH', 'ETIMEDOUT', 'ECONNRESET', 'ENOTFOUND', 'EAI_AGAIN']);

export function describe(ref: ContainerRef): string {
  const short = ref.id.slice(0, 12);
  return ref.name === ref.id || short === ref.name ? ref.name : `${ref.name} (${short})`;
}

/** The daemon's own message (JSON body), else the transport's. */
export function daemonMessage(error: unknown): string {
  const e = (error ?? {}) as ErrorShape;
  const json = e.json as { message?: unknown } | null | undefined;
  if (json && typeof json.message === 'string') return json.message.trim();
  if (typeof e.message === 'string') return e.message.replace(/^\(HTTP code \d+\)\s*[^-]*-\s*/, '').trim();
  return String(error);
}

export function statusOf(error: unknown): number | undefined {
  const status = (error as ErrorShape | null)?.statusCode;
  return typeof status === 'number' ? status : undefined;
}

/**
 * Maps a failed Engine API call. `endpoint` names where we tried to connect;
 * `container` (when the call was about one) turns a 404 into ContainerGoneError.
 */
export function mapDockerError(error: unknown, context: { endpoint: string; what: string; container?: ContainerRef }): LoadctlError {
  if (error instanceof LoadctlError) return error;
  const e = (error ?? {}) as ErrorShape;
  const code = typeof e.code === 'string' ? e.code : undefined;
  if (code === 'EACCES' || code === 'EPERM') {
    return new EnvironmentError(`permission denied on the Docker socket ${context.endpoint}`, {
      hint: 'add your user to the `docker` group (then log in again), run with sudo, or set DOCKER_HOST to a socket you may use (e.g. a rootless Podman socket)',
      cause: error,
    });
  }
  if (code !== undefined && unreachableCodes.has(code)) {
    return new EnvironmentError(`no Docker engine answers at ${context.endpoint} (${code})`, {
      hint: 'start the engine (`sudo systemctl start docker`, or `dockerd &`), or point DOCKER_HOST at a running one (e.g. unix:///run/user/1000/podman/podman.sock)',
      cause: error,
    });
  }
  const status = statusOf(error);
  const message = daemonMessage(error);
  if (status === 404 && context.container && /no such container/i.test(message)) {
    return new ContainerGoneError(context.container, context.what);
  }
  const subject = context.container ? ` ${describe(context.container)}` : '';
  return new EnvironmentError(`Docker refused to ${context.what}${subject}: ${message}`, {
    hint: status === undefined ? 'check the engine with `docker info`' : `the engine answered HTTP ${status}; check \`docker info\` and the container's state with \`docker inspect\``,
    cause: error,
  });
}
