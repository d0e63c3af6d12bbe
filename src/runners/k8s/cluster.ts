// The only file that talks to a Kubernetes cluster, through the official
// client library (@kubernetes/client-node): the kubeconfig is found and read
// by the library (KUBECONFIG, ~/.kube/config, in-cluster service account),
// and every call loadctl makes is here, so a test can list them all and a
// fake API server needs to answer only these. A cluster that cannot be used
// is an EnvironmentError (exit 3) saying what to fix.
import type { ConfigMap, TestRun } from './schema.ts';
import { readFileSync } from 'node:fs';
import { delimiter } from 'node:path';
import { EnvironmentError } from '../../errors.ts';

export const TESTRUN = { group: 'k6.io', version: 'v1alpha1', plural: 'testruns' } as const;

/** A runner pod as loadctl needs it: its name, job index and how its k6 ended. */
export interface RunnerPod {
  name: string;
  /** The operator's job index (1..parallelism), the pods' `instance_id` tag. */
  index: number | undefined;
  phase: string;
  exitCode: number | null;
}

export interface TestRunState {
  stage: string | undefined;
}

export interface Cluster {
  /** Server URL and namespace in use, for messages. */
  server: string;
  namespace: string;
  /** Lists TestRuns once: credentials, reachability and the operator's CRD checked before anything is made. */
  preflight(): Promise<void>;
  createConfigMap(body: ConfigMap): Promise<void>;
  createTestRun(body: TestRun): Promise<void>;
  /** undefined when it no longer exists. */
  getTestRun(name: string): Promise<TestRunState | undefined>;
  runnerPods(testRun: string): Promise<RunnerPod[]>;
  podLog(pod: string): Promise<string>;
  /** Both deletes ignore "already gone". */
  deleteTestRun(name: string): Promise<void>;
  deleteConfigMap(name: string): Promise<void>;
}

interface ApiError { code?: number; body?: unknown; message?: string; cause?: { code?: string } }

/** An error from the library as one line with its fix; rethrows nothing else. */
export function clusterError(error: unknown, server: string, doing: string): EnvironmentError {
  const e = error as ApiError;
  const code = typeof e.code === 'number' ? e.code : undefined;
  const reason = (() => {
    const body = typeof e.body === 'string' ? safeJson(e.body) : e.body;
    const m = body && typeof body === 'object' ? (body as { message?: unknown }).message : undefined;
    return typeof m === 'string' ? m : undefined;
  })();
  if (code === 401) return new EnvironmentError(`the Kubernetes API at ${server} refused loadctl's credentials (401) while ${doing}`, { hint: 'refresh them: kubectl get pods works when the kubeconfig is right' });
  if (code === 403) return new EnvironmentError(`the Kubernetes API at ${server} forbids ${doing} (403${reason ? `: ${reason}` : ''})`, { hint: 'grant the user create/get/delete on configmaps, pods/log and testruns.k6.io in that namespace' });
  if (code === 404 && doing.includes('TestRun')) return new EnvironmentError(`the cluster at ${server} has no TestRun resource (k6.io/v1alpha1): the k6-operator is not installed`, { hint: 'install it: kubectl apply --server-side -f https://raw.githubusercontent.com/grafana/k6-operator/main/bundle.yaml' });
  if (code === 404) return new EnvironmentError(`the Kubernetes API at ${server} answered 404 while ${doing}${reason ? `: ${reason}` : ''}`, { hint: 'check --namespace exists: kubectl get namespace <ns>' });
  if (code !== undefined) return new EnvironmentError(`the Kubernetes API at ${server} answered ${code} while ${doing}${reason ? `: ${reason}` : ''}`, { hint: 'kubectl get pods shows whether the cluster is usable' });
  const net = e.cause?.code ?? (e as { code?: unknown }).code;
  if (typeof net === 'string') return new EnvironmentError(`the Kubernetes API at ${server} cannot be reached (${net}) while ${doing}`, { hint: 'check the kubeconfig\'s current context: kubectl cluster-info' });
  // No socket error: the server answered, with something the client could not read (an HTML page, a proxy's reply).
  const why = (e.message ?? String(error)).split('\n')[0];
  return new EnvironmentError(`the server at ${server} answered, but not as a Kubernetes API (${why}) while ${doing}`, { hint: 'check the kubeconfig\'s server URL: kubectl cluster-info' });
}

function safeJson(text: string): unknown {
  try { return JSON.parse(text); } catch { return undefined; }
}

const gone = (e: unknown) => (e as ApiError).code === 404;

/** How long one API call may take: a black-holed API server must not hang loadctl (or its Ctrl-C). */
export const REQUEST_TIMEOUT_MS = 30_000;

function within<T>(p: Promise<T>, ms: number, server: string, doing: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new EnvironmentError(`the Kubernetes API at ${server} did not answer within ${Math.round(ms / 100) / 10} s while ${doing}`, { hint: 'check the kubeconfig\'s current context: kubectl cluster-info' })), ms);
    timer.unref();
  });
  return Promise.race([p, late]).finally(() => clearTimeout(timer));
}

/** The first file of KUBECONFIG that is empty (the library reads it as no document and fails on a property of undefined). */
function emptyKubeconfig(env: NodeJS.ProcessEnv): string | undefined {
  for (const path of (env.KUBECONFIG ?? '').split(delimiter).filter(Boolean)) {
    try {
      if (readFileSync(path, 'utf8').trim() === '') return path;
    } catch {
      // Missing or unreadable: the library's own message says which.
    }
  }
  return undefined;
}

