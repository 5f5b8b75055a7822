// The URLs of every file under `examples/`, for build contexts: vite serves
// or emits each file as it is. Only the page imports this module.

import type { FileUrls } from './example-context.ts';

/** URLs of every file under `examples/` (dot files too), by absolute path. */
export const exampleContextUrls: FileUrls = import.meta.glob<string>(
  ['/examples/**/*', '!/examples/*/out/**'],
  { query: '?url', import: 'default', exhaustive: true },
);
