// Browser tests for the playground: real Chromium (Debian's package), headless,
// TypeScript compiled on the fly by esbuild, workers served by the same server.
// `import text from 'x.css?inline'` gives the file's text, as under vite.

import { esbuildPlugin } from '@web/dev-server-esbuild';
import { chromeLauncher } from '@web/test-runner-chrome';

import { chromiumArgs, chromiumPath } from './web/chromium.mjs';

/** Serves a `.css?inline` import as a module whose default export is the CSS. */
function inlineCssPlugin() {
  const isInline = (context) =>
    context.path.endsWith('.css') && context.URL.searchParams.has('inline');
  return {
    name: 'inline-css',
    resolveMimeType(context) {
      if (isInline(context)) return 'js';
    },
    transform(context) {
      if (!isInline(context)) return undefined;
      return { body: `export default ${JSON.stringify(context.body)};\n` };
    },
  };
}

export default {
  rootDir: '.',
  files: ['web/test/**/*.test.ts'],
  nodeResolve: true,
  plugins: [
    inlineCssPlugin(),
    esbuildPlugin({
      ts: true,
      target: 'es2022',
      tsconfig: 'web/tsconfig.json',
    }),
  ],
  browsers: [
    chromeLauncher({
      launchOptions: {
        executablePath: chromiumPath,
        headless: true,
        args: chromiumArgs,
      },
    }),
  ],
  testFramework: { config: { timeout: 20000 } },
};
