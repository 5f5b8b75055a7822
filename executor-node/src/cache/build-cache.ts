// Wires `--cache-from` and `--cache-to` into a host build: imported caches
// (local folders, registries) answer cache lookups and fill missing
// snapshots; exports run after a successful solve as their own progress
// step; the inline cache rides in the exported images (inline-cache.ts).

import type { ProgressEvent } from '../../../core/src/index.ts';
import type { LayerStore } from '../layer/layer-store.ts';
import type { Logger } from '../logger.ts';
import type { DirSnapshotter } from '../snapshot/dir-snapshotter.ts';
import {
  createCacheImporter,
  importedRecord,
  type ImportedCache,
} from './cache-import.ts';
import {
  cacheExportTarget,
  cacheImportSource,
  parseCacheSpec,
  type CacheExportTarget,
} from './cache-spec.ts';
import type { FileCache } from './file-cache.ts';
import { exportLocalCache, readLocalCache } from './local-cache.ts';
import {
  exportRegistryCache,
  importRegistryCache,
  type RegistryAccess,
  type TrackRow,
} from './registry-cache.ts';

/** The parts of a host build the cache options use. */
export interface CacheBackends {
  snapshots: DirSnapshotter;
  cache: FileCache;
  layers: LayerStore;
  registry: RegistryAccess;
}

type Emit = (event: ProgressEvent) => void;

/** Reads `--cache-from` sources and hooks them into the backends. */
export async function importCaches(
  values: string[],
  backends: CacheBackends,
  cwd: string,
  emit: Emit,
  logger?: Logger,
): Promise<void> {
  const caches: ImportedCache[] = [];
  for (const [i, value] of values.entries()) {
    const source = cacheImportSource(parseCacheSpec(value));
    if (source.type === 'local') {
      const dir = resolveDir(cwd, source.dir);
      try {
        caches.push(readLocalCache(dir, source.tag));
      } catch (error) {
        // BuildKit goes on without a cache it cannot read, with a warning.
        logger?.warn(
          `local cache import at ${dir} not found due to err: ${(error as Error).message}`,
        );
      }
      continue;
    }
    // BuildKit shows the import as a step that may fail without failing
    // the build.
    const vertex = `cache-import:${i}`;
    emit({
      kind: 'vertex-start',
      vertex,
      name: `importing cache manifest from ${source.ref}`,
      time: Date.now(),
    });
    try {
      caches.push(await importRegistryCache(source.ref, backends.registry));
      emit({ kind: 'vertex-done', vertex, time: Date.now() });
    } catch (error) {
      const message = `failed to configure registry cache importer: ${(error as Error).message}`;
      emit({ kind: 'vertex-error', vertex, error: message, time: Date.now() });
    }
  }
  if (caches.length === 0) return;
  const { snapshots, cache } = backends;
  snapshots.importer = createCacheImporter(caches, snapshots, cache);
  cache.fallback = (key) => importedRecord(caches, key);
}

/** Checks `--cache-to` values before the build runs. */
export function checkCacheExports(values: string[]): CacheExportTarget[] {
  return values.map((value) => cacheExportTarget(parseCacheSpec(value)));
}

/** Reports whether a `--cache-to` asks for the inline cache. */
export function wantsInlineCache(values: string[]): boolean {
  return checkCacheExports(values).some((t) => t.type === 'inline');
}

/** Writes every `--cache-to` target but the inline one, each as a progress step. */
export async function exportCaches(
  values: string[],
  backends: CacheBackends,
  results: string[],
  cwd: string,
  emit: Emit,
): Promise<void> {
  const context = { ...backends, records: backends.cache, results };
  for (const [i, target] of checkCacheExports(values).entries()) {
    if (target.type === 'inline') continue;
    const vertex = `cache-export:${i}`;
    const track: TrackRow = async (id, work) => {
      const started = Date.now();
      const status = (completed?: number) =>
        emit({
          kind: 'vertex-status',
          vertex,
          id,
          current: 0,
          started,
          ...(completed === undefined ? {} : { completed }),
          time: completed ?? started,
        });
      status();
      const value = await work();
      status(Date.now());
      return value;
    };
    emit({
      kind: 'vertex-start',
      vertex,
      name:
        target.type === 'local'
          ? 'exporting cache to client directory'
          : 'exporting cache to registry',
      time: Date.now(),
    });
    try {
      if (target.type === 'local') {
        await exportLocalCache(
          { ...target, dir: resolveDir(cwd, target.dir) },
          context,
        );
      } else {
        await exportRegistryCache(target, context, backends.registry, track);
      }
      emit({ kind: 'vertex-done', vertex, time: Date.now() });
    } catch (error) {
      const message = (error as Error).message;
      emit({ kind: 'vertex-error', vertex, error: message, time: Date.now() });
      // ignore-error=true: the build still succeeds, as in BuildKit.
      if (!target.ignoreError) throw error;
    }
  }
}

function resolveDir(cwd: string, dir: string): string {
  return dir.startsWith('/') ? dir : `${cwd}/${dir}`;
}
