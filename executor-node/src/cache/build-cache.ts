// Wires `--cache-from` and `--cache-to` into a host build: imported caches
// answer cache lookups and fill missing snapshots; exports run after a
// successful solve as their own progress step.

import type { ProgressEvent } from '../../../core/src/index.ts';
import type { LayerStore } from '../layer/layer-store.ts';
import type { Logger } from '../logger.ts';
import type { DirSnapshotter } from '../snapshot/dir-snapshotter.ts';
import { localCache, parseCacheSpec } from './cache-spec.ts';
import type { FileCache } from './file-cache.ts';
import {
  createCacheImporter,
  exportLocalCache,
  importedRecord,
  readLocalCache,
  type ImportedCache,
} from './local-cache.ts';

/** The parts of a host build the cache options use. */
export interface CacheBackends {
  snapshots: DirSnapshotter;
  cache: FileCache;
  layers: LayerStore;
}

/** Reads `--cache-from` folders and hooks them into the backends. */
export function importCaches(
  values: string[],
  backends: CacheBackends,
  cwd: string,
  logger?: Logger,
): void {
  const caches: ImportedCache[] = [];
  for (const value of values) {
    const spec = localCache(parseCacheSpec(value), 'from');
    const dir = resolveDir(cwd, spec.dir);
    try {
      caches.push(readLocalCache(dir));
    } catch (error) {
      // BuildKit goes on without a cache it cannot read, with a warning.
      logger?.warn(
        `local cache import at ${dir} not found due to err: ${(error as Error).message}`,
      );
    }
  }
  if (caches.length === 0) return;
  const { snapshots, cache } = backends;
  snapshots.importer = createCacheImporter(caches, snapshots, cache);
  cache.fallback = (key) => importedRecord(caches, key);
}

/** Checks `--cache-to` values before the build runs. */
export function checkCacheExports(values: string[]): void {
  for (const value of values) localCache(parseCacheSpec(value), 'to');
}

/** Writes every `--cache-to` folder, each as a progress step. */
export async function exportCaches(
  values: string[],
  backends: CacheBackends,
  results: string[],
  cwd: string,
  emit: (event: ProgressEvent) => void,
): Promise<void> {
  for (const [i, value] of values.entries()) {
    const spec = localCache(parseCacheSpec(value), 'to');
    const vertex = `cache-export:${i}`;
    emit({
      kind: 'vertex-start',
      vertex,
      name: 'exporting cache to client directory',
      time: Date.now(),
    });
    try {
      await exportLocalCache(
        { ...spec, dir: resolveDir(cwd, spec.dir) },
        { ...backends, records: backends.cache, results },
      );
      emit({ kind: 'vertex-done', vertex, time: Date.now() });
    } catch (error) {
      const message = (error as Error).message;
      emit({ kind: 'vertex-error', vertex, error: message, time: Date.now() });
      throw error;
    }
  }
}

function resolveDir(cwd: string, dir: string): string {
  return dir.startsWith('/') ? dir : `${cwd}/${dir}`;
}
