// The --receiver URL of `loadctl k8s`: where the runner pods push their live
// feed. loadctl's receiver answers at one path only, so a URL with another
// path, a query or a fragment would lose the feed silently (404 to every
// push): refused here, before anything is bundled or asked of the cluster. A
// loopback host is each pod's own, not this machine, unless the pods share
// its network (hostNetwork, a test double): a warning. Pure.
import { isIP } from 'node:net';
import { checkHttpUrl, redactUrl } from '../../inputs/url.ts';
import { WRITE_PATH } from '../../live/receiver.ts';

export type Receiver = { url: URL; shown: string; warning?: string } | { error: string; hint: string };

const example = 'e.g. --receiver http://10.0.0.5:9091';

function loopback(host: string): boolean {
  const bare = host.replace(/^\[|\]$/g, '').toLowerCase();
  if (bare === 'localhost' || bare.endsWith('.localhost')) return true;
  if (isIP(bare) === 4) return bare.startsWith('127.');
  return bare === '::1' || bare === '0:0:0:0:0:0:0:1';
}

export function parseReceiver(text: string): Receiver {
  const checked = checkHttpUrl('--receiver', text);
  if (!checked.ok) return { error: checked.problem, hint: example };
  const url = checked.value;
  const shown = redactUrl(text);
  if (url.search !== '' || url.hash !== '') {
    return { error: `--receiver "${shown}" has a query or fragment; loadctl's receiver takes pushes at ${WRITE_PATH} and nothing else`, hint: example };
  }
  if (url.pathname !== '/' && url.pathname !== '' && url.pathname !== WRITE_PATH) {
    return { error: `--receiver "${shown}" names the path ${url.pathname}, but loadctl's receiver answers only at ${WRITE_PATH} (the pods' pushes would all get 404)`, hint: `give the host and port only, ${example}` };
  }
  url.pathname = WRITE_PATH;
  const warning = loopback(url.hostname)
    ? `--receiver ${shown} is a loopback address: a pod reaches its own loopback, not this machine, so unless the pods share this machine's network no push will arrive; give an address of this machine that the cluster reaches (and --listen 0.0.0.0:<port> to bind it)`
    : undefined;
  return { url, shown: redactUrl(url.toString()), ...(warning ? { warning } : {}) };
}
