// The body of `loadctl stack up | down | status`, loaded lazily by
// src/commands/stack.ts. The command owns the console and Ctrl-C; the engine
// (up.ts, docker.ts) reports through callbacks.
import { readFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import Table from 'cli-table3';
import { EnvironmentError, ExitCode, UsageError } from '../errors.ts';
import { claimSignals } from '../shared/signals.ts';
import type { Ui } from '../ui.ts';
import { type ImageKey, breaksOf, checkProject, chooseImages, planStack, stackEndpoints, stackServices } from './definition.ts';
import { type BreakMode, parseBreaks } from '../sandbox/breaks.ts';
import { breakLines, brokenSummary } from './breaks-text.ts';
import { StackDocker } from './docker.ts';
import { stackUp } from './up.ts';

export interface StackCommandOptions {
  action: string | undefined;
  project: string;
  portOffset: string;
  /** Set when --project / --port-offset were not typed but came from their variables. */
  from?: StackOptionSources;
  images: Partial<Record<ImageKey, string>>;
  /** --break's text; LOADCTL_STACK_BREAK (in env) when the flag is absent. */
  break?: string | undefined;
  json: boolean;
  env: NodeJS.ProcessEnv;
}

const actions = ['up', 'down', 'status'];

/** dist/stack-service.mjs next to the running bundle (or, from source, in dist/). */
export async function serviceBundle(): Promise<Buffer> {
  for (const candidate of ['./stack-service.mjs', '../../dist/stack-service.mjs']) {
    const path = fileURLToPath(new URL(candidate, import.meta.url));
    if (existsSync(path)) return readFile(path);
  }
  throw new EnvironmentError('the bundled stack service (dist/stack-service.mjs) is missing', { hint: 'build it: npm run build' });
}

/** Where --project and --port-offset came from when not typed: their variables, named in errors as the user set them. */
export interface StackOptionSources { project?: 'LOADCTL_STACK_PROJECT'; portOffset?: 'LOADCTL_STACK_PORT_OFFSET' }

/** Which of the two took its value from the environment (commander says 'default' for a variable read into the default). */
export function stackOptionSources(sourceOf: (key: string) => string | undefined, env: Record<string, string | undefined>): StackOptionSources {
  const fromEnv = (key: string, name: string) => sourceOf(key) === 'default' && Boolean(env[name]);
  return {
    ...(fromEnv('project', 'LOADCTL_STACK_PROJECT') ? { project: 'LOADCTL_STACK_PROJECT' as const } : {}),
    ...(fromEnv('portOffset', 'LOADCTL_STACK_PORT_OFFSET') ? { portOffset: 'LOADCTL_STACK_PORT_OFFSET' as const } : {}),
  };
}

export function parseStackOptions(o: Pick<StackCommandOptions, 'action' | 'project' | 'portOffset' | 'break'> & { env?: Record<string, string | undefined>; from?: StackOptionSources }): { action: 'up' | 'down' | 'status'; project: string; portOffset: number; breaks: BreakMode[] } {
  if (!o.action || !actions.includes(o.action)) {
    throw new UsageError(`${o.action ? `unknown stack action "${o.action}"` : 'name a stack action'} (known: ${actions.join(', ')})`, { hint: 'loadctl stack up' });
  }
  const bad = checkProject(o.project);
  if (bad) throw new UsageError(o.from?.project ? bad.replace(/^--project/, o.from.project) : bad);
  const offset = Number(o.portOffset);
  const highest = Math.max(...stackServices.map((s) => s.port));
  if (!/^\d+$/.test(o.portOffset) || offset + highest > 65535) {
    throw new UsageError(`${o.from?.portOffset ?? '--port-offset'} ${o.portOffset}: must be a whole number from 0 to ${65535 - highest}`, { hint: 'e.g. --port-offset 10000 publishes the booking service on 127.0.0.1:18080' });
  }
  if (o.break !== undefined && o.action !== 'up') {
    throw new UsageError(`--break applies to \`stack up\` only; \`stack ${o.action}\` takes no break modes (status shows the ones a stack runs with)`);
  }
  // The variable counts for `up` only: set in a shell, it must not make `status` or `down` fail.
  const text = o.break ?? (o.action === 'up' ? o.env?.LOADCTL_STACK_BREAK : undefined);
  const parsed = parseBreaks(text);
  if ('error' in parsed) throw new UsageError(`${o.break !== undefined ? '--break' : 'LOADCTL_STACK_BREAK'}: ${parsed.error}`);
  return { action: o.action as 'up' | 'down' | 'status', project: o.project, portOffset: offset, breaks: parsed.modes };
}

export async function runStackCommand(o: StackCommandOptions, ui: Ui): Promise<number> {
  const { action, project, portOffset, breaks } = parseStackOptions(o);
  const plan = planStack({ project, portOffset, images: chooseImages(o.images, o.env), breaks });
  const docker = new StackDocker(o.env);
  await docker.ping();
  if (action === 'down') {
    const owned = await docker.owned(project);
    for (const c of owned.containers) await docker.removeContainer(c.id);
    for (const n of owned.networks) await docker.removeNetwork(n.id);
    const what = [...owned.containers, ...owned.networks].map((x) => x.name);
    ui.result(what.length > 0 ? `removed ${what.join(', ')}` : `nothing to remove: no stack "${project}" on ${docker.endpoint}`);
    return ExitCode.Ok;
  }
  if (action === 'status') return status(docker, plan, portOffset, o.json, ui);

  const controller = new AbortController();
  const onSignal = (name: NodeJS.Signals) => {
    ui.warn(`${name}: stopping \`stack up\`; removing what it created`);
    controller.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  const releaseSignals = claimSignals();
  try {
    ui.info(`stack ${project} on ${docker.endpoint}: ${plan.containers.map((c) => c.name).join(', ')}`);
    const result = await stackUp(plan, { docker, serviceFile: serviceBundle, onProgress: (line) => ui.info(line), signal: controller.signal });
    const endpoints = stackEndpoints({ portOffset });
    const changed = [...result.created, ...result.recreated, ...result.started];
    const took = `${(result.ms / 1000).toFixed(1)}s${changed.length === 0 ? ', already running: nothing changed' : ''}`;
    const broken = plan.containers.filter((c) => c.breaks.length > 0).map((c) => ({ container: c.name, breaks: c.breaks }));
    for (const line of breakLines(result.recreated, plan.containers, endpoints['booking-service'])) ui.warn(line);
    if (broken.length > 0) ui.warn(`stack ${project} is up but ${brokenSummary(broken)} (${took})`);
    else ui.result(`stack ${project} is up and healthy (${took})`);
    ui.result(`  booking service ${endpoints['booking-service']}  consumer ${endpoints['kafka-consumer']}/metrics  redis ${endpoints.redis}  postgres ${endpoints.postgres}`);
    if (o.json) process.stdout.write(`${JSON.stringify({ schema: 'loadctl/stack', version: 1, project, endpoints, brokenOnPurpose: broken, ...result }, null, 2)}\n`);
    return ExitCode.Ok;
  } finally {
    releaseSignals();
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

async function status(docker: StackDocker, plan: ReturnType<typeof planStack>, portOffset: number, json: boolean, ui: Ui): Promise<number> {
  const endpoints = stackEndpoints({ portOffset });
  const rows = await Promise.all(plan.containers.map(async (c) => {
    const seen = await docker.observe(c.name);
    const ours = seen?.labels['io.loadctl.stack'] === plan.project;
    // Where it really answers (the offset it was started with), else where this offset would put it.
    const published = seen?.ports[`${c.port.container}/tcp`];
    const endpoint = published && ours ? endpoints[c.service].replace(`:${c.port.host}`, `:${published}`) : endpoints[c.service];
    return {
      service: c.service, container: c.name,
      state: !seen ? 'absent' : !ours ? 'not made by loadctl stack' : seen.running ? seen.health : seen.status,
      // What the container really runs with, from its label: never what this call's flags would ask for.
      breaks: seen && ours ? breaksOf(seen.labels) : [],
      endpoint,
    };
  }));
  const up = rows.every((r) => r.state === 'healthy');
  const broken = rows.filter((r) => r.breaks.length > 0).map((r) => ({ container: r.container, breaks: r.breaks }));
  const healthy = up && broken.length === 0;
  if (json) process.stdout.write(`${JSON.stringify({ schema: 'loadctl/stack-status', version: 1, project: plan.project, healthy, brokenOnPurpose: broken, services: rows }, null, 2)}\n`);
  const table = new Table({ head: ['service', 'container', 'state', 'on this machine'], style: { head: [], border: [] } });
  for (const r of rows) table.push([r.service, r.container, r.breaks.length > 0 ? `${r.state}, BROKEN ON PURPOSE: ${r.breaks.join(', ')}` : r.state, r.endpoint]);
  ui.result(table.toString());
  const again = `loadctl stack up${plan.project === 'ticketing' ? '' : ` --project ${plan.project}`}`;
  if (broken.length > 0) ui.result(`stack ${plan.project}: ${up ? 'up but ' : 'not fully up, and '}${brokenSummary(broken)}; \`${again}\` without --break mends it`);
  else ui.result(up ? `stack ${plan.project}: every service healthy` : `stack ${plan.project}: not fully up (${again})`);
  return healthy ? ExitCode.Ok : ExitCode.Failed;
}
