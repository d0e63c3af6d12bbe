// Stopping a child process the tests started (redis-server, PostgreSQL,
// Prometheus): one signal, then SIGKILL if it has not exited within the grace.
import type { ChildProcess } from 'node:child_process';

export async function stopProcess(child: ChildProcess, signal: NodeJS.Signals = 'SIGKILL', graceMs = 10_000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill(signal);
  const killer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  await exited;
  clearTimeout(killer);
}
