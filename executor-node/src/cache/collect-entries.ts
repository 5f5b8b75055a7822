// The steps a cache export holds: the results' snapshots (mode=min) or every
// snapshot the build used (mode=max), with their ancestors, each with its
// layer over its parent, its cache record and when it was made.

import fs from 'node:fs';
import path from 'node:path';

import type { LayerStore } from '../layer/layer-store.ts';
import type { DirSnapshotter } from '../snapshot/dir-snapshotter.ts';
import type { SnapshotMeta } from '../snapshot/snapshot-layout.ts';
import type { CacheEntry } from './cache-config.ts';
import type { FileCache } from './file-cache.ts';

/** What an export reads. */
export interface CacheExportContext {
  snapshots: DirSnapshotter;
  layers: LayerStore;
  records: FileCache;
  /** The results' snapshot keys. */
  results: string[];
}

/** Entries, parents first, and the files of their layer blobs. */
export interface CollectedEntries {
  entries: CacheEntry[];
  files: Map<string, string>;
}

/** Collects the entries of a cache export. */
export async function collectCacheEntries(
  mode: 'min' | 'max',
  context: CacheExportContext,
): Promise<CollectedEntries> {
  const { snapshots, layers, records } = context;
  const keys =
    mode === 'max'
      ? [...new Set([...context.results, ...snapshots.usedKeys()])]
      : context.results;
  // One version per key, the current one where a lineage passes an older.
  const versions = new Map<string, SnapshotMeta>();
  for (const key of keys) {
    const top = snapshots.version(key);
    if (!top) continue;
    for (const meta of snapshots.layout.lineage(top).reverse()) {
      if (versions.has(meta.key)) continue;
      versions.set(meta.key, snapshots.version(meta.key) ?? meta);
    }
  }

  const entries: CacheEntry[] = [];
  const files = new Map<string, string>();
  for (const meta of versions.values()) {
    const layer = await layers.layerOf(snapshots, meta);
    const record = await records.get(meta.key);
    // meta.json is written once, at the commit; the folder itself gains
    // files later (root-facts.json).
    const made = fs.statSync(
      path.join(snapshots.layout.version(meta.id), 'meta.json'),
    ).mtime;
    entries.push({
      key: meta.key,
      ...(meta.parent ? { parent: meta.parent.key } : {}),
      layers: layer
        ? [
            {
              digest: layer.digest,
              size: layer.size,
              diffId: layer.diffId,
              mediaType: layer.mediaType,
            },
          ]
        : [],
      ...(record ? { record } : {}),
      createdAt: made.toISOString(),
    });
    if (layer) files.set(layer.digest, layers.blobPath(layer.digest));
  }
  return { entries, files };
}
