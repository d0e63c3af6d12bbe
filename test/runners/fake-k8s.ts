// A FAKE Kubernetes API server with a fake k6-operator inside it. It is a
// fake because no Kubernetes cluster can run on this machine (no kubelet,
// no container runtime for pods, no registry); everything else in the
// `loadctl k8s --apply` tests is real: loadctl's client library speaks real
// HTTPS to it with a real kubeconfig, and the runners are REAL k6 processes.
//
// The API part answers only the calls loadctl makes (src/runners/k8s/
// cluster.ts): ConfigMaps and TestRuns created, read, listed and deleted in a
// namespace, runner pods listed by label and their logs read; a bearer token
// decides 401/403, and `crd: false` answers 404 for the k6.io group as a
// cluster without the operator does.
//
// The operator part does what k6-operator does with a TestRun (its runner
// jobs, pkg/resources/jobs/runner.go): one k6 per `parallelism`, each
// `k6 run --quiet --execution-segment=... --execution-segment-sequence=...
// <spec.arguments> /test/<file> --address=... --paused --tag instance_id=<i>
// --tag testrun_name=<name>` with the runner's env, the script from the
// ConfigMap; then the starter releases them all (PATCH /v1/status), and the
// stage goes initialization -> created -> started -> finished (or "error").
// Differences, forced by one machine: each runner's REST API is on a free
// 127.0.0.1 port instead of each pod's 0.0.0.0:6565, and a pod is a process
// whose stdout and stderr go to one log file.
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdirSync, openSync, closeSync, readFileSync, writeFileSync, rmSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { freePort } from '../../src/runners/local.ts';
import { tempDir } from '../kit/temp.ts';

interface Pod {
  name: string;
  index: number;
  child: ChildProcess;
  log: string;
  exitCode: number | null;
  apiPort: number;
}

interface TestRunObject {
  metadata: { name: string; namespace?: string };
  spec: { parallelism: number; script: { configMap: { name: string; file: string } }; arguments?: string; runner?: { env?: Array<{ name: string; value: string }> } };
  status?: { stage?: string };
}

export interface FakeOptions {
  k6: string;
  /** false: the k6.io group is not served (no operator installed). */
  crd?: boolean;
  /** The TestRun ends in stage "error" instead of "finished". */
  endInError?: boolean;
  /** The pod list comes back without its `items` (a proxy's trimmed reply). */
  podListWithoutItems?: boolean;
}

export interface FakeCluster {
  server: string;
  /** A kubeconfig for this server with the given token, written to a file. */
  kubeconfig(token?: string, namespace?: string): string;
  /** Every call as "METHOD /path". */
  calls: string[];
  /** What exists now, as "kind/namespace/name". */
  objects(): string[];
  /** Runner processes started so far, and how many are still alive. */
  started(): number;
  alive(): number;
  close(): Promise<void>;
}

const TOKEN = 'loadctl-test-token';

/** A self-signed certificate for 127.0.0.1, made with openssl, so the client does real TLS with a CA it is given. */
function certificate(dir: string): { key: string; cert: string } {
  const key = join(dir, 'key.pem');
  const cert = join(dir, 'cert.pem');
  execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1',
    '-subj', '/CN=fake-kube-apiserver', '-addext', 'subjectAltName=IP:127.0.0.1', '-keyout', key, '-out', cert], { stdio: 'ignore' });
  return { key: readFileSync(key, 'utf8'), cert: readFileSync(cert, 'utf8') };
}

function segments(index: number, total: number): string[] {
  const points = Array.from({ length: total + 1 }, (_, i) => (i === 0 ? '0' : i === total ? '1' : `${i}/${total}`));
  return [`--execution-segment=${points[index - 1]}:${points[index]}`, `--execution-segment-sequence=${points.join(',')}`];
}

