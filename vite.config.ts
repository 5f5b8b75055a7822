// Vite setup for the playground: the page is index.html at the repository
// root, so examples/ and core/ are served and bundled from where they live.
// In dev, the server also serves and watches this host's CDI spec files.

import { defineConfig } from 'vite';

import { exampleFilesPlugin } from './web/server/example-files-plugin.ts';
import { hostCdiPlugin } from './web/server/host-cdi-plugin.ts';

export default defineConfig({
  root: '.',
  server: { port: 5173 },
  preview: { port: 4173 },
  build: { outDir: 'dist', target: 'es2022' },
  worker: { format: 'es' },
  // Only the v86 worker imports these; listing them spares the first Build
  // in the dev server a page reload while vite discovers them.
  optimizeDeps: { include: ['v86', 'idb-keyval'] },
  plugins: [exampleFilesPlugin(), hostCdiPlugin()],
});
