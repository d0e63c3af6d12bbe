// `loadctl stack up | down | status`: the reference ticketing system as real
// containers. Option parsing only; the body loads lazily (dockerode).
import type { RegisterCommand } from './types.ts';
import { createUi } from '../ui.ts';
import { defaultImages, defaultProject } from '../stack/definition.ts';

interface Flags {
  project: string;
  portOffset: string;
  redisImage?: string;
  postgresImage?: string;
  nodeImage?: string;
  break?: string;
  json: boolean;
}

export const register: RegisterCommand = (program, runAction) => {
  program
    .command('stack')
    .description('start, stop or show the reference ticketing system (booking service, Redis, PostgreSQL, a queue consumer) as Docker containers')
    .argument('[action]', 'up | down | status')
    .option('--project <name>', 'compose project and container name prefix (ticketing gives ticketing-redis, ...; env LOADCTL_STACK_PROJECT)', process.env.LOADCTL_STACK_PROJECT || defaultProject)
    .option('--port-offset <n>', 'added to every port published on 127.0.0.1 (booking 8080, consumer 9464, redis 6379, postgres 5432)', process.env.LOADCTL_STACK_PORT_OFFSET || '0')
    .option('--redis-image <image>', `Redis image (env LOADCTL_STACK_REDIS_IMAGE; default ${defaultImages.redis})`)
    .option('--postgres-image <image>', `PostgreSQL image (env LOADCTL_STACK_POSTGRES_IMAGE; default ${defaultImages.postgres})`)
    .option('--node-image <image>', `image with node for the booking service and the consumer (env LOADCTL_STACK_NODE_IMAGE; default ${defaultImages.node})`)
    .option('--break <modes>', 'up only: start it broken on purpose, so the shipped invariants can be seen to fail: double-sell, lose-confirms, lock-leak, backlog-stall, comma separated (env LOADCTL_STACK_BREAK; see docs/invariants.md)')
    .option('--json', 'print a JSON document on stdout', false)
    .action((action: string | undefined, flags: Flags, command) => runAction(async () => {
      const globals = command.optsWithGlobals() as { quiet?: boolean; color?: boolean };
      const ui = createUi({ quiet: globals.quiet ?? false, color: globals.color ?? true, ...(flags.json ? { stream: process.stderr } : {}) });
      (await import('../inputs/image.ts')).assertImages([['--redis-image', flags.redisImage], ['--postgres-image', flags.postgresImage], ['--node-image', flags.nodeImage]]);
      const { runStackCommand, stackOptionSources } = await import('../stack/command.ts');
      return runStackCommand({
        action, project: flags.project, portOffset: flags.portOffset, json: flags.json, env: process.env, break: flags.break,
        from: stackOptionSources((key) => command.getOptionValueSource(key), process.env),
        images: {
          ...(flags.redisImage ? { redis: flags.redisImage } : {}),
          ...(flags.postgresImage ? { postgres: flags.postgresImage } : {}),
          ...(flags.nodeImage ? { node: flags.nodeImage } : {}),
        },
      }, ui);
    }));
};
