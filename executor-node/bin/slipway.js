#!/usr/bin/env node
// Starts the slipway CLI: the bundle from scripts/build-cli.mjs while none of
// its source files changed since, else the TypeScript sources through tsx.
// The bundle runs with a V8 code cache kept beside it, so a start compiles
// almost nothing (Node 20 has no module.enableCompileCache). This file is
// CommonJS (bin/package.json): Node starts a script faster than a module.
'use strict';

const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '../..');
const dist = path.join(root, 'executor-node/dist');
const bundle = path.join(dist, 'slipway.cjs');

if (process.env.SLIPWAY_FROM_SOURCE !== '1' && bundleIsFresh()) {
  runBundle();
} else {
  // tsx's CommonJS build of this API cannot register its hooks.
  import('tsx/esm/api').then(({ register }) => {
    register();
    return import('../src/cli.ts');
  });
}

/** Tells whether the bundle was made from the sources as they are now. */
function bundleIsFresh() {
  let stamp;
  try {
    stamp = JSON.parse(fs.readFileSync(path.join(dist, 'stamp.json'), 'utf8'));
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

/**
 * Runs the CommonJS bundle with the code cache. A run that found no usable
 * cache, or that ran a command the cache has not seen, writes a new one as
 * it exits: V8 then includes every function that run compiled.
 */
function runBundle() {
  const vm = require('node:vm');
  const { createRequire } = require('node:module');
  const cacheFile = `${bundle}.cache`;
  const seenFile = `${bundle}.cache.json`;
  const source = fs.readFileSync(bundle, 'utf8');
  const cachedData = readOrUndefined(cacheFile);
  const script = new vm.Script(wrap(source), {
    filename: bundle,
    cachedData,
  });
  const command = process.argv[2] ?? '';
  const seen = cachedData && !script.cachedDataRejected ? readSeen() : [];
  if (!seen.includes(command)) {
    process.once('exit', () => {
      try {
        writeAtomically(cacheFile, script.createCachedData());
        writeAtomically(seenFile, JSON.stringify([...seen, command]));
      } catch {
        // A read-only install runs without a cache.
      }
    });
  }
  const module = { exports: {} };
  const main = script.runInThisContext();
  main(module.exports, createRequire(bundle), module, bundle, dist);

  function readSeen() {
    try {
      const list = JSON.parse(fs.readFileSync(seenFile, 'utf8'));
      return Array.isArray(list) ? list : [];
    } catch {
      return [];
    }
  }
}

/** Wraps CommonJS source as Node's loader does. */
function wrap(source) {
  return `(function (exports, require, module, __filename, __dirname) { ${source}\n});`;
}

function writeAtomically(file, data) {
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, data);
  fs.renameSync(tmp, file);
}

function readOrUndefined(file) {
  try {
    return fs.readFileSync(file);
  } catch {
    return undefined;
  }
}
