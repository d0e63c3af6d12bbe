// Waits until every container of a group reports healthy, printing one
// progress line whenever the picture changes. A container that exits, or
// stays unhealthy past the deadline, is one line with its last log lines.
import { EnvironmentError, InterruptedError } from '../errors.ts';
import type { StackDocker } from './docker.ts';

export interface WaitOptions {
  onProgress: (line: string) => void;
  timeoutMs: number;
  signal?: AbortSignal;
  pollMs?: number;
}

export async function waitHealthy(docker: Pick<StackDocker, 'observe' | 'lastLines'>, containers: Array<{ id: string; name: string }>, o: WaitOptions): Promise<void> {
  const deadline = Date.now() + o.timeoutMs;
  const began = Date.now();
  let last = '';
  for (;;) {
    if (o.signal?.aborted) throw new InterruptedError('interrupted while waiting for the stack to become healthy; what this call created is removed');
    const states = await Promise.all(containers.map(async (c) => ({ c, seen: await docker.observe(c.id) })));
    const line = states.map(({ c, seen }) => `${c.name} ${seen ? (seen.running ? seen.health : seen.status) : 'gone'}`).join(', ');
    if (line !== last) {
      o.onProgress(`+${((Date.now() - began) / 1000).toFixed(1)}s waiting for health: ${line}`);
      last = line;
    }
    if (states.every(({ seen }) => seen?.running && seen.health === 'healthy')) return;
    const dead = states.find(({ seen }) => !seen || (!seen.running && seen.status === 'exited' && seen.restarts > 2));
    if (dead || Date.now() >= deadline) {
      const bad = dead ?? states.find(({ seen }) => !(seen?.running && seen.health === 'healthy')) ?? states[0];
      const logs = bad ? await docker.lastLines(bad.c.id) : '';
      throw new EnvironmentError(`${bad?.c.name ?? 'a container'} did not become healthy${dead ? ' (it keeps exiting)' : ` within ${Math.round(o.timeoutMs / 1000)}s`}${logs ? `: ${logs}` : ''}`, {
        hint: `see \`docker logs ${bad?.c.name ?? ''}\`; \`loadctl stack down\` removes what was made`,
      });
    }
    await new Promise((resolve) => setTimeout(resolve, o.pollMs ?? 250));
  }
}
