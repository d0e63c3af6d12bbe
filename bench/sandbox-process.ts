// The sandbox as its own process (bin/loadctl.js sandbox), as users run it, so
// a load generator does not share its event loop. Shared by the benches.
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const root = fileURLToPath(new URL('..', import.meta.url));

/**
 * `detached` puts the sandbox in a session of its own: where the kernel
 * groups scheduling by session (autogroup), it then competes as its own
 * group, not inside the benchmark's.
 */
export async function startSandboxProcess(extra: string[] = [], options: { detached?: boolean } = {}): Promise<{ url: string; child: ChildProcess }> {
  const args = [`${root}bin/loadctl.js`, 'sandbox', '--port', '0', ...extra];
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'], detached: options.detached ?? false });
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout?.on('data', (c: Buffer) => {
      out += c.toString();
      const m = /listening on (http:\/\/\S+)/.exec(out);
      if (m) resolve(m[1] as string);
    });
    child.once('exit', (code) => reject(new Error(`sandbox exited ${code}`)));
  });
  return { url, child };
}
