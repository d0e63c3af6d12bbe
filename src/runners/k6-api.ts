// A thin client for the k6 REST API each runner serves (`--address`), with
// the JSON:API shapes k6 v0.49 and v2.x both use (checked against both):
//   GET   /v1/status   -> {data:{type:"status",id:"default",attributes:{status,paused,running,stopped,vus,...}}}
//   PATCH /v1/status   <- {data:{type:"status",id:"default",attributes:{paused:false}}}   (or stopped:true)
//   POST  /v1/setup    -> runs setup(), answers {data:{type:"setupData",id:"default",attributes:{data}}}
//   PUT   /v1/setup    <- the setup data itself (raw JSON), stored for the VUs
//   POST  /v1/teardown -> runs teardown() with the stored data
// Runners start with --paused --no-setup --no-teardown --linger, so loadctl
// decides when setup, the load, teardown and the process end happen.
import { MB, readCapped } from '../shared/read-body.ts';

/** k6's lib.ExecutionStatus values loadctl acts on. */
export const K6Status = { PausedBeforeRun: 4, Started: 5, Setup: 6, Running: 7, Teardown: 8, Ended: 9, Interrupted: 10 } as const;

export interface K6ApiStatus {
  status: number;
  paused: boolean;
  running: boolean;
  stopped: boolean;
  vus: number;
}

export class K6ApiError extends Error {}

export interface K6Api {
  readonly base: string;
  status(timeoutMs?: number): Promise<K6ApiStatus>;
  /** Runs setup() in this runner; returns its data as JSON text ("null" when setup returned nothing). */
  runSetup(): Promise<string>;
  setSetupData(json: string): Promise<void>;
  resume(): Promise<void>;
  stop(): Promise<void>;
  runTeardown(): Promise<void>;
}

function statusBody(attributes: Record<string, unknown>): string {
  return JSON.stringify({ data: { type: 'status', id: 'default', attributes } });
}

export function k6Api(base: string, requestTimeoutMs = 10_000): K6Api {
  const call = async (method: string, path: string, body?: string, timeoutMs = requestTimeoutMs): Promise<unknown> => {
    let res: Response;
    try {
      res = await fetch(`${base}${path}`, {
        method,
        ...(body === undefined ? {} : { body, headers: { 'content-type': 'application/json' } }),
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (error) {
      throw new K6ApiError(`${method} ${path} on ${base}: ${(error as Error).message}`);
    }
    let text: string;
    try {
      text = await readCapped(res, 8 * MB);
    } catch (error) {
      throw new K6ApiError(`${method} ${path} on ${base}: HTTP ${res.status}, but ${(error as Error).message}`);
    }
    if (!res.ok) throw new K6ApiError(`${method} ${path} on ${base}: HTTP ${res.status} ${text.slice(0, 300).trim()}`);
    if (text.trim() === '') return undefined;
    try {
      return JSON.parse(text) as unknown;
    } catch {
      throw new K6ApiError(`${method} ${path} on ${base}: not JSON: ${text.slice(0, 100)}`);
    }
  };
  const attributes = (doc: unknown): Record<string, unknown> => {
    const a = (doc as { data?: { attributes?: unknown } } | undefined)?.data?.attributes;
    if (typeof a !== 'object' || a === null) throw new K6ApiError(`answer from ${base} has no data.attributes`);
    return a as Record<string, unknown>;
  };
  return {
    base,
    async status(timeoutMs) {
      const a = attributes(await call('GET', '/v1/status', undefined, timeoutMs));
      return { status: Number(a.status), paused: a.paused === true, running: a.running === true, stopped: a.stopped === true, vus: Number(a.vus ?? 0) };
    },
    async runSetup() {
      // setup() may take as long as the script's setupTimeout (60 s by default).
      const a = attributes(await call('POST', '/v1/setup', undefined, 10 * 60_000));
      return JSON.stringify(a.data ?? null);
    },
    async setSetupData(json) {
      await call('PUT', '/v1/setup', json);
    },
    async resume() {
      await call('PATCH', '/v1/status', statusBody({ paused: false }));
    },
    async stop() {
      await call('PATCH', '/v1/status', statusBody({ stopped: true }));
    },
    async runTeardown() {
      await call('POST', '/v1/teardown', undefined, 10 * 60_000);
    },
  };
}
