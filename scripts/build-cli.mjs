#!/usr/bin/env node
// Bundles the slipway CLI (executor-node and core, with its npm packages)
// into executor-node/dist/slipway.cjs with esbuild, so a start does not
// transpile TypeScript; bin/slipway.js runs it with a V8 code cache while
// none of the sources it was made from changed. Run by `npm ci`/`npm install`
// (the prepare script). Usage: node scripts/build-cli.mjs [OUTDIR]

import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { builtinModules } from 'node:module';
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

/**
 * Packages loaded on first use rather than at start: the functions each
 * importer calls. log-update pulls in string-width, whose module sets up
 * an Intl.Segmenter (about 8 ms); a build without --progress=tty never
 * draws, and one without outputs never writes a tar.
 */
const LAZY_PACKAGES = {
  'log-update': { named: ['createLogUpdate'] },
  'tar-stream': { default: ['pack', 'extract'] },
  'smol-toml': { named: ['parse'] },
};

/**
 * Built-in modules that take milliseconds to load and that an all-cached
 * build never calls: each stands behind a proxy that loads it on the
 * first property read. Only modules used as plain objects of functions
 * belong here (not `events` or `stream`, which are extended as classes).
 */
const LAZY_BUILTINS = new Set([
  'child_process',
  'zlib',
  'stream/promises',
  'net',
  'http',
  'https',
  'tty',
  'readline',
  'dgram',
  'dns',
  'worker_threads',
]);

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
  // oci-runtime.ts reads import.meta only where __dirname is missing.
  logOverride: { 'empty-import-meta': 'silent' },
  plugins: [lazyPackages(LAZY_PACKAGES)],
});
const code = shareBuiltinWrappers(result.outputFiles[0].text);
const tmp = path.join(outdir, `slipway.cjs.${process.pid}.tmp`);
fs.writeFileSync(tmp, code);

// The launcher checks these files' times, not a walk of the whole tree.
const sources = Object.keys(result.metafile.inputs)
  .filter((file) => !file.includes('node_modules/') && !file.includes(':'))
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
compileLauncher();

/**
 * Compiles launch/slipway-launch.c, which starts a RUN step's runtime in one
 * process; without a C compiler, steps start through unshare and a shell.
 */
function compileLauncher() {
  const source = path.join(root, 'executor-node/launch/slipway-launch.c');
  const out = path.join(outdir, 'slipway-launch');
  const built = fs.statSync(out, { throwIfNoEntry: false });
  if (built && built.mtimeMs >= fs.statSync(source).mtimeMs) return;
  const tmp = `${out}.${process.pid}.tmp`;
  const compiler = process.env.CC ?? 'cc';
  const result = spawnSync(compiler, ['-O2', '-Wall', '-o', tmp, source], {
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  if (result.status !== 0) {
    // A launcher built from older source must not outlive its source.
    fs.rmSync(tmp, { force: true });
    fs.rmSync(out, { force: true });
    console.error(
      `build-cli: ${compiler} could not build slipway-launch; RUN steps start through unshare and sh`,
    );
    return;
  }
  fs.renameSync(tmp, out);
  console.error(`build-cli: compiled ${path.relative(root, out)}`);
}

/** An esbuild plugin that puts each package behind a loader-on-call module. */
function lazyPackages(table) {
  const filter = new RegExp(
    `^(${Object.keys(table)
      .map((name) => name.replace(/[-/]/g, '\\$&'))
      .join('|')})$`,
  );
  return {
    name: 'lazy-packages',
    setup(build) {
      build.onResolve({ filter }, (args) =>
        args.namespace === 'lazy'
          ? undefined
          : { path: args.path, namespace: 'lazy' },
      );
      build.onLoad({ filter: /.*/, namespace: 'lazy' }, (args) => {
        const spec = table[args.path];
        const id = JSON.stringify(args.path);
        const real = `let loaded; const real = () => (loaded ??= require(${id}));`;
        const call = (name) => `(...args) => real().${name}(...args)`;
        const defaultCall = (name) =>
          `${name}: (...args) => (real().default ?? real()).${name}(...args)`;
        const named = (spec.named ?? []).map(
          (name) => `export const ${name} = ${call(name)};`,
        );
        const fallback = spec.default
          ? [`export default { ${spec.default.map(defaultCall).join(', ')} };`]
          : [];
        return {
          contents: [real, ...named, ...fallback].join('\n'),
          resolveDir: root,
          loader: 'js',
        };
      });
    },
  };
}

/**
 * esbuild wraps every `import x from 'node:fs'` in a fresh copy of the
 * module's properties, once per importing file; with dozens of files that
 * was a tenth of a start. Wrap each built-in module once and share it, and
 * load the heavy ones on first use.
 */
function shareBuiltinWrappers(text) {
  const builtins = new Set(builtinModules);
  const helpers = [
    'var __slipwayBuiltins = new Map();',
    'function __slipwayBuiltin(name, nodeMode) {',
    '  const key = `${name} ${nodeMode}`;',
    '  let made = __slipwayBuiltins.get(key);',
    '  if (!made) __slipwayBuiltins.set(key, (made = __toESM(require(name), nodeMode)));',
    '  return made;',
    '}',
    'function __slipwayLazy(name, esm) {',
    '  let real;',
    '  const load = () => (real ??= require(name));',
    '  const read = (prop) => (esm && prop === "default" ? load() : load()[prop]);',
    '  return new Proxy({}, {',
    '    get: (_, prop) => (prop === "__esModule" ? undefined : read(prop)),',
    '    has: (_, prop) => prop in load(),',
    '    ownKeys: () => Reflect.ownKeys(load()),',
    '    getOwnPropertyDescriptor: (_, prop) => {',
    '      const value = read(prop);',
    '      if (value === undefined) return undefined;',
    '      return { value, writable: false, enumerable: true, configurable: true };',
    '    },',
    '  });',
    '}',
  ].join('\n');
  const bare = (name) => name.replace(/^node:/, '');
  let count = 0;
  const wrapped = text.replace(
    /__toESM\(require\("([^"]+)"\)(, ?1)?\)/g,
    (call, name, nodeMode) => {
      if (!builtins.has(bare(name))) return call;
      count++;
      return LAZY_BUILTINS.has(bare(name))
        ? `__slipwayLazy("${name}", 1)`
        : `__slipwayBuiltin("${name}", ${nodeMode ? 1 : 0})`;
    },
  );
  const out = wrapped.replace(/\brequire\("([^"]+)"\)/g, (call, name) =>
    LAZY_BUILTINS.has(bare(name)) ? `__slipwayLazy("${name}", 0)` : call,
  );
  if (count === 0) {
    throw new Error(
      'build-cli: no built-in imports found; update build-cli.mjs',
    );
  }
  // After the "use strict" prologue, which must stay first.
  return out.replace(
    /^("use strict";)?/,
    (prologue) => `${prologue}\n${helpers}\n`,
  );
}
