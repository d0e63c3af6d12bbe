// A real OpenSSH server on 127.0.0.1 for the ssh:// Docker endpoint tests:
// sshd from Debian on a free port with a host key and one client key
// generated in a temp folder, the client key in an ssh-agent of its own (the
// way docker-modem authenticates: SSH_AUTH_SOCK). Logs in as the user the
// tests run as; that user's docker CLI answers `docker system dial-stdio`.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { userInfo } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../chaos-e2e/harness.ts';
import { stopProcess } from './process.ts';
import { tempDir } from '../kit/temp.ts';

export interface Sshd {
  /** ssh://USER@127.0.0.1:PORT */
  url: string;
  /** The agent holding the client key: give it to loadctl as SSH_AUTH_SOCK. */
  agentSocket: string;
  stop(): Promise<void>;
}

function run(command: string, args: string[], env?: NodeJS.ProcessEnv): void {
  const r = spawnSync(command, args, { encoding: 'utf8', env: { ...process.env, ...env }, timeout: 20_000 });
  if (r.status !== 0) throw new Error(`${command} ${args.join(' ')}: ${r.stderr || r.error}`);
}

const answers = (port: number) => new Promise<boolean>((resolve) => {
  const s = connect(port, '127.0.0.1', () => { s.destroy(); resolve(true); });
  s.on('error', () => resolve(false));
});

export async function startSshd(): Promise<Sshd> {
  const dir = tempDir('loadctl-sshd-');
  run('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', join(dir, 'host_key')]);
  run('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', join(dir, 'client_key')]);
  // sshd's privilege separation folder; present wherever the package's service has run once.
  if (process.getuid?.() === 0) mkdirSync('/run/sshd', { recursive: true });
  const port = await freePort();
  const sshd: ChildProcess = spawn('/usr/sbin/sshd', ['-D', '-e', '-f', '/dev/null', '-p', String(port),
    '-o', 'ListenAddress=127.0.0.1', '-o', `HostKey=${join(dir, 'host_key')}`, '-o', `AuthorizedKeysFile=${join(dir, 'client_key.pub')}`,
    '-o', 'PidFile=none', '-o', 'StrictModes=no', '-o', 'PermitRootLogin=prohibit-password', '-o', 'UsePAM=no'], { stdio: 'ignore' });
  const agentSocket = join(dir, 'agent.sock');
  const agent: ChildProcess = spawn('ssh-agent', ['-D', '-a', agentSocket], { stdio: 'ignore' });
  const stop = async () => {
    await Promise.all([stopProcess(sshd, 'SIGTERM', 5000), stopProcess(agent, 'SIGTERM', 5000)]);
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    for (let i = 0; !(await answers(port)); i++) {
      if (i > 100 || sshd.exitCode !== null) throw new Error('sshd did not listen on 127.0.0.1');
      await new Promise((r) => setTimeout(r, 100));
    }
    for (let i = 0; spawnSync('ssh-add', ['-l'], { env: { ...process.env, SSH_AUTH_SOCK: agentSocket } }).status === 2; i++) {
      if (i > 100) throw new Error('ssh-agent did not start');
      await new Promise((r) => setTimeout(r, 100));
    }
    run('ssh-add', ['-q', join(dir, 'client_key')], { SSH_AUTH_SOCK: agentSocket });
  } catch (error) {
    await stop();
    throw error;
  }
  return { url: `ssh://${userInfo().username}@127.0.0.1:${port}`, agentSocket, stop };
}
