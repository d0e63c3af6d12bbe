// Resolves what an experiment names to concrete containers, and nothing more:
// an exact container name, or a compose project + service (the labels Compose
// puts on every container it creates). A name that matches nothing is a usage
// error that lists the nearest names, never a fuzzy match acted upon.
import { UsageError } from '../errors.ts';
import type { ContainerRef, TargetSelector } from './types.ts';

export const composeProjectLabel = 'com.docker.compose.project';
export const composeServiceLabel = 'com.docker.compose.service';

/** The slice of a container listing that resolution needs (tests build these literally). */
export interface ListedContainer {
  Id: string;
  Names: string[];
  Labels: Record<string, string>;
}

export function containerName(listed: Pick<ListedContainer, 'Names' | 'Id'>): string {
  const first = listed.Names[0];
  return first ? first.replace(/^\//, '') : listed.Id.slice(0, 12);
}

export function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      current[j] = Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, (previous[j - 1] ?? 0) + cost);
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}

/** Names close to `wanted`: substring either way, or within a third of its length in edits. */
export function nearMatches(wanted: string, candidates: Iterable<string>, limit = 5): string[] {
  const w = wanted.toLowerCase();
  const scored: Array<{ name: string; score: number }> = [];
  for (const name of new Set(candidates)) {
    const n = name.toLowerCase();
    const distance = editDistance(w, n);
    const contains = n.includes(w) || w.includes(n);
    if (contains || distance <= Math.max(2, Math.floor(w.length / 3))) {
      scored.push({ name, score: contains ? 0 : distance });
    }
  }
  return scored
    .sort((x, y) => x.score - y.score || x.name.localeCompare(y.name))
    .slice(0, limit)
    .map((entry) => entry.name);
}

function suggestion(near: string[], all: string[]): string {
  if (near.length > 0) return `did you mean: ${near.join(', ')}?`;
  if (all.length === 0) return 'no containers exist on this engine';
  const shown = all.slice(0, 8).join(', ');
  return `existing: ${shown}${all.length > 8 ? `, ... (${all.length} in all)` : ''}`;
}

export function describeSelector(selector: TargetSelector): string {
  if ('container' in selector) return `container "${selector.container}"`;
  if ('names' in selector) return `compose service "${selector.service}" or container ${selector.names.map((n) => `"${n}"`).join(', ')}`;
  return `compose service "${selector.service}" of project "${selector.project}"`;
}

const refOf = (c: ListedContainer): ContainerRef => ({ id: c.Id, name: containerName(c) });
const byName = (a: ContainerRef, b: ContainerRef) => a.name.localeCompare(b.name);

/**
 * The team's system without flags: the compose service in the one project
 * that has it, else the first of `names` that exists (the runbook's
 * `ticketing-redis`, then the bare `redis`). Two projects with the service is
 * an error, never a guess; so is nothing at all, naming everything tried.
 */
export function selectSystemTarget(selector: { service: string; names: string[] }, listing: ListedContainer[]): ContainerRef[] {
  const inCompose = listing.filter((c) => c.Labels[composeServiceLabel] === selector.service && c.Labels[composeProjectLabel]);
  const projects = [...new Set(inCompose.map((c) => c.Labels[composeProjectLabel] as string))].sort();
  if (projects.length === 1) return inCompose.map(refOf).sort(byName);
  if (projects.length > 1) {
    throw new UsageError(`compose service "${selector.service}" runs in ${projects.length} projects (${projects.join(', ')}): loadctl will not guess which to break`, {
      hint: `name one: --project ${projects[0]}`,
    });
  }
  for (const wanted of selector.names) {
    const hit = listing.find((c) => c.Names.some((n) => n.replace(/^\//, '') === wanted));
    if (hit) return [refOf(hit)];
  }
  const tried = [`compose service "${selector.service}" (in no project)`, ...selector.names.map((n) => `container "${n}"`)];
  throw new UsageError(`no ${selector.service} to target: tried ${tried.join(', ')}`, {
    hint: `start the reference system (\`loadctl stack up\`), or name yours: --project <compose project> or --target <ref>=<container>`,
  });
}

/** Pure: picks the containers a selector names from a listing, or throws a UsageError with near matches. */
export function selectTargets(selector: TargetSelector, listing: ListedContainer[]): ContainerRef[] {
  if ('names' in selector) return selectSystemTarget(selector, listing);
  if ('container' in selector) {
    const wanted = selector.container.replace(/^\//, '');
    const hit = listing.find((c) => c.Names.some((n) => n.replace(/^\//, '') === wanted) || c.Id === wanted);
    if (hit) return [{ id: hit.Id, name: containerName(hit) }];
    const names = listing.map(containerName).sort();
    throw new UsageError(`no container named "${wanted}": ${suggestion(nearMatches(wanted, names), names)}`, {
      hint: 'use the exact name from `docker ps -a --format {{.Names}}`, or select by compose project and service',
    });
  }
  const inProject = listing.filter((c) => c.Labels[composeProjectLabel] === selector.project);
  const hits = inProject.filter((c) => c.Labels[composeServiceLabel] === selector.service);
  if (hits.length > 0) {
    return hits
      .map((c) => ({ id: c.Id, name: containerName(c) }))
      .sort((a, b) => a.name.localeCompare(b.name));
  }
  if (inProject.length === 0) {
    const projects = [...new Set(listing.map((c) => c.Labels[composeProjectLabel]).filter((p): p is string => Boolean(p)))].sort();
    throw new UsageError(`no compose project "${selector.project}": ${suggestion(nearMatches(selector.project, projects), projects)}`, {
      hint: 'the project is the name `docker compose ls` shows (by default the directory holding the compose file)',
    });
  }
  const services = [...new Set(inProject.map((c) => c.Labels[composeServiceLabel]).filter((s): s is string => Boolean(s)))].sort();
  throw new UsageError(
    `no service "${selector.service}" in compose project "${selector.project}": ${suggestion(nearMatches(selector.service, services), services)}`,
    { hint: `list them with \`docker compose -p ${selector.project} ps --services\`` },
  );
}

/** Lists what the engine has and selects from it. */
export async function resolveTargets(
  docker: { listContainers(): Promise<ListedContainer[]> },
  selector: TargetSelector,
): Promise<ContainerRef[]> {
  return selectTargets(selector, await docker.listContainers());
}
