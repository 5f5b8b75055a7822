// The example files, bundled by vite as raw text and loaded on demand.
// Only the page imports this module; tests pass their own loaders.

import type { FileLoaders } from './examples.ts';

/** Loaders for every file under `examples/`, keyed by absolute path. */
export const exampleFiles: FileLoaders = import.meta.glob<string>(
  ['/examples/**/*', '!/examples/*/out/**'],
  { query: '?raw', import: 'default' },
);
