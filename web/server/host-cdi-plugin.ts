// A vite plugin for the playground's dev server: it serves this host's CDI
// spec files as JSON and, while the server runs, sends open pages the new
// list each time a file in the spec directories changes.

import path from 'node:path';

import type { Plugin, ViteDevServer } from 'vite';

import type { CdiSpecFile } from '../../core/src/index.ts';
import type { CdiRegistryWatcher } from '../../executor-node/src/cdi-watch.ts';
import { watchCdiSpecDirs } from '../../executor-node/src/cdi-watch.ts';
import { DEFAULT_CDI_SPEC_DIRS } from '../../executor-node/src/commands/build-flags.ts';
import { readCdiSpecDirs } from '../../executor-node/src/commands/cdi-spec-dirs.ts';
import { HOST_CDI_ENDPOINT, HOST_CDI_EVENT } from '../src/host-cdi-protocol.ts';

/** Settings of the host CDI plugin; both have defaults. */
export interface HostCdiPluginOptions {
  /** Spec directories, lowest priority first; default from the environment. */
  dirs?: string[];
  /** Quiet time after a change before rescanning, in milliseconds. */
  debounceMs?: number;
}

/**
 * Returns the spec directories named by `SLIPWAY_CDI_SPEC_DIRS` (separated
 * by `:`, relative ones against `cwd`), or BuildKit's defaults without it.
 */
export function hostCdiSpecDirs(
  env: Record<string, string | undefined> = process.env,
  cwd: string = process.cwd(),
): string[] {
  const listed = (env.SLIPWAY_CDI_SPEC_DIRS ?? '')
    .split(path.delimiter)
    .filter((dir) => dir !== '');
  if (listed.length === 0) return [...DEFAULT_CDI_SPEC_DIRS];
  return listed.map((dir) => path.resolve(cwd, dir));
}

/** Creates the dev-server plugin that serves and watches the host's specs. */
export function hostCdiPlugin(options: HostCdiPluginOptions = {}): Plugin {
  let watcher: CdiRegistryWatcher | undefined;
  let closed = false;
  return {
    name: 'slipway-host-cdi',
    apply: 'serve',
    async configureServer(server) {
      const dirs = options.dirs ?? hostCdiSpecDirs();
      const logger = server.config.logger;
      let specs = await readOrKeep(dirs, [], server);

      server.middlewares.use(HOST_CDI_ENDPOINT, (req, res, next) => {
        if (req.method !== 'GET' && req.method !== 'HEAD') return next();
        res.setHeader('Content-Type', 'application/json');
        res.setHeader('Cache-Control', 'no-store');
        res.end(JSON.stringify(specs));
      });

      try {
        const opened = await watchCdiSpecDirs(dirs, {
          debounceMs: options.debounceMs,
          onChange: async () => {
            specs = await readOrKeep(dirs, specs, server);
            server.ws.send(HOST_CDI_EVENT, specs);
          },
          onError: (error) => warn(server, error),
        });
        // The server may have closed while the first scan ran.
        if (closed) opened.close();
        else watcher = opened;
      } catch (error) {
        warn(server, error as Error);
      }
      logger.info(
        `host CDI specs: ${specs.length} file(s) from ${dirs.join(', ')}`,
        { timestamp: true },
      );
    },
    buildEnd() {
      closed = true;
      watcher?.close();
      watcher = undefined;
    },
  };
}

// An unreadable directory keeps the last list the page saw.
async function readOrKeep(
  dirs: string[],
  last: CdiSpecFile[],
  server: ViteDevServer,
): Promise<CdiSpecFile[]> {
  try {
    return await readCdiSpecDirs(dirs);
  } catch (error) {
    warn(server, error as Error);
    return last;
  }
}

function warn(server: ViteDevServer, error: Error) {
  server.config.logger.warn(
    `failed to read the host's CDI spec directories: ${error.message}`,
    { timestamp: true },
  );
}
