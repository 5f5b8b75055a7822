// The document that carries a cache config, as BuildKit writes it: an OCI
// image manifest with the config as its config (image-manifest=true, the
// default) or an index listing the layers and the config, in OCI or Docker
// media types; and reading either back.

import { jsonBlob, type ImageBlob } from '../image/build-image.ts';
import { MEDIA_TYPES } from '../image/media-types.ts';
import {
  CACHE_CONFIG_V0,
  type BuildKitCacheConfig,
  type CacheLayer,
} from './cache-config.ts';

/** Annotation of a layer's uncompressed digest (containerd's label). */
const UNCOMPRESSED = 'containerd.io/uncompressed';
const CREATED_AT = 'buildkit/createdat';

/** How the cache document is written (BuildKit's attributes). */
export interface CacheManifestOptions {
  /** `image-manifest`: a manifest rather than an index. */
  imageManifest: boolean;
  /** `oci-mediatypes`: OCI rather than Docker media types. */
  oci: boolean;
}

/** A cache document with its config. */
export interface BuiltCacheManifest {
  manifest: ImageBlob & { bytes: Buffer };
  config: ImageBlob & { bytes: Buffer };
  /** The layers it lists, in the config's order. */
  layers: CacheLayer[];
}

/** A descriptor as the cache document lists it. */
interface ListedBlob {
  mediaType: string;
  digest: string;
  size: number;
  annotations?: Record<string, string>;
}

/** Builds the cache document over `config`, whose layers are `layers`. */
export function buildCacheManifest(
  config: BuildKitCacheConfig,
  layers: Map<string, CacheLayer>,
  options: CacheManifestOptions,
): BuiltCacheManifest {
  if (options.imageManifest && !options.oci) {
    throw new Error(
      'invalid configuration for remote cache, OCI mediatypes are required for image-manifest cache format',
    );
  }
  const types = MEDIA_TYPES[options.oci ? 'oci' : 'docker'];
  const configBlob = jsonBlob(config, CACHE_CONFIG_V0);
  const listed: CacheLayer[] = [];
  const descriptors: ListedBlob[] = [];
  for (const entry of config.layers ?? []) {
    const layer = layers.get(entry.blob);
    if (!layer || listed.some((l) => l.digest === layer.digest)) continue;
    listed.push(layer);
    descriptors.push({
      mediaType: types.layer(layer.mediaType),
      digest: layer.digest,
      size: layer.size,
      annotations: {
        [UNCOMPRESSED]: layer.diffId,
        ...(entry.annotations?.createdAt
          ? { [CREATED_AT]: entry.annotations.createdAt }
          : {}),
      },
    });
  }
  const configDescriptor = {
    mediaType: CACHE_CONFIG_V0,
    digest: configBlob.digest,
    size: configBlob.size,
  };
  const manifest = options.imageManifest
    ? jsonBlob(
        {
          schemaVersion: 2,
          mediaType: types.manifest,
          config: configDescriptor,
          layers: descriptors,
        },
        types.manifest,
      )
    : jsonBlob(
        {
          schemaVersion: 2,
          mediaType: types.index,
          manifests: [...descriptors, configDescriptor],
        },
        types.index,
      );
  return { manifest, config: configBlob, layers: listed };
}

/** What a cache document points at. */
export interface CacheManifestParts {
  /** The cache config; absent for an image (which may hold an inline cache). */
  config?: ListedBlob;
  /** Layer descriptors by digest, with the uncompressed digest when given. */
  layers: Map<string, { mediaType: string; size: number; diffId?: string }>;
  /** For an image index without a cache config: its manifests. */
  manifests: ListedBlob[];
}

/** Reads a manifest or index that may carry a cache config. */
export function readCacheManifest(bytes: Buffer): CacheManifestParts {
  const doc = JSON.parse(bytes.toString('utf8')) as {
    config?: ListedBlob;
    layers?: ListedBlob[];
    manifests?: ListedBlob[];
  };
  const listed = doc.manifests ?? doc.layers ?? [];
  const config =
    doc.config?.mediaType === CACHE_CONFIG_V0
      ? doc.config
      : listed.find((d) => d.mediaType === CACHE_CONFIG_V0);
  const layers = new Map<
    string,
    { mediaType: string; size: number; diffId?: string }
  >();
  for (const blob of doc.layers ?? doc.manifests ?? []) {
    if (blob.mediaType === CACHE_CONFIG_V0) continue;
    layers.set(blob.digest, {
      mediaType: blob.mediaType,
      size: blob.size,
      ...(blob.annotations?.[UNCOMPRESSED]
        ? { diffId: blob.annotations[UNCOMPRESSED] }
        : {}),
    });
  }
  return {
    ...(config ? { config } : {}),
    layers,
    manifests: config || !doc.manifests ? [] : doc.manifests,
  };
}
