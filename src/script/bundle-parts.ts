// What bundling a user's own k6 script needs beyond a shipped scenario: the
// names it exports (an `exec`-only script has no default), and an open() that
// reads beside the script, as `k6 run script.js` does, although the bundle
// k6 loads lives in the run folder.
import { writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { Plugin } from 'esbuild';

/** Specifiers k6 provides or fetches itself; esbuild leaves them alone. */
export const K6_EXTERNALS = ['k6', 'k6/*', 'https://*', 'http://*'];

/**
 * The names the script exports, found by a throwaway esbuild pass (nothing
 * written). A syntax or import error is left for the real bundle to report.
 */
export async function scriptExports(file: string, cwd: string, plugins: Plugin[]): Promise<string[] | undefined> {
  const { build } = await import('esbuild');
  try {
    const result = await build({
      entryPoints: [file], absWorkingDir: cwd, bundle: true, write: false, metafile: true, format: 'esm',
      platform: 'neutral', mainFields: ['module', 'main'], external: K6_EXTERNALS, logLevel: 'silent', outdir: join(cwd, '.loadctl-exports'), plugins,
    });
    return Object.values(result.metafile.outputs)[0]?.exports ?? [];
  } catch {
    return undefined;
  }
}

/**
 * k6 resolves a relative open() against the main script's folder (and,
 * k6 warns, in future against the file that calls it; for a script's own
 * top level both are the same). The bundle is the main module now, so every
 * free `open` in the script is routed through this shim, which puts the
 * script's folder in front of a relative path. Absolute and file:// paths
 * pass as they are.
 */
export function openShimSource(scriptFile: string): string {
  const dir = JSON.stringify(dirname(scriptFile));
  return `var scriptDir = ${dir};
function besideScript(path) {
  if (typeof path !== 'string' || path === '' || path.charAt(0) === '/' || path.indexOf('file://') === 0 || /^[A-Za-z]:[\\\\/]/.test(path)) return path;
  return scriptDir + '/' + path;
}
var k6Open = globalThis.open;
function open(path, mode) {
  return arguments.length > 1 ? k6Open(besideScript(path), mode) : k6Open(besideScript(path));
}
export { open };
`;
}

/** Writes the shim next to the bundle; esbuild's `inject` needs a file. */
export async function writeOpenShim(scriptFile: string, outDir: string): Promise<string> {
  const file = join(outDir, 'loadctl-open.js');
  await writeFile(file, openShimSource(scriptFile));
  return file;
}
