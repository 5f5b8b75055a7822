#!/usr/bin/env node
// Starts the slipway CLI: the bundle from scripts/build-cli.mjs while none of
// its source files changed since, else the TypeScript sources through tsx.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '../..',
);
const bundle = path.join(root, 'executor-node/dist/slipway.mjs');

if (process.env.SLIPWAY_FROM_SOURCE !== '1' && bundleIsFresh()) {
  await import(bundle);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import('../src/cli.ts');
}

/** Tells whether the bundle was made from the sources as they are now. */
function bundleIsFresh() {
  let stamp;
  try {
    stamp = JSON.parse(
      fs.readFileSync(path.join(root, 'executor-node/dist/stamp.json'), 'utf8'),
    );
  } catch {
    return false;
  }
  if (!Array.isArray(stamp.sources)) return false;
  for (const file of stamp.sources) {
    const stat = fs.statSync(path.join(root, file), { throwIfNoEntry: false });
    if (!stat || stat.mtimeMs > stamp.newestSource) return false;
  }
  return fs.existsSync(bundle);
}
