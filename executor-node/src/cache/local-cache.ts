// `--cache-to type=local` and `--cache-from type=local`: BuildKit's cache
// manifest in an OCI layout folder (index.json names it by tag, default
// `latest`), the steps' layers among its blobs. Folders in Slipway's older
// format (its own config type) are still read.

import fs from 'node:fs';
import path from 'node:path';

import { writeLayoutDir } from '../export/atomic-output.ts';
import type { LayoutFile } from '../export/image-layout.ts';
import {
  annotatedLayers,
  decodeCacheConfig,
  encodeCacheConfig,
  type BuildKitCacheConfig,
  type CacheEntry,
  type CacheLayer,
} from './cache-config.ts';
import {
  buildCacheManifest,
  readCacheManifest,
  type CacheManifestOptions,
} from './cache-manifest.ts';
import type { LocalCacheSpec } from './cache-spec.ts';
import type { ImportedCache } from './cache-import.ts';
import {
  collectCacheEntries,
  type CacheExportContext,
} from './collect-entries.ts';

/** The config type of folders written by earlier Slipway versions. */
const LEGACY_CONFIG_TYPE = 'application/vnd.slipway.cache.config.v1+json';

/** Writes the build's steps to a local cache folder, replacing it as a whole. */
export async function exportLocalCache(
  spec: LocalCacheSpec,
  context: CacheExportContext,
): Promise<number> {
  const { entries, files } = await collectCacheEntries(spec.mode, context);
  const built = buildCacheManifest(
    encodeCacheConfig(entries),
    layersOf(entries),
    spec.manifest,
  );
  const index = {
    schemaVersion: 2,
    mediaType: 'application/vnd.oci.image.index.v1+json',
    manifests: [
      {
        mediaType: built.manifest.mediaType,
        digest: built.manifest.digest,
        size: built.manifest.size,
        annotations: { 'org.opencontainers.image.ref.name': spec.tag },
      },
    ],
  };
  const blobs: LayoutFile[] = [built.manifest, built.config].map((blob) => ({
    path: blobPath(blob.digest),
    size: blob.size,
    bytes: blob.bytes,
  }));
  for (const layer of built.layers) {
    blobs.push({
      path: blobPath(layer.digest),
      size: layer.size,
      file: files.get(layer.digest),
    });
  }
  writeLayoutDir(
    [
      jsonFile('oci-layout', { imageLayoutVersion: '1.0.0' }),
      jsonFile('index.json', index),
      ...blobs,
    ],
    spec.dir,
  );
  return entries.length;
}

/** Reads a local cache folder: the manifest its index names by `tag`. */
export function readLocalCache(dir: string, tag = 'latest'): ImportedCache {
  const index = JSON.parse(
    fs.readFileSync(path.join(dir, 'index.json'), 'utf8'),
  ) as {
    manifests?: {
      mediaType?: string;
      digest: string;
      annotations?: Record<string, string>;
    }[];
  };
  const manifests = index.manifests ?? [];
  const legacy = manifests.find((m) => m.mediaType === LEGACY_CONFIG_TYPE);
  const blob = (layer: CacheLayer) =>
    Promise.resolve(blobFile(dir, layer.digest));
  if (legacy) {
    return { source: dir, entries: readLegacy(dir, legacy.digest), blob };
  }
  const named = manifests.find(
    (m) => m.annotations?.['org.opencontainers.image.ref.name'] === tag,
  );
  if (!named) throw new Error(`no digest found for tag ${tag}`);
  const parts = readCacheManifest(fs.readFileSync(blobFile(dir, named.digest)));
  if (!parts.config) {
    throw new Error(`${named.digest} in ${dir} is not a cache manifest`);
  }
  const config = JSON.parse(
    fs.readFileSync(blobFile(dir, parts.config.digest), 'utf8'),
  ) as BuildKitCacheConfig;
  const entries = decodeCacheConfig(
    config,
    annotatedLayers(config, parts.layers),
  );
  return { source: dir, entries, blob };
}

/** Returns a cache folder's blob file; refuses digests that are not paths. */
export function blobFile(dir: string, digest: string): string {
  const [algorithm, hex] = digest.split(':');
  if (!algorithm || !hex || !/^[a-f0-9]+$/.test(hex)) {
    throw new Error(`invalid digest "${digest}" in the cache at ${dir}`);
  }
  return path.join(dir, 'blobs', algorithm, hex);
}

/** The default document shape of a cache export (BuildKit's defaults). */
export const DEFAULT_MANIFEST: CacheManifestOptions = {
  imageManifest: true,
  oci: true,
};

/** Collects the distinct layers of entries by digest. */
export function layersOf(entries: CacheEntry[]): Map<string, CacheLayer> {
  const out = new Map<string, CacheLayer>();
  for (const entry of entries) {
    for (const layer of entry.layers) out.set(layer.digest, layer);
  }
  return out;
}

interface LegacyEntry {
  key: string;
  parent?: string;
  layer: CacheLayer | null;
  record?: CacheEntry['record'];
}

function readLegacy(dir: string, digest: string): Map<string, CacheEntry> {
  const config = JSON.parse(fs.readFileSync(blobFile(dir, digest), 'utf8')) as {
    entries: LegacyEntry[];
  };
  return new Map(
    config.entries.map((entry) => [
      entry.key,
      {
        key: entry.key,
        ...(entry.parent ? { parent: entry.parent } : {}),
        layers: entry.layer ? [entry.layer] : [],
        ...(entry.record ? { record: entry.record } : {}),
      },
    ]),
  );
}

function blobPath(digest: string): string {
  return `blobs/${digest.replace(':', '/')}`;
}

function jsonFile(file: string, doc: unknown): LayoutFile {
  const bytes = Buffer.from(JSON.stringify(doc));
  return { path: file, size: bytes.length, bytes };
}
