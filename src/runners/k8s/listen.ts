// Where `loadctl k8s --apply` binds its remote-write receiver. The pods use
// the --receiver URL; by default loadctl binds that URL's host and port, and
// --listen HOST:PORT says otherwise when the address the cluster reaches
// (a load balancer, a NAT, a DNS name) is not one of this machine's. Pure.

export interface ListenAddress { host: string; port: number }

const HOST = /^(?:[A-Za-z0-9](?:[-A-Za-z0-9.]*[A-Za-z0-9])?|[0-9A-Fa-f:.]+)$/;

function port(text: string): number | undefined {
  if (!/^\d{1,5}$/.test(text)) return undefined;
  const n = Number(text);
  return n >= 1 && n <= 65535 ? n : undefined;
}

export function parseListen(text: string | undefined, receiver: URL): ListenAddress | { error: string } {
  if (text === undefined) {
    const p = receiver.port === '' ? (receiver.protocol === 'https:' ? 443 : 80) : Number(receiver.port);
    return { host: receiver.hostname.replace(/^\[|\]$/g, ''), port: p };
  }
  const m = /^(?:\[([0-9A-Fa-f:.]+)\]|([^:[\]]+)):([^:]*)$/.exec(text);
  const host = m?.[1] ?? m?.[2];
  const p = m ? port(m[3]!) : undefined;
  if (!m || !host || !HOST.test(host)) return { error: `--listen "${text}" is not HOST:PORT` };
  if (p === undefined) return { error: `--listen "${text}": the port must be a whole number 1..65535 (the pods push to a fixed port)` };
  return { host, port: p };
}
