#!/usr/bin/env node
// Bundles the slipway CLI (executor-node and core, with its npm packages)
// into executor-node/dist/slipway.cjs with esbuild, so a start does not
// transpile TypeScript; bin/slipway.js runs it with a V8 code cache while
// none of the sources it was made from changed. Run by `npm ci`/`npm install`
// (the prepare script). Usage: node scripts/build-cli.mjs [OUTDIR]

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
// A CommonJS script rather than an ES module: Node 20 can keep a code cache
// for a vm.Script, not for a module, and compiling the bundle was the
// largest part of a start. Commands load their modules lazily (cli.ts).
const result = await esbuild.build({
  metafile: true,
  entryPoints: [path.join(root, 'executor-node/src/cli.ts')],
  write: false,
  outfile: path.join(outdir, 'slipway.cjs'),
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  logLevel: 'warning',
});
const code = shareBuiltinWrappers(result.outputFiles[0].text);
const tmp = path.join(outdir, `slipway.cjs.${process.pid}.tmp`);
fs.writeFileSync(tmp, code);

// The launcher checks these files' times, not a walk of the whole tree.
const sources = Object.keys(result.metafile.inputs)
  .filter((file) => !file.includes('node_modules/'))
  .map((file) => path.relative(root, path.resolve(file)));
const newest = Math.max(
  ...sources.map((file) => fs.statSync(path.join(root, file)).mtimeMs),
);
fs.renameSync(tmp, path.join(outdir, 'slipway.cjs'));
for (const old of ['slipway.mjs', 'slipway.cjs.cache']) {
  fs.rmSync(path.join(outdir, old), { force: true });
}
fs.writeFileSync(
  path.join(outdir, 'stamp.json'),
  JSON.stringify({ newestSource: newest, sources }),
);
console.error(
  `build-cli: wrote ${path.relative(root, outdir) || '.'}/slipway.cjs in ${Date.now() - started} ms`,
);

/**
 * esbuild wraps every `import x from 'node:fs'` in a fresh copy of the
 * module's properties, once per importing file; with dozens of files that
 * was a tenth of a start. Wrap each required module once and share it.
 */
function shareBuiltinWrappers(text) {
  const marker = 'var __toCommonJS =';
  if (!text.includes('var __toESM =') || !text.includes(marker)) {
    throw new Error('build-cli: esbuild helpers changed; update build-cli.mjs');
  }
  const shared = [
    'var __toESMShared = /* @__PURE__ */ new WeakMap();',
    'var __toESMEach = __toESM;',
    '__toESM = (mod, isNodeMode) => {',
    '  if (mod === null || (typeof mod !== "object" && typeof mod !== "function"))',
    '    return __toESMEach(mod, isNodeMode);',
    '  let made = __toESMShared.get(mod);',
    '  if (!made) __toESMShared.set(mod, (made = []));',
    '  return (made[isNodeMode ? 1 : 0] ??= __toESMEach(mod, isNodeMode));',
    '};',
  ].join('\n');
  return text.replace(marker, `${shared}\n${marker}`);
}
