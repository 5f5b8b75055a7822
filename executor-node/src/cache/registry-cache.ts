// `--cache-to type=registry,ref=REF` and `--cache-from type=registry,ref=REF`:
// BuildKit's cache manifest pushed under a tag (layers, then the config,
// then the manifest), and read back, its layers fetched into the content
// store only when a step needs them. A reference to an image with an inline
// cache (`--cache-to type=inline`) is read too.

import fs from 'node:fs';

import type { ContentStore } from '../registry/content-store.ts';
import { parseRegistryReference } from '../registry/image-ref.ts';
import type { RegistryReference } from '../registry/image-ref.ts';
import type { Descriptor } from '../registry/media-types.ts';
import type { RegistryClient } from '../registry/registry-client.ts';
import {
  annotatedLayers,
  decodeCacheConfig,
  encodeCacheConfig,
  INLINE_CACHE_FIELD,
  type BuildKitCacheConfig,
  type BuildKitCacheRecord,
  type CacheEntry,
  type CacheLayer,
} from './cache-config.ts';
import type { ImportedCache } from './cache-import.ts';
import { buildCacheManifest, readCacheManifest } from './cache-manifest.ts';
import type { CacheExportTarget } from './cache-spec.ts';
import {
  collectCacheEntries,
  type CacheExportContext,
} from './collect-entries.ts';
import { layersOf } from './local-cache.ts';

/** The registry side a cache import or export uses. */
export interface RegistryAccess {
  client: RegistryClient;
  content: ContentStore;
}

/** Runs one part of an export as a progress row named `id`. */
export type TrackRow = <T>(id: string, work: () => Promise<T>) => Promise<T>;

/** BuildKit reads cache configs up to this size. */
const MAX_CONFIG_BYTES = 1 << 20;

/** Pushes the build's steps as a cache manifest; returns its digest. */
export async function exportRegistryCache(
  target: Extract<CacheExportTarget, { type: 'registry' }>,
  context: CacheExportContext,
  access: RegistryAccess,
  track: TrackRow,
): Promise<string> {
  const ref = parseRegistryReference(target.ref);
  const { client } = access;
  const built = await track('preparing build cache for export', async () => {
    const { entries, files } = await collectCacheEntries(target.mode, context);
    return {
      files,
      ...buildCacheManifest(
        encodeCacheConfig(entries),
        layersOf(entries),
        target.manifest,
      ),
    };
  });

  for (const layer of built.layers) {
    const file = built.files.get(layer.digest);
    if (!file) throw new Error(`internal: layer ${layer.digest} has no file`);
    await track(`writing layer ${layer.digest}`, async () => {
      if (await client.hasBlob(ref, layer.digest)) return;
      await client.pushBlob(ref, layer.digest, layer.size, () =>
        fs.createReadStream(file),
      );
    });
  }
  const { config, manifest } = built;
  await track(`writing config ${config.digest}`, async () => {
    if (await client.hasBlob(ref, config.digest)) return;
    await client.pushBlob(ref, config.digest, config.size, () => config.bytes);
  });
  const what = target.manifest.imageManifest
    ? 'cache image manifest'
    : 'cache manifest';
  await track(`writing ${what} ${manifest.digest}`, async () => {
    const pushed = await client.pushManifest(
      ref,
      ref.tag ?? 'latest',
      manifest.mediaType,
      manifest.bytes,
    );
    if (pushed !== manifest.digest) {
      throw new Error(
        `failed to push ${ref.full}: manifest ${manifest.digest} reads as ${pushed}`,
      );
    }
  });
  return manifest.digest;
}

/**
 * Reads the cache behind a reference: a cache manifest, or an image (or
 * index of images) whose configs carry an inline cache.
 */
export async function importRegistryCache(
  refText: string,
  access: RegistryAccess,
): Promise<ImportedCache> {
  const ref = parseRegistryReference(refText);
  const { client } = access;
  const root = await client.getManifest(ref);
  const parts = readCacheManifest(root.bytes);
  const fetchJson = async (descriptor: { digest: string; size: number }) => {
    if (descriptor.size > MAX_CONFIG_BYTES) {
      throw new Error(
        `blob ${descriptor.digest} is too large (${descriptor.size} > ${MAX_CONFIG_BYTES})`,
      );
    }
    const file = await fetchBlob(access, ref, descriptor);
    return JSON.parse(fs.readFileSync(file, 'utf8')) as unknown;
  };
  const blob = (layer: CacheLayer) => fetchBlob(access, ref, layer);

  if (parts.config) {
    const config = (await fetchJson(parts.config)) as BuildKitCacheConfig;
    const entries = decodeCacheConfig(
      config,
      annotatedLayers(config, parts.layers),
    );
    return { source: ref.full, entries, blob };
  }

  // No cache config: an image, or an index of images, with inline caches.
  const manifests: Buffer[] = [];
  if (parts.manifests.length === 0) manifests.push(root.bytes);
  for (const child of parts.manifests) {
    const fetched = await client.getManifest(
      { ...ref, tag: undefined, digest: child.digest },
      root.endpoint,
    );
    manifests.push(fetched.bytes);
  }
  const entries = new Map<string, CacheEntry>();
  for (const bytes of manifests) {
    const manifest = JSON.parse(bytes.toString('utf8')) as {
      config?: Descriptor;
      layers?: Descriptor[];
    };
    if (!manifest.config || !manifest.layers?.length) continue;
    const image = (await fetchJson(manifest.config)) as Record<string, unknown>;
    for (const [key, entry] of readInlineCache(image, manifest.layers)) {
      entries.set(key, entry);
    }
  }
  return { source: ref.full, entries, blob };
}

/** Decodes the inline cache of one image: records over the image's layers. */
export function readInlineCache(
  image: Record<string, unknown>,
  layers: Descriptor[],
): Map<string, CacheEntry> {
  const field = image[INLINE_CACHE_FIELD];
  const diffIds = (image.rootfs as { diff_ids?: string[] } | undefined)
    ?.diff_ids;
  if (typeof field !== 'string' || diffIds?.length !== layers.length) {
    return new Map();
  }
  const records = JSON.parse(
    Buffer.from(field, 'base64').toString('utf8'),
  ) as BuildKitCacheRecord[];
  const config: BuildKitCacheConfig = {
    layers: layers.map((layer, i) => ({ blob: layer.digest, parent: i - 1 })),
    records,
  };
  return decodeCacheConfig(config, (digest, index) => {
    const layer = layers[index];
    const diffId = diffIds[index];
    if (!layer || layer.digest !== digest || !diffId) return undefined;
    return { digest, size: layer.size, diffId, mediaType: layer.mediaType };
  });
}

/** Fetches a blob into the content store unless it is there; returns its file. */
async function fetchBlob(
  access: RegistryAccess,
  ref: RegistryReference,
  descriptor: { digest: string; size: number },
): Promise<string> {
  const { content, client } = access;
  if (!content.has(descriptor.digest)) {
    await client.fetchBlob(
      ref,
      descriptor.digest,
      () => content.writer(descriptor.digest, descriptor.size),
      () => {},
    );
  }
  return content.path(descriptor.digest);
}
