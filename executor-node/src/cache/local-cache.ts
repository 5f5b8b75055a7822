// `--cache-to type=local` and `--cache-from type=local`: the steps' layers
// and cache records in an OCI layout folder (index.json, blobs/), and on
// import a snapshot made from those layers the first time a step asks.

import fs from 'node:fs';
import path from 'node:path';

import type { CacheRecord } from '../../../core/src/index.ts';
import { writeLayoutDir } from '../export/atomic-output.ts';
import type { LayoutFile } from '../export/image-layout.ts';
import { jsonBlob } from '../image/build-image.ts';
import type { LayerStore } from '../layer/layer-store.ts';
import type { DirSnapshotter } from '../snapshot/dir-snapshotter.ts';
import type { SnapshotMeta } from '../snapshot/snapshot-layout.ts';
import { unpackLayer } from '../store/unpack-layer.ts';
import type { LocalCacheSpec } from './cache-spec.ts';
import type { FileCache } from './file-cache.ts';

/** The media type of the document listing a cache folder's steps. */
export const CACHE_CONFIG_TYPE = 'application/vnd.slipway.cache.config.v1+json';

/** One cached step: its layer over its parent and what the cache remembers. */
export interface CacheEntry {
  key: string;
  parent?: string;
  /** Null when the step changed no file. */
  layer: {
    digest: string;
    size: number;
    diffId: string;
    mediaType: string;
  } | null;
  record?: CacheRecord;
}

/** What an export reads. */
export interface CacheExportContext {
  snapshots: DirSnapshotter;
  layers: LayerStore;
  records: FileCache;
  /** The results' snapshot keys. */
  results: string[];
}

/** Writes the build's steps to a local cache folder, replacing it as a whole. */
export async function exportLocalCache(
  spec: LocalCacheSpec,
  context: CacheExportContext,
): Promise<number> {
  const { snapshots, layers, records } = context;
  const keys =
    spec.mode === 'max'
      ? [...new Set([...context.results, ...snapshots.usedKeys()])]
      : context.results;
  const versions = new Map<string, SnapshotMeta>();
  for (const key of keys) {
    const top = snapshots.version(key);
    if (!top) continue;
    for (const meta of snapshots.layout.lineage(top))
      versions.set(meta.id, meta);
  }

  const entries: CacheEntry[] = [];
  const blobs: LayoutFile[] = [];
  for (const meta of [...versions.values()].reverse()) {
    const layer = await layers.layerOf(snapshots, meta);
    const record = await records.get(meta.key);
    entries.push({
      key: meta.key,
      ...(meta.parent ? { parent: meta.parent.key } : {}),
      layer: layer
        ? {
            digest: layer.digest,
            size: layer.size,
            diffId: layer.diffId,
            mediaType: layer.mediaType,
          }
        : null,
      ...(record ? { record } : {}),
    });
    if (layer) {
      blobs.push({
        path: `blobs/sha256/${layer.digest.slice('sha256:'.length)}`,
        size: layer.size,
        file: layers.blobPath(layer.digest),
      });
    }
  }

  const config = jsonBlob({ entries }, CACHE_CONFIG_TYPE);
  const index = {
    schemaVersion: 2,
    mediaType: 'application/vnd.oci.image.index.v1+json',
    manifests: [
      {
        mediaType: CACHE_CONFIG_TYPE,
        digest: config.digest,
        size: config.size,
        annotations: { 'org.opencontainers.image.ref.name': 'latest' },
      },
    ],
  };
  writeLayoutDir(
    [
      jsonFile('oci-layout', { imageLayoutVersion: '1.0.0' }),
      jsonFile('index.json', index),
      {
        path: `blobs/sha256/${config.digest.slice('sha256:'.length)}`,
        size: config.size,
        bytes: config.bytes,
      },
      ...uniqueByPath(blobs),
    ],
    spec.dir,
  );
  return entries.length;
}

/** The steps a local cache folder holds, by cache key. */
export interface ImportedCache {
  dir: string;
  entries: Map<string, CacheEntry>;
}

/** Reads a local cache folder written by `exportLocalCache`. */
export function readLocalCache(dir: string): ImportedCache {
  const indexFile = path.join(dir, 'index.json');
  const index = JSON.parse(fs.readFileSync(indexFile, 'utf8')) as {
    manifests?: { mediaType?: string; digest: string }[];
  };
  const descriptor = index.manifests?.find(
    (m) => m.mediaType === CACHE_CONFIG_TYPE,
  );
  if (!descriptor) {
    throw new Error(`${dir} is not a cache folder written by slipway`);
  }
  const config = JSON.parse(
    fs.readFileSync(blobFile(dir, descriptor.digest), 'utf8'),
  ) as { entries: CacheEntry[] };
  return {
    dir,
    entries: new Map(config.entries.map((entry) => [entry.key, entry])),
  };
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
      if (entry.layer) {
        await unpackLayer(
          blobFile(cache.dir, entry.layer.digest),
          entry.layer,
          active.handle,
        );
      }
    } catch (error) {
      await snapshots.abort(active);
      throw new Error(
        `failed to import cache for ${key} from ${cache.dir}: ${(error as Error).message}`,
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

function blobFile(dir: string, digest: string): string {
  const [algorithm, hex] = digest.split(':');
  if (!algorithm || !hex || !/^[a-f0-9]+$/.test(hex)) {
    throw new Error(`invalid digest "${digest}" in the cache at ${dir}`);
  }
  return path.join(dir, 'blobs', algorithm, hex);
}

function jsonFile(file: string, doc: unknown): LayoutFile {
  const bytes = Buffer.from(JSON.stringify(doc));
  return { path: file, size: bytes.length, bytes };
}

function uniqueByPath(files: LayoutFile[]): LayoutFile[] {
  return [...new Map(files.map((f) => [f.path, f])).values()];
}
