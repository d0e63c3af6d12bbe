// Request plumbing for the sandbox: a route table, JSON bodies, JSON errors.
// Every failure a client can cause becomes an HttpError with a 4xx status, so
// bad input never reaches the 500 branch.
import type { IncomingMessage } from 'node:http';

export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly extra: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = 'HttpError';
  }
}

export interface Reply {
  status: number;
  body: unknown;
  /** Defaults to JSON; /metrics answers text. */
  contentType?: string;
}

export interface RequestContext {
  params: Record<string, string>;
  query: URLSearchParams;
  req: IncomingMessage;
  /** The parsed JSON body; only for routes that declare `body: true`. */
  body: unknown;
}

export interface Route {
  method: string;
  /** Template as reported in metrics, e.g. /api/events/{id}. */
  path: string;
  body?: boolean;
  handle(ctx: RequestContext): Reply | Promise<Reply>;
}

interface CompiledRoute extends Route { regex: RegExp; names: string[] }

export class Router {
  private readonly routes: CompiledRoute[];

  constructor(routes: Route[]) {
    this.routes = routes.map((route) => {
      const names: string[] = [];
      const pattern = route.path.replace(/\{(\w+)\}/g, (_m, name: string) => { names.push(name); return '([^/]+)'; });
      return { ...route, regex: new RegExp(`^${pattern}/?$`), names };
    });
  }

  /** The route for a request, or an HttpError (404 unknown path, 405 wrong method). */
  match(method: string, pathname: string): { route: CompiledRoute; params: Record<string, string> } {
    let pathKnown = false;
    for (const route of this.routes) {
      const m = route.regex.exec(pathname);
      if (!m) continue;
      pathKnown = true;
      if (route.method !== method) continue;
      const params: Record<string, string> = {};
      route.names.forEach((name, i) => { params[name] = safeDecode(m[i + 1] ?? ''); });
      return { route, params };
    }
    if (pathKnown) throw new HttpError(405, 'method_not_allowed', `${method} is not allowed on ${pathname}`);
    throw new HttpError(404, 'not_found', `no route for ${method} ${pathname}`);
  }
}

function safeDecode(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    throw new HttpError(400, 'bad_path', `path segment "${value}" is not valid URL encoding`);
  }
}

const MAX_BODY = 64 * 1024;

export async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  // An oversized body is still read to its end (and dropped) so the client
  // gets its 413 instead of a reset connection.
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size <= MAX_BODY) chunks.push(chunk);
  }
  if (size > MAX_BODY) throw new HttpError(413, 'body_too_large', `request body is over ${MAX_BODY} bytes`);
  const text = Buffer.concat(chunks).toString('utf8').trim();
  if (text === '') throw new HttpError(400, 'missing_body', 'a JSON body is required');
  try {
    return JSON.parse(text);
  } catch {
    throw new HttpError(400, 'bad_json', 'the request body is not valid JSON');
  }
}

// Small typed readers so handlers validate a body in a few lines.
export function objectBody(body: unknown): Record<string, unknown> {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new HttpError(400, 'bad_body', 'the body must be a JSON object');
  }
  return body as Record<string, unknown>;
}

export function requiredString(body: Record<string, unknown>, field: string, max = 256): string {
  const value = body[field];
  if (typeof value !== 'string' || value.trim() === '') throw new HttpError(400, 'bad_field', `"${field}" is required and must be a non-empty string`, { field });
  if (value.length > max) throw new HttpError(400, 'bad_field', `"${field}" is longer than ${max} characters`, { field });
  return value;
}

export function positiveInt(query: URLSearchParams, name: string, fallback: number, max: number): number {
  const raw = query.get(name);
  if (raw === null || raw === '') return fallback;
  if (!/^\d+$/.test(raw)) throw new HttpError(400, 'bad_paging', `"${name}" must be a whole number, got "${raw}"`, { field: name });
  const value = Number(raw);
  if (value < 1 || value > max) throw new HttpError(400, 'bad_paging', `"${name}" must be between 1 and ${max}, got ${value}`, { field: name });
  return value;
}
