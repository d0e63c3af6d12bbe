// Which Docker (or Podman) engine to talk to, decided from the environment
// alone. Pure apart from checking which default sockets exist and reading TLS
// certificates named by DOCKER_CERT_PATH.
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { UsageError } from '../errors.ts';
import { DOCKER_HOST_SCHEMES, isHost } from '../inputs/url.ts';

/** The connection fields docker-modem takes (client.ts hands them over as is). */
export interface EndpointOptions {
  socketPath?: string | undefined;
  host?: string | undefined;
  port?: string | undefined;
  protocol?: 'http' | 'https' | 'ssh' | undefined;
  username?: string;
  sshOptions?: { agent?: string | undefined };
  ca?: Buffer;
  cert?: Buffer;
  key?: Buffer;
}

export interface Endpoint {
  /** Shown to users (confirmation prompt, errors). */
  display: string;
  options: EndpointOptions;
}

/** ca.pem, cert.pem and key.pem from a DOCKER_CERT_PATH folder; a file missing is one line, never a stack trace. */
function readCerts(dir: string, host: string): { ca: Buffer; cert: Buffer; key: Buffer } {
  const read = (file: string): Buffer => {
    try {
      return readFileSync(join(dir, file));
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? 'unreadable';
      throw new UsageError(`DOCKER_HOST "${host}" uses TLS, but ${join(dir, file)} cannot be read (${code})`, {
        hint: 'point DOCKER_CERT_PATH at the folder holding ca.pem, cert.pem and key.pem (as for docker), or unset DOCKER_TLS_VERIFY for a plain tcp:// engine',
      });
    }
  };
  return { ca: read('ca.pem'), cert: read('cert.pem'), key: read('key.pem') };
}

/**
 * Where to connect: DOCKER_HOST if set (unix://, tcp:// with DOCKER_TLS_VERIFY /
 * DOCKER_CERT_PATH, ssh://), else the first socket that exists (Docker, then
 * Podman). Every connection field is set explicitly, because docker-modem
 * otherwise fills gaps from process.env rather than from `env`.
 */
export function resolveEndpoint(env: NodeJS.ProcessEnv = process.env, exists: (path: string) => boolean = existsSync): Endpoint {
  const blank = { host: undefined, port: undefined, protocol: undefined, socketPath: undefined } as const;
  const unix = (socketPath: string): Endpoint => ({ display: `unix://${socketPath}`, options: { ...blank, socketPath } as EndpointOptions });
  const host = env.DOCKER_HOST?.trim();
  if (host) {
    if (host.startsWith('unix://')) return unix(host.slice('unix://'.length) || '/var/run/docker.sock');
    const hint = 'use unix:///var/run/docker.sock, tcp://HOST:2375 or ssh://USER@HOST, or unset it';
    // As docker itself: an address without a scheme is refused, not looked up as a host name.
    if (!host.includes('://')) throw new UsageError(`DOCKER_HOST "${host}" is not an engine address: it has no scheme (${DOCKER_HOST_SCHEMES.map((x) => `${x}://`).join(', ')})`, { hint });
    let url: URL;
    try {
      url = new URL(host);
    } catch {
      throw new UsageError(`DOCKER_HOST "${host}" is not an engine address`, { hint });
    }
    // Refused before any lookup: bogus://x must not become a DNS query for x.
    const scheme = url.protocol.replace(/:$/, '');
    if (!(DOCKER_HOST_SCHEMES as readonly string[]).includes(scheme)) {
      throw new UsageError(`DOCKER_HOST "${host}": unknown scheme ${scheme}:// (known: ${DOCKER_HOST_SCHEMES.join(', ')})`, { hint });
    }
    if (!isHost(url.hostname)) throw new UsageError(`DOCKER_HOST "${host}": "${url.hostname}" is not a host name or IP address`, { hint });
    if (url.protocol === 'ssh:') {
      return {
        display: host,
        options: { ...blank, protocol: 'ssh', host: url.hostname, port: url.port || '22', username: decodeURIComponent(url.username), sshOptions: { agent: env.SSH_AUTH_SOCK } } as EndpointOptions,
      };
    }
    const verify = env.DOCKER_TLS_VERIFY === '1';
    const tls = verify || url.port === '2376';
    // As docker does: DOCKER_TLS_VERIFY=1 reads DOCKER_CERT_PATH, or ~/.docker when it is unset.
    const certDir = env.DOCKER_CERT_PATH || (verify ? join(homedir(), '.docker') : undefined);
    const certs = tls && certDir !== undefined ? readCerts(certDir, host) : {};
    return { display: host, options: { ...blank, protocol: tls ? 'https' : 'http', host: url.hostname, port: url.port || (tls ? '2376' : '2375'), ...certs } as EndpointOptions };
  }
  const candidates = [
    '/var/run/docker.sock',
    join(homedir(), '.docker/run/docker.sock'),
    ...(env.XDG_RUNTIME_DIR ? [join(env.XDG_RUNTIME_DIR, 'docker.sock'), join(env.XDG_RUNTIME_DIR, 'podman/podman.sock')] : []),
    '/run/podman/podman.sock',
  ];
  return unix(candidates.find((path) => exists(path)) ?? '/var/run/docker.sock');
}
