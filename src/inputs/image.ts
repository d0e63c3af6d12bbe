// An image reference as Docker and Kubernetes read it:
// [registry[:port]/]path[:tag][@digest]. Checked before anything is made, so
// a typo is exit 2 naming the flag, not a pull failure inside a pod (k8s)
// or a container engine error after a run folder exists. Pure.
import type { Checked } from './bounds.ts';
import { UsageError } from '../errors.ts';

const COMPONENT = '[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*';
const DOMAIN = '(?:[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*(?::\\d+)?|\\[[0-9A-Fa-f:]+\\](?::\\d+)?)';
const TAG = '[\\w][\\w.-]{0,127}';
const DIGEST = '[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9A-Fa-f]{32,}';
const REFERENCE = new RegExp(`^(?:${DOMAIN}/)?${COMPONENT}(?:/${COMPONENT})*(?::${TAG})?(?:@${DIGEST})?$`);

export function checkImage(flag: string, text: string): Checked<string> {
  const example = '(e.g. grafana/k6:2.2.0 or registry.example.com:5000/team/k6@sha256:<64 hex>)';
  if (text === '') return { ok: false, problem: `${flag} is empty: it must name an image ${example}` };
  if (text.length > 255 + 129 + 72 || !REFERENCE.test(text)) {
    return { ok: false, problem: `${flag} "${text.length > 80 ? `${text.slice(0, 80)}…` : text}" is not an image reference: [registry[:port]/]name[:tag][@digest], the name in lower case ${example}` };
  }
  return { ok: true, value: text };
}

/** The first image flag given with a value that is not a reference, as a usage error; flags left unset are skipped. */
export function assertImages(flags: ReadonlyArray<readonly [string, string | undefined]>): void {
  for (const [flag, value] of flags) {
    if (value === undefined) continue;
    const checked = checkImage(flag, value);
    if (!checked.ok) throw new UsageError(checked.problem, { hint: `e.g. ${flag} ${flag === '--image' || flag === '--runner-image' ? 'grafana/k6:2.2.0' : 'redis:7-alpine'}` });
  }
}
