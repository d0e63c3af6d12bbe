// Which Docker engines a `--placement docker` run uses, and which runner goes
// where. `--docker-host` is repeatable and takes comma lists; each value is
// DOCKER_HOST-style (unix://, tcp://, ssh://), optionally `=W` for a weight.
// Runners are dealt out by smooth weighted round-robin, so with equal weights
// runner i goes to engine i mod E. Pure: text in, decisions out (resolving
// an endpoint reads TLS certificates when DOCKER_CERT_PATH names them).
import { UsageError } from '../errors.ts';
import { isHost } from '../inputs/url.ts';
import { resolveEndpoint, type Endpoint } from '../docker/endpoint.ts';

export interface EngineRequest {
  /** The endpoint as typed (without the weight). */
  host: string;
  weight: number;
}

const MAX_WEIGHT = 100;
const MAX_ENGINES = 64;

/** Every --docker-host value (each may be a comma list) -> the engines, in order; refused with one line. */
export function parseDockerHosts(values: readonly string[]): EngineRequest[] {
  const hint = 'e.g. --docker-host unix:///var/run/docker.sock --docker-host tcp://127.0.0.1:2375=2';
  const out: EngineRequest[] = [];
  for (const value of values) {
    for (const raw of value.split(',')) {
      const item = raw.trim();
      if (item === '') throw new UsageError(`--docker-host "${value}" has an empty entry`, { hint });
      // Whatever follows the last "=" (with no "/" in it) is the weight, so =-1 or =abc cannot become part of a socket path.
      const m = /^(.*)=([^=/]*)$/.exec(item);
      const host = m ? m[1]! : item;
      if (m && !/^\d+$/.test(m[2]!)) throw new UsageError(`--docker-host "${item}": weight "${m[2]}" is not a whole number from 1 to ${MAX_WEIGHT}`, { hint });
      const weight = m ? Number(m[2]) : 1;
      if (weight < 1 || weight > MAX_WEIGHT) throw new UsageError(`--docker-host "${item}": weight ${m?.[2] ?? ''} is outside 1..${MAX_WEIGHT}`, { hint });
      if (out.some((e) => e.host === host)) throw new UsageError(`--docker-host ${host} is given twice`, { hint: 'give each engine once; use =W to give it more runners' });
      out.push({ host, weight });
    }
  }
  if (out.length > MAX_ENGINES) throw new UsageError(`--docker-host: ${out.length} engines is more than ${MAX_ENGINES}`, { hint });
  return out;
}

/** Engine index for each of `count` runners: smooth weighted round-robin (equal weights: i mod E). */
export function assignEngines(count: number, weights: readonly number[]): number[] {
  const total = weights.reduce((a, b) => a + b, 0);
  const current = weights.map(() => 0);
  const out: number[] = [];
  for (let i = 0; i < count; i++) {
    let best = 0;
    for (let e = 0; e < weights.length; e++) {
      current[e]! += weights[e]!;
      if (current[e]! > current[best]!) best = e;
    }
    current[best]! -= total;
    out.push(best);
  }
  return out;
}

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1', '[::1]']);

/** A unix socket or a loopback address: containers there run on this machine. */
export function isLocalEndpoint(endpoint: Endpoint): boolean {
  const o = endpoint.options;
  if (o.socketPath) return true;
  return o.host !== undefined && (LOOPBACK.has(o.host) || o.host.startsWith('127.'));
}

/**
 * Runners on another machine cannot reach a receiver on this machine's
 * bridge gateway or loopback: they need an address the user knows to be
 * routable from there. Refused before anything connects.
 */
export function checkReceiverHost(endpoints: readonly Endpoint[], receiverHost: string | undefined): void {
  if (receiverHost !== undefined && !isHost(receiverHost)) {
    throw new UsageError(`--receiver-host "${receiverHost}" is not a host name or IP address`, { hint: 'give an address of this machine the runners can reach, e.g. --receiver-host 10.0.0.5' });
  }
  const remote = endpoints.find((e) => !isLocalEndpoint(e));
  if (remote && receiverHost === undefined) {
    throw new UsageError(`the Docker engine at ${remote.display} is on another machine, and its runners cannot reach loadctl's receiver on a local network gateway`, {
      hint: 'add --receiver-host <an address of this machine those runners can reach>',
    });
  }
}

/** The endpoints, checked as DOCKER_HOST is (scheme, host) before any connection; none given: DOCKER_HOST or the socket. */
export function resolveEngines(requests: readonly EngineRequest[] | undefined, env: NodeJS.ProcessEnv = process.env): Endpoint[] {
  if (!requests || requests.length === 0) return [resolveEndpoint(env)];
  return requests.map((r) => {
    try {
      return resolveEndpoint({ ...env, DOCKER_HOST: r.host });
    } catch (error) {
      // The same checks as DOCKER_HOST, said of the flag the value came from.
      // A certificate problem keeps its own fix (DOCKER_CERT_PATH): the address itself was right.
      const tls = error instanceof UsageError && / uses TLS, but /.test(error.message);
      if (error instanceof UsageError) throw new UsageError(error.message.replace(/^DOCKER_HOST/, '--docker-host'), { hint: tls && error.hint ? error.hint : 'e.g. --docker-host unix:///var/run/docker.sock, tcp://HOST:2375 or ssh://USER@HOST' });
      throw error;
    }
  });
}