export async function fakeCluster(options: FakeOptions): Promise<FakeCluster> {
  const dir = tempDir('loadctl-fake-k8s-');
  const tls = certificate(dir);
  const configMaps = new Map<string, { metadata: { name: string }; data: Record<string, string> }>();
  const testRuns = new Map<string, TestRunObject>();
  const pods = new Map<string, Pod[]>();
  const calls: string[] = [];
  const everyPod: Pod[] = [];
  const key = (ns: string, name: string) => `${ns}/${name}`;

  const stopRun = (k: string) => {
    for (const p of pods.get(k) ?? []) if (p.exitCode === null) p.child.kill('SIGTERM');
    pods.delete(k);
  };

  async function operate(ns: string, tr: TestRunObject): Promise<void> {
    const k = key(ns, tr.metadata.name);
    const stage = (s: string) => { const cur = testRuns.get(k); if (cur) cur.status = { stage: s }; };
    stage('initialization');
    const cm = configMaps.get(key(ns, tr.spec.script.configMap.name));
    const script = cm?.data[tr.spec.script.configMap.file];
    if (script === undefined) return stage('error');
    const runDir = join(dir, ns, tr.metadata.name);
    mkdirSync(join(runDir, 'test'), { recursive: true });
    const scriptPath = join(runDir, 'test', tr.spec.script.configMap.file);
    writeFileSync(scriptPath, script);
    const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: runDir };
    for (const e of tr.spec.runner?.env ?? []) env[e.name] = e.value;
    const list: Pod[] = [];
    pods.set(k, list);
    const n = tr.spec.parallelism;
    for (let index = 1; index <= n; index++) {
      const apiPort = await freePort();
      const argv = ['run', '--quiet', ...segments(index, n), ...(tr.spec.arguments ?? '').split(/\s+/).filter(Boolean), scriptPath,
        `--address=127.0.0.1:${apiPort}`, '--paused', '--tag', `instance_id=${index}`, '--tag', `testrun_name=${tr.metadata.name}`];
      const log = join(runDir, `pod-${index}.log`);
      const fd = openSync(log, 'a');
      const child = spawn(options.k6, argv, { cwd: runDir, env, stdio: ['ignore', fd, fd] });
      closeSync(fd);
      const pod: Pod = { name: `${tr.metadata.name}-${index}-${Math.random().toString(36).slice(2, 7)}`, index, child, log, exitCode: null, apiPort };
      child.on('exit', (code, signal) => { pod.exitCode = code ?? (signal ? 128 + 15 : 1); });
      list.push(pod);
      everyPod.push(pod);
    }
    stage('created');
    // The starter: once every runner's API answers, release them all at once.
    const deadline = Date.now() + 60_000;
    for (const p of list) {
      while (pods.get(k) === list && Date.now() < deadline) {
        const ok = await fetch(`http://127.0.0.1:${p.apiPort}/v1/status`).then((r) => r.ok, () => false);
        if (ok) break;
        await new Promise((r) => setTimeout(r, 100));
      }
    }
    if (pods.get(k) !== list) return;
    const body = JSON.stringify({ data: { type: 'status', id: 'default', attributes: { paused: false } } });
    await Promise.all(list.map((p) => fetch(`http://127.0.0.1:${p.apiPort}/v1/status`, { method: 'PATCH', body, headers: { 'content-type': 'application/json' } }).catch(() => undefined)));
    stage('started');
    await Promise.all(list.map((p) => new Promise<void>((r) => (p.exitCode !== null ? r() : p.child.once('exit', () => r())))));
    if (pods.get(k) === list) stage(options.endInError ? 'error' : 'finished');
  }

  const send = (res: ServerResponse, status: number, body: unknown) => {
    res.writeHead(status, { 'content-type': typeof body === 'string' ? 'text/plain' : 'application/json' });
    res.end(typeof body === 'string' ? body : JSON.stringify(body));
  };
  const status = (code: number, reason: string, message: string) => ({ kind: 'Status', apiVersion: 'v1', status: 'Failure', reason, message, code });
  const readBody = (req: IncomingMessage) => new Promise<unknown>((resolve) => {
    let text = '';
    req.on('data', (c: Buffer) => { text += c.toString(); });
    req.on('end', () => resolve(text ? JSON.parse(text) : undefined));
  });

  const server = createServer({ key: tls.key, cert: tls.cert }, async (req, res) => {
    const url = new URL(req.url ?? '/', 'https://x');
    calls.push(`${req.method} ${url.pathname}`);
    const auth = req.headers.authorization;
    if (auth !== `Bearer ${TOKEN}` && auth !== 'Bearer forbidden') return send(res, 401, status(401, 'Unauthorized', 'Unauthorized'));
    if (auth === 'Bearer forbidden') return send(res, 403, status(403, 'Forbidden', `testruns.k6.io is forbidden: User "tester" cannot ${req.method?.toLowerCase()} resource`));
    let m = /^\/api\/v1\/namespaces\/([^/]+)\/configmaps(?:\/([^/]+))?$/.exec(url.pathname);
    if (m) {
      const [, ns, name] = m as unknown as [string, string, string | undefined];
      if (req.method === 'POST' && !name) {
        const body = await readBody(req) as { metadata: { name: string }; data: Record<string, string> };
        if (configMaps.has(key(ns, body.metadata.name))) return send(res, 409, status(409, 'AlreadyExists', 'exists'));
        configMaps.set(key(ns, body.metadata.name), body);
        return send(res, 201, body);
      }
      const cm = name ? configMaps.get(key(ns, name)) : undefined;
      if (!cm) return send(res, 404, status(404, 'NotFound', `configmaps "${name}" not found`));
      if (req.method === 'DELETE') configMaps.delete(key(ns, name!));
      return send(res, 200, cm);
    }
    m = /^\/apis\/k6\.io\/v1alpha1\/namespaces\/([^/]+)\/testruns(?:\/([^/]+))?$/.exec(url.pathname);
    if (m) {
      if (options.crd === false) return send(res, 404, '404 page not found');
      const [, ns, name] = m as unknown as [string, string, string | undefined];
      if (req.method === 'GET' && !name) return send(res, 200, { apiVersion: 'k6.io/v1alpha1', kind: 'TestRunList', items: [...testRuns.values()] });
      if (req.method === 'POST' && !name) {
        const body = await readBody(req) as TestRunObject;
        testRuns.set(key(ns, body.metadata.name), body);
        send(res, 201, body);
        void operate(ns, body);
        return;
      }
      const tr = name ? testRuns.get(key(ns, name)) : undefined;
      if (!tr) return send(res, 404, status(404, 'NotFound', `testruns.k6.io "${name}" not found`));
      if (req.method === 'DELETE') {
        // Deleting the TestRun deletes its jobs and pods (owner references): the runners get SIGTERM.
        testRuns.delete(key(ns, name!));
        stopRun(key(ns, name!));
      }
      return send(res, 200, tr);
    }
    m = /^\/api\/v1\/namespaces\/([^/]+)\/pods(?:\/([^/]+)\/log)?$/.exec(url.pathname);
    if (m && req.method === 'GET') {
      const [, ns, podName] = m as unknown as [string, string, string | undefined];
      const selector = new Map((url.searchParams.get('labelSelector') ?? '').split(',').map((kv) => kv.split('=') as [string, string]));
      const all = [...pods.entries()].filter(([k]) => k.startsWith(`${ns}/`)).flatMap(([k, list]) => list.map((p) => ({ tr: k.slice(ns.length + 1), p })));
      if (podName) {
        const found = all.find((x) => x.p.name === podName);
        if (!found) return send(res, 404, status(404, 'NotFound', `pods "${podName}" not found`));
        return send(res, 200, readFileSync(found.p.log, 'utf8'));
      }
      const items = all.filter((x) => selector.get('k6_cr') === x.tr && selector.get('runner') === 'true').map(({ tr, p }) => ({
        metadata: { name: p.name, labels: { app: 'k6', k6_cr: tr, runner: 'true', 'job-name': `${tr}-${p.index}` } },
        status: {
          phase: p.exitCode === null ? 'Running' : p.exitCode === 0 ? 'Succeeded' : 'Failed',
          containerStatuses: [{ name: 'k6', state: p.exitCode === null ? { running: {} } : { terminated: { exitCode: p.exitCode } } }],
        },
      }));
      return send(res, 200, options.podListWithoutItems ? { apiVersion: 'v1', kind: 'PodList' } : { apiVersion: 'v1', kind: 'PodList', items });
    }
    send(res, 404, status(404, 'NotFound', 'the server could not find the requested resource'));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const serverUrl = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    server: serverUrl,
    kubeconfig(token = TOKEN, namespace) {
      const file = join(dir, `kubeconfig-${Math.random().toString(36).slice(2, 8)}`);
      writeFileSync(file, [
        'apiVersion: v1', 'kind: Config', 'current-context: fake',
        'clusters:', '- name: fake', '  cluster:', `    server: ${serverUrl}`, `    certificate-authority-data: ${Buffer.from(tls.cert).toString('base64')}`,
        'users:', '- name: tester', '  user:', `    token: ${token}`,
        'contexts:', '- name: fake', '  context:', '    cluster: fake', '    user: tester', ...(namespace ? [`    namespace: ${namespace}`] : []), '',
      ].join('\n'));
      return file;
    },
    calls,
    objects: () => [...[...configMaps.keys()].map((k) => `configmap/${k}`), ...[...testRuns.keys()].map((k) => `testrun/${k}`)],
    started: () => everyPod.length,
    alive: () => everyPod.filter((p) => p.exitCode === null).length,
    async close() {
      for (const p of everyPod) if (p.exitCode === null) p.child.kill('SIGKILL');
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
