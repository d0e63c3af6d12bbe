// A reference stack for tests, on the real engine, under this test's own
// project name and ports (never the runbook's bare `ticketing-*` names, which
// a developer's real system may use), from images built here without a
// registry: loadctl-test:1 for Redis and PostgreSQL, loadctl-node-test:1
// (scripts/ci/build-node-image.sh) for the Node services.
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import { loadctlDone } from '../chaos-e2e/harness.ts';
import { dockerSkip, testImage } from '../kit/parts.ts';
import { stackServices } from '../../src/stack/definition.ts';

export { testImage };
export const nodeImage = process.env.LOADCTL_NODE_IMAGE ?? 'loadctl-node-test:1';

export const stackImagesEnv = {
  LOADCTL_STACK_REDIS_IMAGE: testImage,
  LOADCTL_STACK_POSTGRES_IMAGE: testImage,
  LOADCTL_STACK_NODE_IMAGE: nodeImage,
};

/** Skip reason for stack suites (fails under CI), or false. */
export function stackSkip(_what?: string): string | false {
  return dockerSkip() || dockerSkip(nodeImage, 'build-node-image.sh') || false;
}

function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/** An offset at which every port of the stack is free on 127.0.0.1 right now. */
export async function freeOffset(): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt += 1) {
    const offset = 20_000 + Math.floor(Math.random() * 30_000);
    const ports = stackServices.map((s) => s.port + offset);
    if (ports.every((p) => p < 65_536) && (await Promise.all(ports.map(portFree))).every(Boolean)) return offset;
  }
  throw new Error('no free port offset for the stack');
}

export interface TestStack {
  project: string;
  offset: number;
  /** The flags every stack command of this test passes. */
  flags: string[];
  env: Record<string, string>;
  baseUrl: string;
  consumerUrl: string;
}

export async function testStack(): Promise<TestStack> {
  const project = `lct-stk-${randomBytes(3).toString('hex')}`;
  const offset = await freeOffset();
  return {
    project, offset,
    flags: ['--project', project, '--port-offset', String(offset)],
    env: { ...stackImagesEnv },
    baseUrl: `http://127.0.0.1:${8080 + offset}`,
    consumerUrl: `http://127.0.0.1:${9464 + offset}`,
  };
}

/** What `stack up` made and `stack down` must remove, seen by the docker CLI (an independent witness). */
export function leftovers(project: string): string[] {
  const list = (...args: string[]) => spawnSync('docker', args, { encoding: 'utf8' }).stdout.split('\n').filter(Boolean);
  return [
    ...list('ps', '-a', '--filter', `label=io.loadctl.stack=${project}`, '--format', 'container {{.Names}}'),
    ...list('network', 'ls', '--filter', `label=io.loadctl.stack=${project}`, '--format', 'network {{.Name}}'),
    ...list('volume', 'ls', '--filter', `label=com.docker.compose.project=${project}`, '--format', 'volume {{.Name}}'),
  ];
}

/** Removes the test's stack whatever happened (by its label, as `stack down` does). */
export async function stackDown(s: TestStack, cwd: string): Promise<void> {
  await loadctlDone(['stack', 'down', ...s.flags], { cwd, env: s.env });
  for (const line of leftovers(s.project)) {
    const [kind, name] = line.split(' ');
    spawnSync('docker', kind === 'network' ? ['network', 'rm', name as string] : kind === 'volume' ? ['volume', 'rm', name as string] : ['rm', '-fv', name as string]);
  }
}
