// Reads uPlot's built files from node_modules at render time, so the report
// inlines the installed, well-kept library instead of a copy kept here.
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { EnvironmentError } from '../errors.ts';
import type { HtmlAssets } from './html.ts';

export async function loadHtmlAssets(): Promise<HtmlAssets> {
  const require = createRequire(import.meta.url);
  try {
    const [uplotJs, uplotCss] = await Promise.all([
      readFile(require.resolve('uplot/dist/uPlot.iife.min.js'), 'utf8'),
      readFile(require.resolve('uplot/dist/uPlot.min.css'), 'utf8'),
    ]);
    return { uplotJs, uplotCss };
  } catch (error) {
    throw new EnvironmentError(`the chart library uPlot could not be read (${(error as Error).message})`, {
      hint: 'reinstall loadctl\'s dependencies: npm ci',
      cause: error,
    });
  }
}
