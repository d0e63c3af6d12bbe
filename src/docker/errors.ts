// Turns what dockerode/docker-modem throw into one line a user can act on.
// Kept apart from client.ts so the mapping is a pure function with its own
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

/** Node's TLS failures: certificate checks (OpenSSL's names) and handshake alerts (ERR_SSL_*). */
function isTlsCode(code: string): boolean {
  return /^(ERR_SSL_|ERR_TLS_|CERT_|UNABLE_TO_)/.test(code) || ['DEPTH_ZERO_SELF_SIGNED_CERT', 'SELF_SIGNED_CERT_IN_CHAIN', 'EPROTO'].includes(code);
}

function tlsReason(code: string, e: ErrorShape): string {
  if (code === 'DEPTH_ZERO_SELF_SIGNED_CERT' || code === 'SELF_SIGNED_CERT_IN_CHAIN' || code.startsWith('UNABLE_TO_')) {
    return `the engine's certificate is not signed by DOCKER_CERT_PATH's ca.pem (${code})`;
  }
  if (code === 'ERR_TLS_CERT_ALTNAME_INVALID') return `the engine's certificate is not for this host (${code})`;
  if (/CERTIFICATE_REQUIRED|BAD_CERTIFICATE|UNKNOWN_CA|CERTIFICATE_UNKNOWN/.test(code)) return `the engine refused our client certificate (${code})`;
  const message = typeof e.message === 'string' ? e.message.split('\n')[0] : '';
  return `${code}${message ? `: ${message}` : ''}`;
}

export function statusOf(error: unknown): number | undefined {
  const status = (error as ErrorShape | null)?.statusCode;
  return typeof status === 'number' ? status : undefined;
}

/**
 * Maps a failed Engine API call. `endpoint` names where we tried to connect;
 * `container` (when the call was about one) turns a 404 into ContainerGoneError.
 */
export function mapDockerError(error: unknown, context: { endpoint: string; what: string; container?: ContainerRef; tls?: boolean }): LoadctlError {
  if (error instanceof LoadctlError) return error;
  const e = (error ?? {}) as ErrorShape;
  const code = typeof e.code === 'string' ? e.code : undefined;
  if (code === 'EACCES' || code === 'EPERM') {
    return new EnvironmentError(`permission denied on the Docker socket ${context.endpoint}`, {
      hint: 'add your user to the `docker` group (then log in again), run with sudo, or set DOCKER_HOST to a socket you may use (e.g. a rootless Podman socket)',
      cause: error,
    });
  }
  // Under TLS 1.3 the engine's refusal of our certificate comes after the client's side of the
  // handshake is done, and often reaches us only as the connection being reset.
  const refusedOverTls = context.tls === true && code === 'ECONNRESET';
  if (code !== undefined && (isTlsCode(code) || refusedOverTls)) {
    const reason = refusedOverTls ? 'the engine refused our client certificate (the connection was reset after the handshake)' : tlsReason(code, e);
    return new EnvironmentError(`TLS with the Docker engine at ${context.endpoint} failed: ${reason}`, {
      hint: 'DOCKER_CERT_PATH must hold the ca.pem that signed the engine\'s certificate, and a cert.pem/key.pem the engine trusts (as for `docker --tlsverify`); check with `docker --tlsverify -H HOST info`',
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
