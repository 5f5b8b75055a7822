// Starts the playground's real vite dev server and reads example files the
// way a build context does: bytes as they are on disk, Dockerfiles included.

import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

import { createServer, type ViteDevServer } from 'vite';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '../..');

const LIMIT = { timeout: 30_000 };

describe('example files in the dev server', LIMIT, () => {
  let cacheDir: string;
  let server: ViteDevServer;
  let base: URL;

  before(async () => {
    cacheDir = await mkdtemp(path.join(os.tmpdir(), 'slipway-vite-cache-'));
    server = await createServer({
      root,
      configFile: path.join(root, 'vite.config.ts'),
      cacheDir,
      logLevel: 'silent',
      server: { port: 0, host: '127.0.0.1', watch: null },
    });
    await server.listen();
    base = new URL(server.resolvedUrls!.local[0]!);
  }, LIMIT);

  after(async () => {
    await server?.close();
    await rm(cacheDir, { recursive: true, force: true });
  }, LIMIT);

  for (const file of [
    'wasi-hello/Dockerfile',
    'cdi-env/Dockerfile',
    'wasi-hello/hello.wasm',
  ]) {
    it(`serves examples/${file} untransformed`, async () => {
      const response = await fetch(new URL(`/examples/${file}`, base));
      assert.equal(response.status, 200);
      const body = Buffer.from(await response.arrayBuffer());
      const disk = await readFile(path.join(root, 'examples', file));
      assert.ok(body.equals(disk), `${file} came back changed`);
    });
  }

  it('leaves module imports of example files to vite', async () => {
    const url = new URL('/examples/cdi-env/Dockerfile?raw', base);
    const text = await (await fetch(url)).text();
    assert.match(text, /^export default /);
  });

  it('does not serve files outside examples/', async () => {
    const url = new URL('/examples/..%2fpackage.json', base);
    assert.equal(url.pathname, '/examples/..%2fpackage.json');
    const body = Buffer.from(await (await fetch(url)).arrayBuffer());
    const disk = await readFile(path.join(root, 'package.json'));
    assert.ok(!body.equals(disk));
  });
});
