// Docker over tcp:// with mutual TLS (DOCKER_TLS_VERIFY=1 and DOCKER_CERT_PATH,
// as `dockerd --tlsverify` serves it), against the real engine. One dockerd
// has one TLS setting for all its tcp listeners, and this machine's engine
// serves plain tcp:// for other tests, so the TLS end here is a real TLS
// server (node:tls, client certificate required and verified) that hands each
// connection to the engine's unix socket. The handshake, the certificates
// (made with openssl) and the Engine API calls behind them are all real.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { createServer, type Server } from 'node:tls';
import { after, before, describe, it } from 'node:test';
import { createDockerFaultFactory } from '../../src/chaos/factory.ts';
import { EnvironmentError, UsageError, formatError } from '../../src/errors.ts';
import { runCli } from '../kit/cli.ts';
import { Lab, dockerSkipReason, inspect } from './harness.ts';
import { tempDir } from '../kit/temp.ts';

const skip = await dockerSkipReason();

/** A CA, and a certificate it signs (server: for IP 127.0.0.1; client: for clientAuth), with openssl. */
function makeCa(dir: string, name: string): { sign(out: string, ext: string): void } {
  mkdirSync(dir, { recursive: true });
  const ssl = (...args: string[]) => execFileSync('openssl', args, { stdio: 'ignore' });
  ssl('req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1', '-subj', `/CN=${name}`,
    '-keyout', join(dir, 'ca-key.pem'), '-out', join(dir, 'ca.pem'));
  return {
    sign(out: string, ext: string) {
      mkdirSync(out, { recursive: true });
      writeFileSync(join(out, 'ext.cnf'), `${ext}\n`);
      ssl('req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-subj', `/CN=${name}-leaf`,
        '-keyout', join(out, 'key.pem'), '-out', join(out, 'req.csr'));
      ssl('x509', '-req', '-in', join(out, 'req.csr'), '-CA', join(dir, 'ca.pem'), '-CAkey', join(dir, 'ca-key.pem'), '-CAcreateserial',
        '-days', '1', '-extfile', join(out, 'ext.cnf'), '-out', join(out, 'cert.pem'));
    },
  };
}

