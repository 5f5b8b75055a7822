#!/usr/bin/env node
// Bundles the slipway CLI (executor-node and core, with its npm packages)
// into executor-node/dist/slipway.mjs with esbuild, so a start does not
// transpile TypeScript; bin/slipway.js uses it while none of the sources it
// was made from changed. Run by `npm ci`/`npm install` (the prepare script).
// Usage: node scripts/build-cli.mjs [OUTDIR]

import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const outdir = path.resolve(
  process.argv[2] ?? path.join(root, 'executor-node/dist'),
);

let esbuild;
try {
  esbuild = await import('esbuild');
} catch {
  console.error(
    'build-cli: esbuild is not installed; slipway runs from its sources',
  );
  process.exit(0);
}

const started = Date.now();
fs.mkdirSync(outdir, { recursive: true });
const tmp = path.join(outdir, `slipway.mjs.${process.pid}.tmp`);
const result = await esbuild.build({
  metafile: true,
  entryPoints: [path.join(root, 'executor-node/src/cli.ts')],
  outfile: tmp,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  logLevel: 'warning',
  // CommonJS packages inside an ES module bundle still call require().
  banner: {
    js: "import { createRequire as __slipwayRequire } from 'node:module'; const require = __slipwayRequire(import.meta.url);",
  },
});
// The launcher checks these files' times, not a walk of the whole tree.
const sources = Object.keys(result.metafile.inputs)
  .filter((file) => !file.includes('node_modules/'))
  .map((file) => path.relative(root, path.resolve(file)));
const newest = Math.max(
  ...sources.map((file) => fs.statSync(path.join(root, file)).mtimeMs),
);
fs.renameSync(tmp, path.join(outdir, 'slipway.mjs'));
fs.writeFileSync(
  path.join(outdir, 'stamp.json'),
  JSON.stringify({ newestSource: newest, sources }),
);
console.error(
  `build-cli: wrote ${path.relative(root, outdir)}/slipway.mjs in ${Date.now() - started} ms`,
);
