// `loadctl k8s <profile> --parallelism N`: the ConfigMap with the bundle and
// the k6-operator TestRun that splits it over N runner pods, each pushing
// its remote-write feed to the receiver the user names, tagged so loadctl
// tells them apart (the operator itself adds `--tag instance_id=<n>` to each
// runner and does the execution segments). Pure: data in, objects out.
import { stringify } from 'yaml';
import { configMapSchema, testRunSchema, validateManifest, type ConfigMap, type TestRun } from './schema.ts';

/**
 * The injected handleSummary writes k6's summary data to the path in
 * LOADCTL_SUMMARY_PATH; "stdout" is k6's own name for standard output there,
 * so the JSON lands in the pod's log, where the Kubernetes API can read it
 * (a file inside the pod could not be).
 */
export const SUMMARY_TO_STDOUT = 'stdout';

export interface ManifestInput {
  name: string;
  namespace?: string;
  parallelism: number;
  bundle: string;
  image: string;
  /** The receiver's remote-write URL as the pods reach it. */
  receiverUrl: string;
  /** The scenario's environment (BASE_URL...) plus the live feed's. */
  env: Record<string, string>;
  /** Memory per runner pod, MiB (from --plan or --runner-memory). */
  memoryMi?: number;
  separate: boolean;
  /**
   * Let the operator delete the runner pods when they finish (`cleanup:
   * post`). --apply leaves it off: it reads each pod's summary from its log
   * first and then deletes the TestRun itself.
   */
  cleanup?: boolean;
  /** The user's k6 flags (after `--`), added to the runners' arguments. */
  extraArgs?: readonly string[];
}

/** A DNS-1123 name from a profile name and a stamp. */
export function resourceName(profile: string, stamp: string): string {
  const base = `loadctl-${profile}-${stamp}`.toLowerCase().replace(/[^a-z0-9-]+/g, '-').replace(/-+/g, '-');
  return base.slice(0, 63).replace(/-$/, '');
}

export function buildManifests(input: ManifestInput): { configMap: ConfigMap; testRun: TestRun } {
  const labels = { 'app.kubernetes.io/managed-by': 'loadctl' };
  const meta = { name: input.name, ...(input.namespace ? { namespace: input.namespace } : {}), labels };
  const configMap: ConfigMap = { apiVersion: 'v1', kind: 'ConfigMap', metadata: meta, data: { 'script.js': input.bundle } };
  const env: Record<string, string> = { ...input.env, K6_PROMETHEUS_RW_SERVER_URL: input.receiverUrl, LOADCTL_SUMMARY_PATH: SUMMARY_TO_STDOUT };
  const testRun: TestRun = {
    apiVersion: 'k6.io/v1alpha1',
    kind: 'TestRun',
    metadata: meta,
    spec: {
      parallelism: input.parallelism,
      script: { configMap: { name: input.name, file: 'script.js' } },
      separate: input.separate,
      arguments: [`--out experimental-prometheus-rw --tag testrun=${input.name}`, ...(input.extraArgs ?? [])].join(' '),
      runner: {
        image: input.image,
        env: Object.keys(env).sort().map((k) => ({ name: k, value: env[k]! })),
        ...(input.memoryMi ? { resources: { requests: { memory: `${input.memoryMi}Mi` }, limits: { memory: `${input.memoryMi}Mi` } } } : {}),
        metadata: { labels },
      },
      ...(input.cleanup === false ? {} : { cleanup: 'post' as const }),
    },
  };
  return { configMap, testRun };
}

/** Both manifests checked against the schemas; every problem listed. */
export function checkManifests(m: { configMap: unknown; testRun: unknown }): string[] {
  return [...validateManifest(configMapSchema, m.configMap, 'ConfigMap'), ...validateManifest(testRunSchema, m.testRun, 'TestRun')];
}

export function manifestsYaml(m: { configMap: ConfigMap; testRun: TestRun }): string {
  // No YAML anchors: shared label objects are written out in full, as kubectl users expect.
  const opts = { aliasDuplicateObjects: false };
  return `${stringify(m.configMap, opts)}---\n${stringify(m.testRun, opts)}`;
}
