// A vite plugin for the playground's dev server: files under examples/ are
// build contexts, so a plain request gets their bytes as they are. Without it
// vite takes a file with no extension (a Dockerfile) for a JavaScript module
// and transforms it.

import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import path from 'node:path';

import type { Plugin } from 'vite';

const PREFIX = '/examples/';

/** Creates the dev-server plugin that serves example files untransformed. */
export function exampleFilesPlugin(): Plugin {
  let root = process.cwd();
  return {
    name: 'slipway-example-files',
    apply: 'serve',
    configResolved(config) {
      root = config.root;
    },
    configureServer(server) {
      server.middlewares.use(async (req, res, next) => {
        const url = req.url ?? '';
        // Module imports (`?raw`, `?url`, `?import`) stay vite's.
        const plain =
          (req.method === 'GET' || req.method === 'HEAD') &&
          url.startsWith(PREFIX) &&
          !url.includes('?') &&
          req.headers['sec-fetch-dest'] !== 'script';
        if (!plain) return next();
        const file = path.join(root, decodeURIComponent(url));
        if (!file.startsWith(path.join(root, PREFIX))) return next();
        const info = await stat(file).catch(() => undefined);
        if (!info?.isFile()) return next();
        res.setHeader('Content-Type', 'application/octet-stream');
        res.setHeader('Content-Length', info.size);
        res.setHeader('Cache-Control', 'no-cache');
        if (req.method === 'HEAD') return res.end();
        createReadStream(file).pipe(res);
      });
    },
  };
}
