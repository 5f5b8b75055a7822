// `npm start`: prepares what the playground and the CLI need on first run,
// then serves the playground with vite and prints its address.
// Flags: --port N, --host [ADDR], --skip-setup.

import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
main().catch((error) => {
  console.error(`failed to start the playground: ${error?.message ?? error}`);
  process.exit(1);
});

async function main() {
  const args = parseArgs(process.argv.slice(2));
  say('Slipway: preparing the playground');
  checkDependencies();
  if (args.skipSetup) note('setup skipped (--skip-setup)');
  else seedImageStore();
  await serve(args);
}

/** Stops early with a clear hint when `npm ci` has not run. */
function checkDependencies() {
  const vite = path.join(root, 'node_modules', 'vite', 'package.json');
  if (!fs.existsSync(vite)) {
    throw new Error('dependencies are missing; run `npm ci` first');
  }
  done('dependencies installed');
}

/**
 * Seeds the built-in image store for `slipway build` when it is missing.
 * The playground builds in the browser and needs no store, so every
 * failure here is a note.
 */
function seedImageStore() {
  const home = slipwayHome();
  const store = path.join(home, 'images');
  const script = path.join(root, 'scripts', 'setup-images.sh');
  if (fs.existsSync(path.join(store, 'index.json'))) {
    done(`built-in image store found at ${store}`);
    return;
  }
  if (!fs.existsSync(script)) {
    note(`no image store at ${store} and no scripts/setup-images.sh; skipped`);
    return;
  }
  if (process.getuid?.() !== 0) {
    note(`no image store at ${store}; seeding it needs root:`);
    note(`  sudo env SLIPWAY_HOME=${home} scripts/setup-images.sh`);
    note('(only `slipway build` needs it; the playground builds without it)');
    return;
  }

  step(
    `seeding the built-in image store at ${store} (scripts/setup-images.sh)`,
  );
  const result = spawnSync('sh', [script], { cwd: root, stdio: 'inherit' });
  if (result.status === 0) done('image store ready');
  else
    note('setup-images.sh failed; the playground still works, builds may not');
}

/** Starts vite's dev server from vite.config.ts and prints the address. */
async function serve(args) {
  step('starting the vite dev server');
  const { createServer } = await import('vite');
  const server = await createServer({
    root,
    configFile: path.join(root, 'vite.config.ts'),
    server: {
      ...(args.port ? { port: args.port } : {}),
      ...(args.host !== undefined ? { host: args.host } : {}),
    },
  });
  await server.listen();

  const urls = server.resolvedUrls ?? { local: [], network: [] };
  console.log('');
  for (const url of urls.local) console.log(`  Slipway playground: ${url}`);
  for (const url of urls.network) console.log(`  on your network:    ${url}`);
  console.log('\n  Press Ctrl+C to stop.\n');

  const stop = async () => {
    await server.close();
    process.exit(0);
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

function slipwayHome() {
  if (process.env.SLIPWAY_HOME) return path.resolve(process.env.SLIPWAY_HOME);
  const data =
    process.env.XDG_DATA_HOME || path.join(os.homedir(), '.local', 'share');
  return path.join(data, 'slipway');
}

function parseArgs(argv) {
  const parsed = { port: undefined, host: undefined, skipSetup: false };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--skip-setup') parsed.skipSetup = true;
    else if (arg === '--port') parsed.port = Number(argv[++i]);
    else if (arg === '--host') {
      const next = argv[i + 1];
      parsed.host = next && !next.startsWith('--') ? argv[++i] : true;
    } else
      throw new Error(
        `unknown flag "${arg}" (try --port, --host, --skip-setup)`,
      );
  }
  return parsed;
}

function say(text) {
  console.log(text);
}

function step(text) {
  console.log(`  → ${text}`);
}

function done(text) {
  console.log(`  ✓ ${text}`);
}

function note(text) {
  console.log(`  - ${text}`);
}
