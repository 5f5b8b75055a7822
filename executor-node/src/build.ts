// The host build: wires the executor's backends (image store, folder
// snapshots, crun/runc, the context folder, the local exporter, the step
// cache) into core's solve and reports each platform's result.

import fs from 'node:fs';
import path from 'node:path';

import {
  solveBuild,
  type BuildPlan,
  type ImageConfig,
  type ProgressEvent,
  type SolveBackends,
} from '../../core/src/index.ts';
import {
  checkCacheExports,
  exportCaches,
  importCaches,
  wantsInlineCache,
} from './cache/build-cache.ts';
import { addInlineCache } from './cache/inline-cache.ts';
import type { RegistryAccess } from './cache/registry-cache.ts';
import { FileCache } from './cache/file-cache.ts';
import { DirContextSource } from './context/dir-context.ts';
import { createContextFilter } from './context/ignore-file.ts';
import { RemoteAwareContext } from './context/remote-context.ts';
import { HostExporter } from './export/host-exporter.ts';
import { LayerStore } from './layer/layer-store.ts';
import type { Logger } from './logger.ts';
import { slipwayPaths, type SlipwayPaths } from './paths.ts';
import {
  contentStore,
  createRegistryBackends,
} from './registry/create-image-source.ts';
import { createProgressTap } from './registry/progress-tap.ts';
import type { RegistryFlags } from './registry/registry-config.ts';
import { ContainerRunner } from './runtime/container-runner.ts';
import { SessionRunner } from './runtime/session-runner.ts';
import type { BuildSession } from './session/build-session.ts';
import { DirSnapshotter } from './snapshot/dir-snapshotter.ts';
import { OciImageStore } from './store/image-store.ts';

/** How to run a planned build on this host. */
export interface RunBuildOptions {
  /** The build context folder. */
  contextDir: string;
  /** Runs every step even when cached (`--no-cache`). */
  noCache?: boolean;
  onEvent: (event: ProgressEvent) => void;
  logger?: Logger;
  /** Leaves `--output` to the caller: no exporter runs. */
  skipExport?: boolean;
  /** Overrides `$SLIPWAY_HOME`. */
  home?: string;
  /** Where relative output folders resolve; default the process's cwd. */
  cwd?: string;
  /** Mirrors, plain-HTTP hosts and the registry config file. */
  registry?: RegistryFlags;
  /** Receives `--output` tarballs with `dest=-`; default the process's stdout. */
  stdout?: NodeJS.WritableStream;
  /** `--cache-from` values (`type=local,src=DIR`, `type=registry,ref=REF`). */
  cacheFrom?: string[];
  /** `--cache-to` values (`type=local|registry|inline`, `mode=max`...). */
  cacheTo?: string[];
  /** `--secret` and `--ssh`: what RUN mounts and remote ADD sources may use. */
  session?: BuildSession;
  /**
   * The ignore file's text the plan's checks read (BuildOptions.dockerignore),
   * `''` for none; unset, `<contextDir>/.dockerignore` is read.
   */
  dockerignore?: string;
  /** No `--platform` was given: images keep their base image's platform. */
  implicitTarget?: boolean;
}

/** The host backends, with the concrete types the cache options need. */
export type HostBackends = SolveBackends & {
  snapshots: DirSnapshotter;
  cache: FileCache;
  layers: LayerStore;
  registry: RegistryAccess;
};

/** One platform's built target. */
export interface PlatformResult {
  platform: string;
  /** Folder holding the target stage's files (read it, do not change it). */
  rootfs: string;
  /** The target's image config, base image included. */
  config: ImageConfig;
  /** Environment of the target stage's last RUN, CDI injections included. */
  runEnv?: string[];
}

/** What a build produced, or why it stopped (BuildKit's wording). */
export interface RunBuildResult {
  ok: boolean;
  error?: string;
  results: PlatformResult[];
}

