// The one-line failures of the Docker side, produced for real: no engine at
// the endpoint, a socket the user may not open, a container removed while a
// fault holds it, a target name with a typo.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { chmodSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';
import { after, before, describe, it } from 'node:test';
import { createDockerFaultFactory } from '../../src/chaos/factory.ts';
import { ContainerGoneError } from '../../src/docker/errors.ts';
import { EnvironmentError, LoadctlError, UsageError, formatError } from '../../src/errors.ts';
import { Lab, docker, dockerSkipReason, inspect } from './harness.ts';
import { tempDir } from '../kit/temp.ts';

const run = promisify(execFile);

function oneLine(error: unknown): boolean {
  return error instanceof LoadctlError && !error.message.includes('\n') && formatError(error, false).split('\n').length <= 2;
}

describe('an engine that does not answer', () => {
  it('a missing socket is one line naming the endpoint and how to start or point at an engine', async () => {
    const factory = createDockerFaultFactory({ env: { DOCKER_HOST: 'unix:///tmp/loadctl-no-engine.sock' } });
    assert.equal(factory.endpoint, 'unix:///tmp/loadctl-no-engine.sock');
    await assert.rejects(factory.ping(2000), (error: unknown) =>
      error instanceof EnvironmentError && oneLine(error) && /no Docker engine answers at unix:\/\/\/tmp\/loadctl-no-engine.sock \(ENOENT\)/.test(error.message) && /DOCKER_HOST/.test(error.hint ?? ''));
  });

  it('a refused TCP endpoint is the same line, and resolve() fails the same way', async () => {
    const factory = createDockerFaultFactory({ env: { DOCKER_HOST: 'tcp://127.0.0.1:1' } });
    await assert.rejects(factory.ping(2000), /no Docker engine answers at tcp:\/\/127.0.0.1:1 \(ECONNREFUSED\)/);
    await assert.rejects(factory.resolve({ container: 'redis' }), (error: unknown) => error instanceof EnvironmentError && oneLine(error));
  });
});

const skip = await dockerSkipReason();

describe('Docker-side failures on a real engine', { skip }, () => {
  const lab = new Lab();
  const factory = createDockerFaultFactory();
  before(async () => {
    await lab.run('redis-primary', ['--label', `com.docker.compose.project=${lab.prefix}`, '--label', 'com.docker.compose.service=redis-primary']);
  });
  after(() => lab.cleanup());

  it('a socket the user may not open is "permission denied", not a stack trace', { skip: process.getuid?.() === 0 ? false : 'needs root to run a check as user nobody' }, async () => {
    // User nobody may not be able to read this checkout (a CI clone under a
    // 0700 folder), so it runs one bundled file from a folder it can read.
    const dir = tempDir('loadctl-nobody-');
    chmodSync(dir, 0o755);
    const entry = join(dir, 'entry.mjs');
    writeFileSync(entry, `
      import { createDockerFaultFactory } from ${JSON.stringify(new URL('../../src/chaos/factory.ts', import.meta.url).pathname)};
      createDockerFaultFactory({ env: {} }).ping(3000).then(
        () => console.log('answered'),
        (e) => console.log(JSON.stringify({ name: e.name, message: e.message, hint: e.hint })));`);
    const bundle = join(dir, 'probe.cjs');
    await build({
      entryPoints: [entry], outfile: bundle, bundle: true, platform: 'node', format: 'cjs', logLevel: 'silent',
      external: ['cpu-features', '*.node'],
    });
    chmodSync(bundle, 0o644);
    const { stdout } = await run('runuser', ['-u', 'nobody', '--', process.execPath, bundle], { cwd: dir, env: { ...process.env, HOME: '/tmp' } })
      .finally(() => rmSync(dir, { recursive: true, force: true }));
    const result = JSON.parse(stdout.trim().split('\n').pop() ?? '{}') as { name?: string; message?: string; hint?: string };
    assert.equal(result.name, 'EnvironmentError');
    assert.match(result.message ?? '', /^permission denied on the Docker socket unix:\/\/\/var\/run\/docker.sock$/);
    assert.match(result.hint ?? '', /docker. group/);
  });

  it('a container removed while stopped by a fault: ContainerGoneError, one line, on apply and on undo', async () => {
    const victim = await lab.run('victim', []);
    const [target] = await factory.resolve({ container: victim.name });
    assert.ok(target);
    const fault = factory.create({ kind: 'pause' }, [target], 1000);
    const plan = await fault.plan();
    await docker('rm', '-f', victim.name);
    await assert.rejects(fault.apply(), (error: unknown) => error instanceof ContainerGoneError && oneLine(error) && error.message.startsWith(`container ${victim.name} (`));
    const [undo] = plan.undo;
    assert.ok(undo);
    await assert.rejects(factory.undo(undo), (error: unknown) => error instanceof ContainerGoneError && /could not unpause/.test(error.message));
  });

  it('a typo in a container name lists the near match; a typo in a compose service lists the services', async () => {
    await assert.rejects(factory.resolve({ container: `${lab.prefix}-redis-primray` }), (error: unknown) =>
      error instanceof UsageError && oneLine(error) && error.message.includes(`did you mean: ${lab.prefix}-redis-primary?`));
    await assert.rejects(factory.resolve({ project: lab.prefix, service: 'redis' }), (error: unknown) =>
      error instanceof UsageError && error.message.includes('did you mean: redis-primary?'));
    const [found] = await factory.resolve({ project: lab.prefix, service: 'redis-primary' });
    assert.equal(found?.id, (await inspect(lab.name('redis-primary'))).Id);
  });
});
