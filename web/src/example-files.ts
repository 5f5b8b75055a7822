// The example files, bundled by vite as raw text and loaded on demand.
// Only the page imports this module; tests pass their own loaders.
// Binary files (WebAssembly modules) are not text: the build context
// fetches them by URL (example-context-urls.ts).

import type { FileLoaders } from './examples.ts';

/**
 * Loaders for every text file under `examples/`, keyed by absolute path;
 * dot files too (`exhaustive`), so a `.dockerignore` is found.
 */
export const exampleFiles: FileLoaders = import.meta.glob<string>(
  ['/examples/**/*', '!/examples/*/out/**', '!/examples/**/*.wasm'],
  { query: '?raw', import: 'default', exhaustive: true },
);
