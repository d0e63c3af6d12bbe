// Podman as a second, separate engine for the tests: its own API socket
// (`podman system service`) in a temp folder, and the test image imported
// into its own image store. Skips with a reason when podman is not installed,
// fails instead when LOADCTL_REQUIRE_PODMAN=1 (CI installs it).
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { request } from 'node:http';
import { installLine, missing } from '../kit/parts.ts';
import { promisify } from 'node:util';

const run = promisify(execFile);
// What scripts/ci/build-test-image.sh leaves behind: the root file system it imported into Docker.
const rootfsTar = '/var/cache/loadctl/loadctl-test-1-bookworm.tar';

export const podman = (...args: string[]) => run('podman', args, { maxBuffer: 16 * 1024 * 1024 }).then((r) => r.stdout.trim());

export async function podmanSkipReason(what: string): Promise<string | undefined> {
  const how = await podman('--version').then(() => undefined, () => installLine('podman'));
  if (how && process.env.LOADCTL_REQUIRE_PODMAN === '1') throw new Error(`LOADCTL_REQUIRE_PODMAN=1 but podman: ${how}`);
  return missing('podman', how) || undefined;
}

/** Podman keeps its own image store: import the test image once, from the cached root file system or from Docker. */
export async function ensurePodmanImage(image: string): Promise<void> {
  if (await podman('image', 'exists', image).then(() => true, () => false)) return;
  if (existsSync(rootfsTar)) {
    await podman('import', rootfsTar, image);
    return;
  }
  await run('sh', ['-c', `docker save ${image} | podman load`], { maxBuffer: 16 * 1024 * 1024 });
}

function ping(socketPath: string): Promise<boolean> {
  return new Promise((resolve) => {
    const req = request({ socketPath, path: '/_ping', timeout: 1000 }, (res) => { res.resume(); resolve(res.statusCode === 200); });
    req.on('error', () => resolve(false));
    req.on('timeout', () => { req.destroy(); resolve(false); });
    req.end();
  });
}

/** `podman system service` on this socket, answering its API; kill the child to stop it. */
export async function startPodmanService(socket: string, timeoutMs = 20_000): Promise<ChildProcess> {
  const service = spawn('podman', ['system', 'service', '--time=0', `unix://${socket}`], { stdio: 'ignore' });
  const deadline = Date.now() + timeoutMs;
  while (!(await ping(socket))) {
    if (Date.now() > deadline || service.exitCode !== null) {
      service.kill('SIGKILL');
      throw new Error(`the Podman API socket ${socket} did not answer within ${timeoutMs} ms`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return service;
}
