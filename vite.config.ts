// Vite setup for the playground: the page is index.html at the repository
// root, so examples/ and core/ are served and bundled from where they live.

import { defineConfig } from 'vite';

export default defineConfig({
  root: '.',
  server: { port: 5173 },
  preview: { port: 4173 },
  build: { outDir: 'dist', target: 'es2022' },
  worker: { format: 'es' },
  // Only the v86 worker imports these; listing them spares the first Build
  // in the dev server a page reload while vite discovers them.
  optimizeDeps: { include: ['v86', 'idb-keyval'] },
});
