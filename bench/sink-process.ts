// A remote-write endpoint in its own process that reads each body and answers
// 204, nothing else: what the forward costs loadctl and k6, without the cost
// of a Prometheus ingesting on the same two cores.
import { spawn } from 'node:child_process';

export async function startSink(): Promise<{ url: string; stop(): Promise<void> }> {
  const child = spawn(process.execPath, ['-e', `require('http').createServer((q,s)=>{q.resume();q.on('end',()=>s.writeHead(204).end())}).listen(0,'127.0.0.1',function(){console.log(this.address().port)})`], { stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise<string>((resolve) => child.stdout.once('data', (d: Buffer) => resolve(d.toString().trim())));
  return { url: `http://127.0.0.1:${port}/api/v1/write`, stop: async () => { child.kill(); } };
}
