// `loadctl install-k6 [version...]`: builds real k6 with the Go toolchain into
// loadctl's cache, where `run`, `demo` and `doctor` find it after --k6, K6_BIN
// and PATH. For machines with Go and no k6 package (CI images, this project's
// own machines); elsewhere the install hint names the package managers.
import type { Command } from 'commander';
import type { RegisterCommand } from './types.ts';
import { ExitCode, UsageError } from '../errors.ts';
import type { Ui } from '../ui.ts';

interface InstallFlags { cacheDir?: string }

export const register: RegisterCommand = (program, runAction) => {
  program
    .command('install-k6')
    .description('build real k6 from source with Go into loadctl\'s cache (default: the pinned version)')
    .argument('[versions...]', 'k6 versions, e.g. v2.2.0 v0.49.0')
    .option('--cache-dir <dir>', 'where the binaries go (default: LOADCTL_K6_CACHE, else ~/.cache/loadctl/k6)')
    .action((versions: string[], flags: InstallFlags, cmd: Command) => runAction(async () => {
      const [{ createUi }, install] = await Promise.all([import('../ui.ts'), import('../k6/install.ts')]);
      const globals = cmd.optsWithGlobals<{ quiet?: boolean; color?: boolean }>();
      const ui = createUi({ quiet: Boolean(globals.quiet), color: globals.color });
      const wanted = versions.length > 0 ? versions : [install.PINNED_K6];
      for (const version of wanted) install.k6Module(version); // every bad name before any build
      if (flags.cacheDir?.trim() === '') throw new UsageError('--cache-dir is empty', { hint: 'give a folder, e.g. --cache-dir ~/.cache/loadctl/k6, or leave it out' });
      const cacheDir = flags.cacheDir ?? install.k6CacheDir();
      // Before a build of minutes, not after it.
      const { assertWritable } = await import('../inputs/output-path.ts');
      await assertWritable([{ flag: flags.cacheDir !== undefined ? '--cache-dir' : process.env.LOADCTL_K6_CACHE ? 'LOADCTL_K6_CACHE' : 'the k6 cache', path: cacheDir, kind: 'dir' }]);
      for (const version of wanted) await buildOne(ui, install, version, cacheDir);
      return ExitCode.Ok;
    }));
};

/** Builds one version with a spinner; shared with `demo`, which builds the pinned k6 when none is found. */
export async function buildOne(ui: Ui, install: typeof import('../k6/install.ts'), version: string, cacheDir: string): Promise<string> {
  const spinner = ui.spinner(`k6 ${version}: starting the Go build`);
  try {
    const r = await install.buildK6({ version, cacheDir, onStep: (text) => spinner.update(`k6 ${version}: ${text}`) });
    spinner.succeed(r.built ? `k6 ${version} built in ${Math.round(r.seconds)} s: ${r.path}` : `k6 ${version} already built: ${r.path}`);
    return r.path;
  } catch (error) {
    spinner.fail(`k6 ${version}: build failed`);
    throw error;
  }
}
