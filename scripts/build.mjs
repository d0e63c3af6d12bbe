// Bundles src/cli.ts into dist/cli.js so `loadctl --help` starts without a
// TypeScript loader. Small pure-JS dependencies are bundled in (resolving and
// loading dozens of files costs more at start-up than parsing one); the heavy,
// native or file-reading ones stay external and load only when a command
// needs them.
import { build } from 'esbuild';
import { readdirSync, rmSync } from 'node:fs';
import { basename } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const result = await build({
  entryPoints: [`${root}src/cli.ts`],
  outdir: `${root}dist`,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  external: ['esbuild', 'typescript', 'dockerode', '@kubernetes/client-node', 'ioredis', 'uplot', 'playwright-core', 'autocannon'],
  // Bundled CommonJS dependencies call require(); give the ESM bundle one.
  banner: { js: "import { createRequire as __loadctlCreateRequire } from 'node:module'; const require = __loadctlCreateRequire(import.meta.url);" },
  sourcemap: 'linked',
  logLevel: 'warning',
  metafile: true,
});

/** One self-contained ESM file from one entry: every dependency inlined. */
const standalone = (entry, outfile, extra = {}) => build({
  entryPoints: [`${root}${entry}`],
  outfile: `${root}dist/${outfile}`,
  bundle: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  logLevel: 'warning',
  metafile: true,
  ...extra,
});

// The reference stack's Node services run from one file that `loadctl stack
// up` copies into their containers, so the container needs nothing but node.
const service = await standalone('src/stack/service-main.ts', 'stack-service.mjs', {
  // pg's optional native binding is required inside a try; it is never there.
  external: ['pg-native'],
  banner: { js: "import { createRequire as __loadctlCreateRequire } from 'node:module'; const require = __loadctlCreateRequire(import.meta.url);" },
});

// The k6 reaper (src/k6/reaper.ts) runs as its own small process: node built-ins only.
const reaper = await standalone('src/k6/reaper-main.ts', 'k6-reaper.mjs');

// Chunk names carry content hashes: drop the ones this build no longer made.
const made = new Set([...Object.keys(result.metafile.outputs), ...Object.keys(service.metafile.outputs), ...Object.keys(reaper.metafile.outputs)].map((p) => basename(p)));
for (const name of readdirSync(`${root}dist`)) {
  if (!made.has(name)) rmSync(`${root}dist/${name}`, { force: true });
}
