// One validator for the addresses loadctl is given: the target's base URL
// (--base-url, BASE_URL, a profile's env), chaos probe URLs and tcp
// addresses, the sandbox's --host. Malformed input is refused here, before
// any DNS lookup or connection, so it is a usage error (exit 2) on every
// path rather than "unreachable" on one and "bad URL" on another. Pure.
import { isIP } from 'node:net';
import type { Checked } from './bounds.ts';

const LABEL = /^[A-Za-z0-9_]([A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?$/;

/** An IPv4/IPv6 address (brackets allowed) or a DNS name (container names with _ included). */
export function isHost(text: string): boolean {
  const bare = text.startsWith('[') && text.endsWith(']') ? text.slice(1, -1) : text;
  if (isIP(bare) !== 0) return true;
  if (text.length === 0 || text.length > 253 || text !== bare) return false;
  // A dotted string of digits that is not an IPv4 address (999.1.1.1) is a typo, not a name.
  if (/^[\d.]+$/.test(text)) return false;
  return text.replace(/\.$/, '').split('.').every((label) => LABEL.test(label));
}

export function checkHost(name: string, text: string): Checked<string> {
  return isHost(text)
    ? { ok: true, value: text }
    : { ok: false, problem: `${name}: "${text}" is not a host name or IP address (e.g. 127.0.0.1, ::1 or api.internal)` };
}

/** An http:// or https:// URL with a valid host and a port from 1 to 65535. */
export function checkHttpUrl(name: string, text: string): Checked<URL> {
  const example = '(e.g. http://localhost:8080)';
  const authority = /^[a-z][a-z0-9+.-]*:\/\/([^/?#]*)/i.exec(text)?.[1] ?? '';
  const port = /:(\d+)$/.exec(authority.replace(/^.*@/, ''))?.[1];
  if (port !== undefined && (Number(port) < 1 || Number(port) > 65535)) {
    return { ok: false, problem: `${name}: port ${port} in "${text}" is out of range (1 to 65535)` };
  }
  let url: URL;
  try {
    if (/\s/.test(text)) throw new Error('whitespace');
    url = new URL(text);
  } catch {
    return { ok: false, problem: `${name}: not a URL: "${text}" ${example}` };
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    return { ok: false, problem: `${name}: expected an http:// or https:// URL, got "${text}" ${example}` };
  }
  if (!isHost(url.hostname)) return { ok: false, problem: `${name}: "${url.hostname}" in "${text}" is not a host name or IP address ${example}` };
  return { ok: true, value: url };
}

/** "host:port" as a tcp probe writes it. */
export function checkHostPort(name: string, text: string): Checked<{ host: string; port: number }> {
  const at = text.lastIndexOf(':');
  const host = text.slice(0, at);
  const port = Number(text.slice(at + 1));
  if (at <= 0 || !/^\d{1,5}$/.test(text.slice(at + 1)) || port < 1 || port > 65535 || !isHost(host)) {
    return { ok: false, problem: `${name}: "${text}" is not host:port with a port from 1 to 65535 (e.g. 127.0.0.1:6379)` };
  }
  return { ok: true, value: { host: host.replace(/^\[(.*)\]$/, '$1'), port } };
}

/** Schemes a DOCKER_HOST may use; anything else is refused before a lookup. */
export const DOCKER_HOST_SCHEMES = ['unix', 'tcp', 'http', 'https', 'ssh'] as const;

/** A URL without its password (Redis, PostgreSQL), for printing. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return url;
  }
}

/** URL without credentials (for messages), and a Basic auth header when it had them. */
export function splitCredentials(url: string): { base: string; shown: string; headers: Record<string, string> } {
  const u = new URL(url);
  const headers: Record<string, string> = {};
  if (u.username || u.password) {
    headers.authorization = `Basic ${Buffer.from(`${decodeURIComponent(u.username)}:${decodeURIComponent(u.password)}`).toString('base64')}`;
    u.username = '';
    u.password = '';
  }
  const base = u.toString().replace(/\/+$/, '');
  return { base, shown: base, headers };
}
