// `--cache-to type=inline`: the image config of each exported image carries
// BuildKit's inline cache (`moby.buildkit.cache.v0`, the records as base64
// JSON) whose results point into the image's own layers, so pushing the
// image also pushes the cache of its steps (mode=min).

import type { ExportResult } from '../../../core/src/index.ts';
import { jsonBlob, type BuiltImage } from '../image/build-image.ts';
import type { LayerStore } from '../layer/layer-store.ts';
import type { DirSnapshotter } from '../snapshot/dir-snapshotter.ts';
import {
  encodeCacheConfig,
  INLINE_CACHE_FIELD,
  type CacheEntry,
} from './cache-config.ts';
import type { FileCache } from './file-cache.ts';

/** What the inline cache reads. */
export interface InlineCacheContext {
  snapshots: DirSnapshotter;
  layers: LayerStore;
  records: FileCache;
}

/** Returns the images with the inline cache of their results' steps. */
export async function addInlineCache(
  images: BuiltImage[],
  results: ExportResult[],
  context: InlineCacheContext,
): Promise<BuiltImage[]> {
  const out: BuiltImage[] = [];
  for (const [i, image] of images.entries()) {
    const result = results[i];
    const entries = result ? await lineageEntries(image, result, context) : [];
    out.push(entries.length > 0 ? withCache(image, entries) : image);
  }
  return out;
}

/**
 * The result's steps, root first, each with the image layers it added: the
 * root (the base image) owns the layers no later step made.
 */
async function lineageEntries(
  image: BuiltImage,
  result: ExportResult,
  context: InlineCacheContext,
): Promise<CacheEntry[]> {
  const { snapshots, layers, records } = context;
  const top = snapshots.version(result.snapshot);
  if (!top) return [];
  const lineage = snapshots.layout.lineage(top).reverse();
  const changed: boolean[] = [];
  for (const meta of lineage.slice(1)) {
    changed.push((await layers.layerOf(snapshots, meta)) !== undefined);
  }
  const config = JSON.parse(image.config.bytes.toString('utf8')) as {
    rootfs?: { diff_ids?: string[] };
  };
  const diffIds = config.rootfs?.diff_ids ?? [];
  const imageLayers = image.layers.map((layer, i) => ({
    digest: layer.digest,
    size: layer.size,
    mediaType: layer.mediaType,
    diffId: diffIds[i] ?? '',
  }));
  let next = imageLayers.length - changed.filter(Boolean).length;
  if (next < 0 || diffIds.length !== imageLayers.length) return [];

  const entries: CacheEntry[] = [];
  for (const [i, meta] of lineage.entries()) {
    const own =
      i === 0
        ? imageLayers.slice(0, next)
        : changed[i - 1]
          ? imageLayers.slice(next, ++next)
          : [];
    const record = await records.get(meta.key);
    entries.push({
      key: meta.key,
      ...(meta.parent ? { parent: meta.parent.key } : {}),
      layers: own,
      ...(record ? { record } : {}),
    });
  }
  return entries;
}

/** Adds the records to the image config and makes the manifest anew. */
function withCache(image: BuiltImage, entries: CacheEntry[]): BuiltImage {
  const { records } = encodeCacheConfig(entries);
  const doc = JSON.parse(image.config.bytes.toString('utf8')) as Record<
    string,
    unknown
  >;
  doc[INLINE_CACHE_FIELD] = Buffer.from(JSON.stringify(records)).toString(
    'base64',
  );
  const config = jsonBlob(doc, image.config.mediaType);
  const manifestDoc = JSON.parse(image.manifest.bytes.toString('utf8')) as {
    config: { mediaType: string; digest: string; size: number };
  };
  manifestDoc.config = {
    mediaType: config.mediaType,
    digest: config.digest,
    size: config.size,
  };
  const manifest = jsonBlob(manifestDoc, image.manifest.mediaType);
  return { ...image, config, manifest };
}
