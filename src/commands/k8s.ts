// `loadctl k8s <profile> --parallelism N --receiver URL`: bundle the profile
// and write the k6-operator TestRun and its ConfigMap into a run folder,
// checked against the TestRun schema (src/runners/k8s/schema.ts). The runner
// pods push their live feed to the receiver URL, tagged per pod. With
// --apply loadctl also runs it on the cluster and judges it: k8s-apply.ts.
import type { Command } from 'commander';
import type { GlobalOptions, RegisterCommand } from './types.ts';
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
  listen?: string;
  keep?: boolean;
  json?: boolean;
  junit?: string;
}

export const register: RegisterCommand = (program, runAction) => {
  program
    .command('k8s')
    .description('write the k6-operator TestRun and ConfigMap that split a profile over N runner pods; with --apply, run them on the cluster and judge the merged runners')
    .argument('<profile>', 'profile name (`loadctl list`) or path to a .yaml file')
    .argument('[k6-flags...]', 'extra k6 flags for every runner, after `--` (e.g. -- --iterations 300)')
    .requiredOption('--parallelism <n>', 'runner pods (`loadctl run <profile> --plan` suggests a number)')
    .option('--receiver <url>', 'where the pods push their live feed: loadctl\'s remote-write receiver as the cluster reaches it (http://HOST:PORT)')
    .option('--namespace <ns>', 'namespace for both objects')
    .option('--image <image>', 'runner image with k6', 'grafana/k6:2.2.0')
    .option('--memory <size>', 'memory request and limit per runner pod, e.g. 8GB')
    .option('--separate', 'one runner per node (the operator\'s podAntiAffinity)')
    .option('--base-url <url>', 'target base URL for the scenario (env BASE_URL)')
    .option('--out-dir <dir>', 'where run folders go', '.loadctl/runs')
    .option('--apply', 'apply both to the cluster (the kubeconfig\'s current context), wait for the TestRun, print the merged verdict, delete them')
    .option('--listen <host:port>', 'with --apply: where loadctl\'s receiver binds, when that differs from the --receiver URL the pods use (e.g. 0.0.0.0:9091)')
    .option('--keep', 'with --apply: leave the ConfigMap and the finished TestRun in the cluster')
    .option('--json', 'with --apply: print the result document (as `loadctl run --json`) on stdout')
    .option('--junit <file>', 'with --apply: write JUnit XML, as `loadctl run --junit`')
    .addHelpText('after', '\nExit codes with --apply: as `loadctl run` (0 met, 1 failed, 2 usage, 3 cluster unusable, 4 interrupted, 5 script error).')
    .action((profile: string, k6Flags: string[], flags: K8sFlags, command: Command) => runAction(() => k8sCommand(profile, k6Flags, flags, command.optsWithGlobals<GlobalOptions>())));
};

