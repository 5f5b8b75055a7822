// Loads core the way users run it: bundled and minified by esbuild (as vite
// and the CLI build do), not transpiled file by file on the fly.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

import { build } from 'esbuild';

type Core = typeof import('../../core/src/index.ts');

/** Bundles core/src/index.ts into a temporary module and imports it. */
export async function loadBundledCore(repoRoot: string): Promise<Core> {
  const dir = mkdtempSync(path.join(tmpdir(), 'slipway-bench-'));
  const outfile = path.join(dir, 'core.mjs');
  try {
    await build({
      entryPoints: [path.join(repoRoot, 'core/src/index.ts')],
      outfile,
      bundle: true,
      minify: true,
      format: 'esm',
      platform: 'neutral',
      target: 'es2022',
      logLevel: 'warning',
    });
    return (await import(pathToFileURL(outfile).href)) as Core;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
