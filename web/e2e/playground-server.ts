// Starts the playground for end-to-end tests as users get it: a production
// `vite build` served by `vite preview` (default), or the dev server that
// `npm start` runs (SLIPWAY_E2E_SERVER=dev), on a free loopback port.

import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { build, createServer, preview } from 'vite';

/** A running playground and how to stop it. */
export interface Playground {
  url: string;
  mode: 'preview' | 'dev';
  stop: () => Promise<void>;
}

const HOST = '127.0.0.1';

/** Starts the playground from the checkout at `root`; `stop` undoes it all. */
export async function startPlayground(root: string): Promise<Playground> {
  const mode = process.env.SLIPWAY_E2E_SERVER === 'dev' ? 'dev' : 'preview';
  const configFile = path.join(root, 'vite.config.ts');
  return mode === 'dev'
    ? startDevServer(root, configFile)
    : startPreview(root, configFile);
}

// The bundle goes to a folder of its own, so `npm run build`'s dist/ and
// other runs are left alone.
async function startPreview(
  root: string,
  configFile: string,
): Promise<Playground> {
  const outDir = await fs.mkdtemp(path.join(os.tmpdir(), 'slipway-e2e-'));
  try {
    // v86's Node-only imports draw warnings that say nothing about the page.
    await build({
      root,
      configFile,
      logLevel: 'error',
      build: { outDir, emptyOutDir: true, chunkSizeWarningLimit: 4096 },
    });
    const server = await preview({
      root,
      configFile,
      logLevel: 'warn',
      build: { outDir },
      preview: { host: HOST, port: 0, strictPort: true, open: false },
    });
    return {
      url: firstUrl(server.resolvedUrls?.local),
      mode: 'preview',
      stop: async () => {
        await server.close();
        await fs.rm(outDir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await fs.rm(outDir, { recursive: true, force: true });
    throw error;
  }
}

async function startDevServer(
  root: string,
  configFile: string,
): Promise<Playground> {
  const server = await createServer({
    root,
    configFile,
    logLevel: 'warn',
    server: { host: HOST, port: 0, strictPort: true, open: false },
  });
  try {
    await server.listen();
  } catch (error) {
    await server.close();
    throw error;
  }
  return {
    url: firstUrl(server.resolvedUrls?.local),
    mode: 'dev',
    stop: () => server.close(),
  };
}

function firstUrl(urls: string[] | undefined): string {
  const url = urls?.[0];
  if (!url) throw new Error('internal: vite listened but reported no address');
  return url;
}