/** The cluster of the current kubeconfig context; `namespace` overrides the context's. */
export async function connect(namespace: string | undefined, env: NodeJS.ProcessEnv = process.env, requestTimeoutMs = REQUEST_TIMEOUT_MS): Promise<Cluster> {
  const k8s = await import('@kubernetes/client-node');
  const kc = new k8s.KubeConfig();
  const empty = emptyKubeconfig(env);
  if (empty) throw new EnvironmentError(`the kubeconfig ${empty} is empty (KUBECONFIG)`, { hint: 'point KUBECONFIG at your cluster\'s kubeconfig (kubectl config view --raw prints the one kubectl uses)' });
  try {
    kc.loadFromDefault();
  } catch (error) {
    throw new EnvironmentError(`the kubeconfig cannot be read: ${(error as Error).message.split('\n')[0]}`, { hint: 'set KUBECONFIG to a readable kubeconfig file (kubectl config view shows it)' });
  }
  const cluster = kc.getCurrentCluster();
  if (!cluster && env.KUBECONFIG) {
    const names = kc.getContexts().map((c) => c.name);
    const current = kc.getCurrentContext();
    throw new EnvironmentError(names.length === 0
      ? `the kubeconfig ${env.KUBECONFIG} (KUBECONFIG) has no contexts`
      : `the kubeconfig ${env.KUBECONFIG} (KUBECONFIG) has no usable current context (${current ? `"${current}" names no cluster` : 'none is set'}; contexts: ${names.join(', ')})`, {
      hint: names.length === 0 ? 'point KUBECONFIG at a kubeconfig with a context for your cluster' : `kubectl config use-context ${names[0]}`,
    });
  }
  // The library's last resort when it found nothing: an unauthenticated localhost:8080.
  if (!cluster || (cluster.name === 'cluster' && cluster.server === 'http://localhost:8080' && !env.KUBECONFIG)) {
    throw new EnvironmentError('no kubeconfig: KUBECONFIG is unset, ~/.kube/config is missing and this is not a pod in a cluster', { hint: 'point KUBECONFIG at your cluster\'s kubeconfig (or run `kubectl config use-context <name>` after setting one up)' });
  }
  const ns = namespace ?? kc.getContextObject(kc.getCurrentContext())?.namespace ?? 'default';
  const core = kc.makeApiClient(k8s.CoreV1Api);
  const custom = kc.makeApiClient(k8s.CustomObjectsApi);
  const server = cluster.server;
  const call = async <T>(doing: string, f: () => Promise<T>): Promise<T> => {
    try {
      return await within(f(), requestTimeoutMs, server, doing);
    } catch (error) {
      throw error instanceof EnvironmentError ? error : clusterError(error, server, doing);
    }
  };
  const quietDelete = async (doing: string, f: () => Promise<unknown>) => {
    try {
      await within(f(), requestTimeoutMs, server, doing);
    } catch (error) {
      if (error instanceof EnvironmentError) throw error;
      if (!gone(error)) throw clusterError(error, server, doing);
    }
  };
  return {
    server,
    namespace: ns,
    preflight: () => call(`listing TestRuns (k6.io/v1alpha1) in namespace ${ns}`, () => custom.listNamespacedCustomObject({ ...TESTRUN, namespace: ns, limit: 1 })).then(() => undefined),
    createConfigMap: (body) => call(`creating ConfigMap ${body.metadata.name} in ${ns}`, () => core.createNamespacedConfigMap({ namespace: ns, body: body as never })).then(() => undefined),
    createTestRun: (body) => call(`creating TestRun ${body.metadata.name} in ${ns}`, () => custom.createNamespacedCustomObject({ ...TESTRUN, namespace: ns, body })).then(() => undefined),
    async getTestRun(name) {
      const doing = `reading TestRun ${name}`;
      try {
        const o = await within(custom.getNamespacedCustomObject({ ...TESTRUN, namespace: ns, name }), requestTimeoutMs, server, doing) as { status?: { stage?: string } };
        return { stage: o.status?.stage };
      } catch (error) {
        if (error instanceof EnvironmentError) throw error;
        if (gone(error)) return undefined;
        throw clusterError(error, server, doing);
      }
    },
    async runnerPods(testRun) {
      const doing = `listing the runner pods of ${testRun}`;
      const list = await call(doing, () => core.listNamespacedPod({ namespace: ns, labelSelector: `k6_cr=${testRun},runner=true` }));
      // The library passes a reply of the wrong shape through as it came (a proxy's page, a trimmed list).
      if (!Array.isArray((list as { items?: unknown } | undefined)?.items)) {
        throw new EnvironmentError(`the Kubernetes API at ${server} answered ${doing} with no pod list (no "items" in the reply)`, { hint: `kubectl get pods -l k6_cr=${testRun} shows what the cluster holds; a proxy in front of the API may be changing its replies` });
      }
      return list.items.filter((p) => typeof p === 'object' && p !== null).map((p) => {
        const job = p.metadata?.labels?.['job-name'] ?? '';
        const index = /-(\d+)$/.exec(job)?.[1];
        const term = p.status?.containerStatuses?.[0]?.state?.terminated;
        return { name: p.metadata?.name ?? '?', index: index === undefined ? undefined : Number(index), phase: p.status?.phase ?? 'Unknown', exitCode: term ? term.exitCode : null };
      });
    },
    podLog: (pod) => call(`reading the log of pod ${pod}`, () => core.readNamespacedPodLog({ namespace: ns, name: pod })),
    deleteTestRun: (name) => quietDelete(`deleting TestRun ${name}`, () => custom.deleteNamespacedCustomObject({ ...TESTRUN, namespace: ns, name, propagationPolicy: 'Foreground' })),
    deleteConfigMap: (name) => quietDelete(`deleting ConfigMap ${name}`, () => core.deleteNamespacedConfigMap({ namespace: ns, name })),
  };
}
