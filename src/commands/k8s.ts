// `loadctl k8s <profile> --parallelism N --receiver URL`: bundle the profile
// and write the k6-operator TestRun and its ConfigMap into a run folder,
// checked against the TestRun schema (src/runners/k8s/schema.ts). The runner
// pods push their live feed to the receiver URL, tagged per pod. Applying to
// a cluster (--apply) is not built yet: `kubectl apply -f` the file.
import type { RegisterCommand } from './types.ts';
import { UsageError } from '../errors.ts';

interface K8sFlags {
  parallelism: string;
  receiver?: string;
  namespace?: string;
  image: string;
  memory?: string;
  separate?: boolean;
  apply?: boolean;
  outDir: string;
  baseUrl?: string;
}

export const register: RegisterCommand = (program, runAction) => {
  program
    .command('k8s')
    .description('write the k6-operator TestRun and ConfigMap that split a profile over N runner pods')
    .argument('<profile>', 'profile name (`loadctl list`) or path to a .yaml file')
    .requiredOption('--parallelism <n>', 'runner pods (`loadctl run <profile> --plan` suggests a number)')
    .option('--receiver <url>', 'where the pods push their live feed: loadctl\'s remote-write receiver as the cluster reaches it (http://HOST:PORT)')
    .option('--namespace <ns>', 'namespace for both objects')
    .option('--image <image>', 'runner image with k6', 'grafana/k6:2.2.0')
    .option('--memory <size>', 'memory request and limit per runner pod, e.g. 8GB')
    .option('--separate', 'one runner per node (the operator\'s podAntiAffinity)')
    .option('--base-url <url>', 'target base URL for the scenario (env BASE_URL)')
    .option('--out-dir <dir>', 'where run folders go', '.loadctl/runs')
    .option('--apply', 'apply to the cluster and wait (not built yet)')
    .action((profile: string, flags: K8sFlags) => runAction(() => k8sCommand(profile, flags)));
};

async function k8sCommand(profile: string, flags: K8sFlags): Promise<number> {
  const [{ parseRunnerCount }, { buildManifests, checkManifests, manifestsYaml, resourceName }, { parseMemory }, { k6RemoteWriteConfig }, { nativeHistogramEnv }] = await Promise.all([
    import('../runners/segments.ts'), import('../runners/k8s/manifests.ts'), import('../runners/plan.ts'), import('../live/receiver.ts'), import('../k6/features.ts'),
  ]);
  const parallelism = parseRunnerCount(flags.parallelism);
  if (typeof parallelism !== 'number') throw new UsageError(parallelism.error.replace('--runners', '--parallelism'), { hint: 'e.g. --parallelism 6' });
  if (flags.apply) throw new UsageError('--apply is not built yet: loadctl writes the manifests, a cluster is not reached', { hint: 'kubectl apply -f <the k8s.yaml it writes>' });
  if (!flags.receiver) throw new UsageError('--receiver is required: the runner pods must know where to push their live feed', { hint: 'e.g. --receiver http://loadctl.example.internal:9091' });
  let receiver: URL;
  try {
    receiver = new URL(flags.receiver);
    if (receiver.protocol !== 'http:' && receiver.protocol !== 'https:') throw new Error('not http');
  } catch {
    throw new UsageError(`--receiver "${flags.receiver}" is not an http(s) URL`, { hint: 'e.g. --receiver http://10.0.0.5:9091' });
  }
  if (receiver.pathname === '/' || receiver.pathname === '') receiver.pathname = '/api/v1/write';
  const memoryMi = flags.memory === undefined ? undefined : parseMemory(flags.memory);
  if (flags.memory !== undefined && (memoryMi === undefined || memoryMi < 64)) throw new UsageError(`--memory "${flags.memory}" is not a memory size`, { hint: 'e.g. --memory 8GB' });
  if (flags.namespace !== undefined && !/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/.test(flags.namespace)) {
    throw new UsageError(`--namespace "${flags.namespace}" is not a DNS-1123 label (lower case letters, digits, -)`, { hint: 'e.g. --namespace load-tests' });
  }
  const tag = /:v?(\d+)\.(\d+)/.exec(flags.image);
  const version = tag ? { major: Number(tag[1]), minor: Number(tag[2]) } : undefined;

  const { runPipeline } = await import('../run/pipeline.ts');
  const { resolve, join } = await import('node:path');
  const cwd = process.cwd();
  const bundled = await runPipeline({
    profile, cwd, overrides: { baseUrl: flags.baseUrl }, outDir: resolve(cwd, flags.outDir), dryRun: true, preflight: false,
    extraArgs: [], outputs: [], k6Env: {}, processEnv: process.env,
  });
  if (bundled.kind !== 'dry-run') throw new Error('bundling ran k6');
  const { readFile, writeFile } = await import('node:fs/promises');
  const live = k6RemoteWriteConfig(receiver.toString()).env;
  const manifests = buildManifests({
    name: resourceName(bundled.profile.name, new Date().toISOString().replace(/\D/g, '').slice(0, 14)),
    ...(flags.namespace ? { namespace: flags.namespace } : {}),
    parallelism,
    bundle: await readFile(bundled.bundle.scriptPath, 'utf8'),
    image: flags.image,
    receiverUrl: receiver.toString(),
    env: { ...bundled.profile.env, ...live, ...nativeHistogramEnv(version, {}) },
    ...(memoryMi ? { memoryMi: Math.round(memoryMi) } : {}),
    separate: Boolean(flags.separate),
  });
  const problems = checkManifests(manifests);
  if (problems.length > 0) {
    const { rm } = await import('node:fs/promises');
    await rm(bundled.runDir, { recursive: true, force: true });
  }
  if (problems.length > 0) throw new UsageError(`the manifests do not match the TestRun schema: ${problems.join('; ')}`, { hint: 'check --namespace and the profile name (DNS-1123 names)' });
  const file = join(bundled.runDir, 'k8s.yaml');
  await writeFile(file, manifestsYaml(manifests));
  process.stdout.write(`${file}\n  TestRun ${manifests.testRun.metadata.name}: ${parallelism} runner pods of ${flags.image}, live feed to ${receiver.toString()}\n  apply: kubectl apply -f ${file}\n`);
  return 0;
}