/** Runs a plan with crun or runc and the built-in image store. */
export async function runBuild(
  plan: BuildPlan,
  options: RunBuildOptions,
): Promise<RunBuildResult> {
  const paths = slipwayPaths(options.home);
  const tap = createProgressTap(options.onEvent);
  let backends: HostBackends;
  const cwd = options.cwd ?? process.cwd();
  // BuildKit compiles the ignore patterns before any step, used or not.
  const ignore = createContextFilter(options.contextDir, options.dockerignore);
  if (!ignore.ok) {
    const error = `failed to solve: ${ignore.error}`;
    return { ok: false, error, results: [] };
  }
  try {
    checkCacheExports(options.cacheTo ?? []);
    backends = createBackends(paths, {
      ...options,
      pullLog: tap.log,
      sourceDateEpoch: plan.options.buildArgs.SOURCE_DATE_EPOCH,
      inlineCache: wantsInlineCache(options.cacheTo ?? []),
    });
    await importCaches(
      options.cacheFrom ?? [],
      backends,
      cwd,
      tap.onEvent,
      options.logger,
    );
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return {
      ok: false,
      error: `failed to prepare ${paths.home}: ${message}`,
      results: [],
    };
  }
  const toRun = options.skipExport
    ? { ...plan, options: { ...plan.options, outputs: [] } }
    : plan;

  const started = Date.now();
  const solved = await solveBuild(toRun, backends, {
    onEvent: tap.onEvent,
    now: () => Date.now(),
    noCache: options.noCache,
  });
  options.logger?.debug(
    'executor',
    `solve ${solved.ok ? 'finished' : 'failed'} in ${Date.now() - started} ms`,
  );
  if (!solved.ok) return { ok: false, error: solved.error, results: [] };

  const { snapshots } = backends;
  if (options.cacheTo && options.cacheTo.length > 0) {
    try {
      const keys = solved.results.map((r) => r.snapshot);
      await exportCaches(options.cacheTo, backends, keys, cwd, tap.onEvent);
    } catch (error) {
      return {
        ok: false,
        error: `failed to solve: ${(error as Error).message}`,
        results: [],
      };
    }
  }
  return {
    ok: true,
    results: solved.results.map((r) => ({
      platform: r.platform,
      // Reading a result may mount an overlay view: only when asked.
      get rootfs() {
        return snapshots.locate(r.snapshot);
      },
      config: r.config,
      runEnv: r.runEnv,
    })),
  };
}

/** Reports whether the built-in store holds `ref` for `platform`. */
export function storeHas(
  ref: string,
  platform: string,
  home?: string,
): boolean {
  return new OciImageStore(slipwayPaths(home).images).has(ref, platform);
}

/** Creates the host backends over one Slipway home. */
export function createBackends(
  paths: SlipwayPaths,
  options: Pick<
    RunBuildOptions,
    | 'contextDir'
    | 'cwd'
    | 'logger'
    | 'registry'
    | 'stdout'
    | 'session'
    | 'dockerignore'
    | 'implicitTarget'
  > & {
    /** Receives image pull progress rows. */
    pullLog?: (line: string) => void;
    sourceDateEpoch?: string;
    /** Exported images carry the inline cache (`--cache-to type=inline`). */
    inlineCache?: boolean;
  },
): HostBackends {
  const snapshots = new DirSnapshotter(paths.snapshots);
  const layers = new LayerStore(paths.layers);
  const locate = (key: string) => snapshots.locate(key);
  const registry = createRegistryBackends(paths, {
    flags: options.registry,
    logger: options.logger,
    log: options.pullLog,
  });
  const records = new FileCache(paths.records);
  const backends: HostBackends = {
    images: registry.images,
    snapshots,
    runner: new ContainerRunner({
      paths,
      contextDir: options.contextDir,
      locate,
      privateRoot: (active) => snapshots.privateRoot(active),
      logger: options.logger,
    }),
    context: new RemoteAwareContext(
      new DirContextSource(options.contextDir, options.dockerignore),
      path.join(paths.home, 'remote'),
      options.session,
    ),
    exporter: registry.exporter(
      new HostExporter({
        snapshots,
        layers,
        findBlob: blobFinder(paths),
        cwd: options.cwd,
        stdout: options.stdout,
        sourceDateEpoch: options.sourceDateEpoch,
        implicitTarget: options.implicitTarget ?? false,
        ...(options.inlineCache
          ? {
              amendImages: (results, images) =>
                addInlineCache(images, results, { snapshots, layers, records }),
            }
          : {}),
      }),
    ),
    cache: records,
    layers,
    registry: { client: registry.client, content: registry.content },
  };
  // Secret and SSH mounts are served around the runtime, from the session.
  backends.runner = new SessionRunner(backends.runner, options.session ?? {});
  return backends;
}

/** Finds a blob of the built-in store or the pulled-content store by digest. */
function blobFinder(
  paths: SlipwayPaths,
): (digest: string) => string | undefined {
  const stores = [paths.images, contentStore(paths).dir];
  return (digest) => {
    const [algorithm, hex] = digest.split(':');
    if (!algorithm || !hex || !/^[a-f0-9]+$/.test(hex)) return undefined;
    return stores
      .map((dir) => path.join(dir, 'blobs', algorithm, hex))
      .find((file) => fs.existsSync(file));
  };
}
