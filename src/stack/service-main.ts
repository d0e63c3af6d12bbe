// The entry point inside the reference stack's Node containers (bundled by
// scripts/build.mjs into dist/stack-service.mjs and copied into each
// container): `booking` runs the sandbox's API with seat locks in Redis,
// bookings in PostgreSQL and booking events on a Redis stream; `consumer`
// reads that stream. Configured by environment, as containers are.
import { startSandbox } from '../sandbox/server.ts';
import { startConsumer } from './consumer.ts';
import { parseBreaks } from '../sandbox/breaks.ts';

const env = process.env;
const role = process.argv[2];
// Off by default: LOADCTL_SANDBOX_BREAK=double-sell,... breaks the stack on purpose (src/sandbox/breaks.ts).
const parsedBreaks = parseBreaks(env.LOADCTL_SANDBOX_BREAK);
const breaks = 'modes' in parsedBreaks ? parsedBreaks.modes : [];

async function main(): Promise<{ close(): Promise<void> }> {
  // A mode this build does not know must not start a service that looks whole.
  if ('error' in parsedBreaks) throw new Error(`LOADCTL_SANDBOX_BREAK: ${parsedBreaks.error}`);
  const redisUrl = env.REDIS_URL ?? 'redis://redis:6379';
  if (role === 'booking') {
    return startSandbox({
      host: '0.0.0.0',
      port: Number(env.PORT ?? 8080),
      redisUrl,
      streamRedisUrl: redisUrl,
      postgresUrl: env.DATABASE_URL ?? 'postgres://postgres@postgres:5432/ticketing',
      redisReadyTimeoutMs: Number(env.READY_TIMEOUT_MS ?? 30_000),
      ...(env.HOLD_TTL_MS ? { holdTtlMs: Number(env.HOLD_TTL_MS) } : {}),
      onError: (error) => console.error(error),
      breaks,
    });
  }
  if (role === 'consumer') return startConsumer({ host: '0.0.0.0', port: Number(env.PORT ?? 9464), redisUrl, stall: breaks.includes('backlog-stall') });
  throw new Error(`unknown role "${role ?? ''}" (known: booking, consumer)`);
}

main().then((service) => {
  console.log(`${role} ready${breaks.length > 0 ? `, BROKEN ON PURPOSE: ${breaks.join(', ')}` : ''}`);
  // PID 1 in a container gets no default SIGTERM handler: without this, `docker stop` waits its full grace and kills.
  const stop = () => { void service.close().then(() => { process.exitCode = 0; }); };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}, (error: unknown) => {
  console.error(`${role ?? 'service'} failed to start: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
});
