// The connection URL of each invariant's source, checked before anything is
// dialled: `redis.url: not-a-url` or DATABASE_URL=garbage was a DNS look-up
// and exit 3 "start that service"; it is a usage error (exit 2) that names
// the field and, when the URL came from the environment, the variable. Pure.
import { checkHttpUrl, isHost, redactUrl } from '../inputs/url.ts';
import type { InvariantSpec } from './schema.ts';

const VARIABLE = /\$\{([A-Za-z_][A-Za-z0-9_]*)/;

function schemeProblem(text: string, schemes: readonly string[], example: string): string | undefined {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return `not a URL: "${redactUrl(text)}" (e.g. ${example})`;
  }
  if (!schemes.includes(url.protocol)) return `expected ${schemes.map((s) => `${s}//`).join(' or ')}, got "${redactUrl(text)}" (e.g. ${example})`;
  if (url.hostname !== '' && !isHost(url.hostname)) return `"${url.hostname}" in "${redactUrl(text)}" is not a host name or IP address`;
  if (url.port !== '' && (Number(url.port) < 1 || Number(url.port) > 65535)) return `port ${url.port} is out of range (1 to 65535)`;
  return undefined;
}

/** `raw` as written (to name the variable a URL came from), `filled` with the environment in. */
export function sourceUrlProblem(raw: InvariantSpec, filled: InvariantSpec): string | undefined {
  const field = filled.sql ? 'sql.url' : filled.redis ? 'redis.url' : filled.http ? 'http.url' : 'promql.url';
  const text = filled.sql?.url ?? filled.redis?.url ?? filled.http?.url ?? filled.promql?.url;
  const written = raw.sql?.url ?? raw.redis?.url ?? raw.http?.url ?? raw.promql?.url ?? '';
  if (text === undefined) return undefined;
  let problem: string | undefined;
  if (filled.sql) problem = schemeProblem(text, ['postgres:', 'postgresql:'], 'postgres://user:pass@127.0.0.1:5432/app');
  else if (filled.redis) problem = text.startsWith('/') ? undefined : schemeProblem(text, ['redis:', 'rediss:'], 'redis://127.0.0.1:6379');
  else {
    const checked = checkHttpUrl(field, text);
    problem = checked.ok ? undefined : checked.problem.replace(`${field}: `, '');
  }
  if (!problem) return undefined;
  const variable = VARIABLE.exec(written)?.[1];
  return `invariant "${filled.name}": ${field}${variable ? ` (${variable} from the environment)` : ''}: ${problem}`;
}