async function k8sCommand(profile: string, k6Flags: string[], flags: K8sFlags, globals: Partial<GlobalOptions>): Promise<number> {
  const dashdash = process.argv.indexOf('--');
  if (k6Flags.length > (dashdash >= 0 ? process.argv.length - dashdash - 1 : 0)) {
    throw new UsageError(`unexpected argument "${k6Flags[0]}"`, { hint: 'k6 flags go after `--`, e.g. loadctl k8s peak --parallelism 6 --receiver <url> -- --iterations 300' });
  }
  // The operator splits spec.arguments on spaces: a flag with a space or a quote would not arrive whole.
  const unsplittable = k6Flags.find((f) => f === '' || /[\s"'\\]/.test(f));
  if (unsplittable !== undefined) throw new UsageError(`k6 flag "${unsplittable}" has a space or quote, which the k6-operator's arguments cannot carry`, { hint: 'write it as --flag=value without spaces, or put it in the profile' });
  const [{ parseRunnerCount }, { buildManifests, checkManifests, manifestsYaml, resourceName }, { parseMemory, MEMORY_RULE }, { k6RemoteWriteConfig }, { nativeHistogramEnv }] = await Promise.all([
    import('../runners/segments.ts'), import('../runners/k8s/manifests.ts'), import('../runners/plan.ts'), import('../live/receiver.ts'), import('../k6/features.ts'),
  ]);
  const parallelism = parseRunnerCount(flags.parallelism);
  if (typeof parallelism !== 'number') throw new UsageError(parallelism.error.replace('--runners', '--parallelism'), { hint: 'e.g. --parallelism 6' });
  (await import('../runners/flags.ts')).refuseRunnerOwnedFlags(k6Flags, `--parallelism ${parallelism}`);
  const applyOnly = ([['--listen', flags.listen], ['--keep', flags.keep], ['--json', flags.json], ['--junit', flags.junit]] as const).find(([, v]) => v !== undefined);
  if (!flags.apply && applyOnly) throw new UsageError(`${applyOnly[0]} only applies with --apply`, { hint: `e.g. loadctl k8s ${profile} --parallelism ${flags.parallelism} --receiver <url> --apply ${applyOnly[0]} ...` });
  if (!flags.receiver) throw new UsageError('--receiver is required: the runner pods must know where to push their live feed', { hint: 'e.g. --receiver http://loadctl.example.internal:9091' });
  const { parseReceiver } = await import('../runners/k8s/receiver-url.ts');
  const parsed = parseReceiver(flags.receiver);
  if ('error' in parsed) throw new UsageError(parsed.error, { hint: parsed.hint });
  const receiver = parsed.url;
  if (parsed.warning) process.stderr.write(`warning: ${parsed.warning}\n`);
  (await import('../inputs/image.ts')).assertImages([['--image', flags.image]]);
  const memoryMi = flags.memory === undefined ? undefined : parseMemory(flags.memory);
  if (flags.memory !== undefined && (memoryMi === undefined || memoryMi < 64)) throw new UsageError(`--memory "${flags.memory}" is not ${MEMORY_RULE}`, { hint: 'e.g. --memory 8GB' });
  if (flags.namespace !== undefined && !/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/.test(flags.namespace)) {
    throw new UsageError(`--namespace "${flags.namespace}" is not a DNS-1123 label (lower case letters, digits, -)`, { hint: 'e.g. --namespace load-tests' });
  }
  const { parseListen } = await import('../runners/k8s/listen.ts');
  const listen = flags.apply ? parseListen(flags.listen, receiver) : undefined;
  if (listen && 'error' in listen) throw new UsageError(listen.error, { hint: 'e.g. --listen 0.0.0.0:9091 (the port the --receiver URL names, as this machine binds it)' });
  if (flags.junit !== undefined) {
    const { assertWritable } = await import('../inputs/output-path.ts');
    await assertWritable([{ flag: '--junit', path: flags.junit, kind: 'file' }], process.cwd());
  }
  // The cluster is checked (kubeconfig, reachable, allowed, operator installed) before anything is bundled or made.
  const cluster = listen ? await (await import('../runners/k8s/cluster.ts')).connect(flags.namespace) : undefined;
  await cluster?.preflight();
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
    cleanup: !flags.apply,
    extraArgs: k6Flags,
  });
  const problems = checkManifests(manifests);
  if (problems.length > 0) {
    const { rm } = await import('node:fs/promises');
    await rm(bundled.runDir, { recursive: true, force: true });
  }
  if (problems.length > 0) throw new UsageError(`the manifests do not match the TestRun schema: ${problems.join('; ')}`, { hint: 'check --namespace and the profile name (DNS-1123 names)' });
  const file = join(bundled.runDir, 'k8s.yaml');
  await writeFile(file, manifestsYaml(manifests));
  if (listen && cluster) {
    const { applyCommand } = await import('./k8s-apply.ts');
    return applyCommand({
      manifests, profile: bundled.profile, runDir: bundled.runDir, cwd, image: flags.image, listen, receiver: parsed.shown,
      cluster, keep: Boolean(flags.keep), json: Boolean(flags.json), ...(flags.junit !== undefined ? { junit: resolve(cwd, flags.junit) } : {}),
      quiet: Boolean(globals.quiet), verbose: Boolean(globals.verbose), ...(globals.color !== undefined ? { color: globals.color } : {}),
    });
  }
  process.stdout.write(`${file}\n  TestRun ${manifests.testRun.metadata.name}: ${parallelism} runner pods of ${flags.image}, live feed to ${parsed.shown}\n  apply: kubectl apply -f ${file}\n`);
  return 0;
}