describe('Docker over tcp:// with mutual TLS, the real engine behind it', { skip }, () => {
  const root = tempDir('loadctl-docker-tls-');
  const lab = new Lab();
  let server: Server;
  let port = 0;
  const env = (certs: string) => ({ DOCKER_HOST: `tcp://127.0.0.1:${port}`, DOCKER_TLS_VERIFY: '1', DOCKER_CERT_PATH: certs });
  // A client folder as docker reads it: ca.pem (the engine's CA), cert.pem and key.pem (ours).
  const clientDir = (name: string, caDir: string, leafDir: string) => {
    const d = join(root, name);
    mkdirSync(d, { recursive: true });
    writeFileSync(join(d, 'ca.pem'), readFileSync(join(caDir, 'ca.pem')));
    writeFileSync(join(d, 'cert.pem'), readFileSync(join(leafDir, 'cert.pem')));
    writeFileSync(join(d, 'key.pem'), readFileSync(join(leafDir, 'key.pem')));
    return d;
  };

  before(async () => {
    const ca = makeCa(join(root, 'ca'), 'loadctl-test-ca');
    ca.sign(join(root, 'server'), 'subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth');
    ca.sign(join(root, 'client'), 'extendedKeyUsage=clientAuth');
    const other = makeCa(join(root, 'other-ca'), 'some-other-ca');
    other.sign(join(root, 'other-client'), 'extendedKeyUsage=clientAuth');
    clientDir('good', join(root, 'ca'), join(root, 'client'));
    clientDir('untrusted-client', join(root, 'ca'), join(root, 'other-client'));
    clientDir('wrong-ca', join(root, 'other-ca'), join(root, 'client'));
    server = createServer({
      key: readFileSync(join(root, 'server', 'key.pem')), cert: readFileSync(join(root, 'server', 'cert.pem')),
      ca: readFileSync(join(root, 'ca', 'ca.pem')), requestCert: true, rejectUnauthorized: true,
    }, (tlsSocket) => {
      const engine = connect('/var/run/docker.sock');
      tlsSocket.pipe(engine).pipe(tlsSocket);
      const close = () => { tlsSocket.destroy(); engine.destroy(); };
      tlsSocket.on('error', close);
      engine.on('error', close);
    });
    server.on('tlsClientError', () => {});
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as { port: number }).port;
  });
  after(async () => {
    await lab.cleanup();
    server?.close();
    rmSync(root, { recursive: true, force: true });
  });

  it('with the right certificates: a real pause and its undo go through TLS', async () => {
    const victim = await lab.run('tls-victim', []);
    const factory = createDockerFaultFactory({ env: env(join(root, 'good')) });
    assert.equal(factory.endpoint, `tcp://127.0.0.1:${port}`);
    await factory.ping(5000);
    const [target] = await factory.resolve({ container: victim.name });
    assert.equal(target?.id, victim.id);
    const fault = factory.create({ kind: 'pause' }, [target!], 1000);
    const plan = await fault.plan();
    await fault.apply();
    assert.equal((await inspect(victim.name)).State.Paused, true);
    await factory.undo(plan.undo[0]!);
    assert.equal((await inspect(victim.name)).State.Paused, false);
  });

  const oneLine = (error: unknown) => formatError(error, false).split('\n').length <= 2;

  it('a client certificate the engine does not trust: one line, exit 3, naming TLS and the endpoint', async () => {
    const factory = createDockerFaultFactory({ env: env(join(root, 'untrusted-client')) });
    await assert.rejects(factory.ping(5000), (error: unknown) => {
      assert.ok(error instanceof EnvironmentError, String(error));
      assert.match(error.message, new RegExp(`^TLS with the Docker engine at tcp://127.0.0.1:${port} failed: the engine refused our client certificate \\(`));
      assert.ok(oneLine(error), formatError(error, false));
      return true;
    });
  });

  it('an engine certificate our ca.pem did not sign: one line, exit 3', async () => {
    const factory = createDockerFaultFactory({ env: env(join(root, 'wrong-ca')) });
    await assert.rejects(factory.ping(5000), (error: unknown) => {
      assert.ok(error instanceof EnvironmentError, String(error));
      assert.match(error.message, /failed: the engine's certificate is not signed by DOCKER_CERT_PATH's ca\.pem \((SELF_SIGNED_CERT_IN_CHAIN|UNABLE_TO_VERIFY_LEAF_SIGNATURE)\)$/);
      return true;
    });
  });

  it('from the command line: a DOCKER_CERT_PATH without the files is exit 2, an untrusted client exit 3, one line each, no stack trace', async () => {
    const cli = (e: Record<string, string>) => runCli(['chaos', 'redis-failure', '--duration', '1s', '--yes'], { cwd: root, env: e }).then((r) => ({ code: r.code, out: r.output }));
    const missing = await cli(env(join(root, 'nowhere')));
    assert.equal(missing.code, 2, missing.out);
    assert.match(missing.out, new RegExp(`^loadctl: DOCKER_HOST "tcp://127.0.0.1:${port}" uses TLS, but ${join(root, 'nowhere', 'ca.pem')} cannot be read \\(ENOENT\\)\\n`));
    assert.match(missing.out, /DOCKER_CERT_PATH at the folder holding ca\.pem, cert\.pem and key\.pem/);
    assert.doesNotMatch(missing.out, /unexpected error|\n\s+at /);
    const refused = await cli(env(join(root, 'untrusted-client')));
    assert.equal(refused.code, 3, refused.out);
    assert.match(refused.out, /^loadctl: TLS with the Docker engine at tcp:\/\/127\.0\.0\.1:\d+ failed: the engine refused our client certificate/);
    assert.doesNotMatch(refused.out, /unexpected error|\n\s+at /);
  });
});
