// The k6 reaper (src/k6/reaper.ts): the protocol on a stream, then the real
// thing: a real "loadctl" process (node running spawnReaper) that starts a
// detached process group, as it starts k6, and is then killed with SIGKILL.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { waitFor } from '../../kit/wait.ts';
import { spawn } from 'node:child_process';
import { PassThrough } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { existsSync } from 'node:fs';
import { reapOnClose, reaperScript } from '../../../src/k6/reaper.ts';

test('protocol: what is still listed when the pipe closes without "end" is killed; "end" kills nothing; lines may split anywhere', async () => {
  const input = new PassThrough();
  const killed: number[] = [];
  const done = reapOnClose(input, (pid) => killed.push(pid));
  for (const chunk of ['+101\n+1', '02\n+103\n-1', '01\n+1\n+x\n']) input.write(chunk);
  input.end();
  assert.deepEqual(await done, { ended: 'reaped', killed: [102, 103] }, 'pid 1 and garbage are never taken');
  assert.deepEqual(killed, [102, 103]);

  const clean = new PassThrough();
  const none: number[] = [];
  const cleanDone = reapOnClose(clean, (pid) => none.push(pid));
  clean.end('+201\n+202\nend\n');
  assert.deepEqual(await cleanDone, { ended: 'clean', killed: [] });
  assert.deepEqual(none, []);
});

const alive = (pid: number) => { try { process.kill(pid, 0); return true; } catch { return false; } };
const reaperModule = fileURLToPath(new URL('../../../src/k6/reaper.ts', import.meta.url));

/** A stand-in for loadctl: starts the reaper and a detached `sleep` (as k6 is started), prints both pids, then waits or ends cleanly. */
function fakeLoadctl(mode: 'wait' | 'clean'): { pids: Promise<{ reaper: number; k6: number }>; child: ReturnType<typeof spawn> } {
  const code = `
    import { spawn } from 'node:child_process';
    import { spawnReaper } from ${JSON.stringify(reaperModule)};
    const reaper = spawnReaper();
    const k6 = spawn('sleep', ['300'], { detached: true, stdio: 'ignore' });
    k6.unref();
    reaper.add(k6.pid);
    console.log(JSON.stringify({ reaper: reaper.pid, k6: k6.pid }));
    if (${JSON.stringify(mode)} === 'clean') reaper.close(); else setInterval(() => {}, 1000);`;
  const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code], { stdio: ['ignore', 'pipe', 'inherit'] });
  const pids = new Promise<{ reaper: number; k6: number }>((resolve, reject) => {
    let text = '';
    child.stdout!.on('data', (d: Buffer) => {
      text += d.toString();
      if (text.includes('\n')) resolve(JSON.parse(text.split('\n')[0]!));
    });
    child.on('exit', () => reject(new Error(`fake loadctl ended first: ${text}`)));
  });
  return { pids, child };
}

const skip = existsSync(reaperScript() ?? '') ? false : 'dist/k6-reaper.mjs is not built (npm test builds it)';

test('kill -9 of loadctl: the reaper kills the k6 process group it was told of, then exits', { skip, timeout: 30_000 }, async () => {
  const { pids, child } = fakeLoadctl('wait');
  const { reaper, k6 } = await pids;
  assert.ok(alive(reaper) && alive(k6));
  child.kill('SIGKILL');
  await waitFor('the k6 stand-in to be killed', () => !alive(k6), 60_000, 20);
  await waitFor('the reaper to exit', () => !alive(reaper), 60_000, 20);
});

test('a clean end: the reaper exits and kills nothing', { skip, timeout: 30_000 }, async () => {
  const { pids, child } = fakeLoadctl('clean');
  const { reaper, k6 } = await pids;
  await new Promise((r) => child.on('exit', r));
  await waitFor('the reaper to exit', () => !alive(reaper), 60_000, 20);
  assert.ok(alive(k6), 'a process the run ended cleanly is not the reaper\'s to kill');
  process.kill(-k6, 'SIGKILL');
});
