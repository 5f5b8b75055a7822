// Imported caches (local folders, registries): a missing snapshot is made
// from a cached step's layers over its parent the first time a step asks,
// and the step's cache record comes along.

import type { CacheRecord } from '../../../core/src/index.ts';
import type { DirSnapshotter } from '../snapshot/dir-snapshotter.ts';
import { unpackLayer } from '../store/unpack-layer.ts';
import type { CacheEntry, CacheLayer } from './cache-config.ts';
import type { FileCache } from './file-cache.ts';

/** The steps one imported cache holds, by cache key. */
export interface ImportedCache {
  /** Where it came from (a folder or a reference), for messages. */
  source: string;
  entries: Map<string, CacheEntry>;
  /** Returns a local file holding a layer blob, fetching it when needed. */
  blob(layer: CacheLayer): Promise<string>;
}

/**
 * Returns a function that makes the snapshot of a cached step (its parent
 * first) from the imported layers, and keeps its cache record; it answers
 * false when the caches do not hold the step or its parents.
 */
export function createCacheImporter(
  caches: ImportedCache[],
  snapshots: DirSnapshotter,
  records: FileCache,
): (key: string) => Promise<boolean> {
  const pending = new Map<string, Promise<boolean>>();
  const materialize = async (key: string): Promise<boolean> => {
    const cache = caches.find((c) => c.entries.has(key));
    const entry = cache?.entries.get(key);
    if (!cache || !entry) return false;
    if (entry.parent !== undefined && !(await snapshots.has(entry.parent))) {
      return false;
    }
    const active = await snapshots.prepare(key, entry.parent);
    try {
      for (const layer of entry.layers) {
        await unpackLayer(await cache.blob(layer), layer, active.handle);
      }
    } catch (error) {
      await snapshots.abort(active);
      throw new Error(
        `failed to import cache for ${key} from ${cache.source}: ${(error as Error).message}`,
      );
    }
    await snapshots.commit(active);
    if (entry.record && !(await records.get(key))) {
      await records.put(entry.record);
    }
    return true;
  };
  return (key) => {
    let known = pending.get(key);
    if (!known) {
      known = materialize(key);
      pending.set(key, known);
    }
    return known;
  };
}

/** Returns the cached record of a key in the imported caches, if any. */
export function importedRecord(
  caches: ImportedCache[],
  key: string,
): CacheRecord | undefined {
  for (const cache of caches) {
    const record = cache.entries.get(key)?.record;
    if (record) return record;
  }
  return undefined;
}
