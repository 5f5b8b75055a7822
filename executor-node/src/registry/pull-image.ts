// Pulls an image's metadata for one platform (the manifest or index by tag,
// the platform's manifest, its config) and, later, its layers, keeping every
// document and blob in the content store under its verified digest.

import { DigestMismatchError, type ContentStore } from './content-store.ts';
import type { RegistryReference } from './image-ref.ts';
import {
  isIndexType,
  isManifestType,
  type Descriptor,
  type ImageIndex,
  type ImageManifest,
} from './media-types.ts';
import type { RegistryClient } from './registry-client.ts';
import type { RegistryEndpoint } from './registry-config.ts';
import { matchesPlatform } from '../store/platform-match.ts';
import { formatBytes, formatSeconds } from './format-bytes.ts';

/** An image resolved in a registry for one platform. */
export interface RemoteImage {
  ref: RegistryReference;
  /** The digest the tag named (an index, or the manifest itself). */
  rootDigest: string;
  /** The platform's manifest digest. */
  digest: string;
  manifest: ImageManifest;
  /** The parsed image config blob. */
  config: Record<string, unknown>;
  /** The endpoint that answered, tried first for blobs. */
  endpoint?: RegistryEndpoint;
}

/** Reports pull progress as lines, BuildKit's status rows. */
export type PullLog = (line: string) => void;

/** Layers downloaded at once. */
const PARALLEL_DOWNLOADS = 3;
/** Least time between two progress rows of one blob. */
const PROGRESS_INTERVAL_MS = 1000;

/**
 * Resolves `ref` for `platform` in its registry: an index's entry for the
 * platform, or the one manifest the tag names, whatever its platform;
 * throws with the registry's reason.
 */
export async function resolveRemoteImage(
  client: RegistryClient,
  store: ContentStore,
  ref: RegistryReference,
  platform: string,
): Promise<RemoteImage> {
  const head = await client.headManifest(ref);
  let endpoint: RegistryEndpoint | undefined = head.endpoint;
  const readManifest = async (digest: string) => {
    if (store.has(digest))
      return JSON.parse(store.read(digest).toString('utf8'));
    const fetched = await client.getManifest(
      { ...ref, tag: undefined, digest },
      endpoint,
    );
    endpoint = fetched.endpoint;
    await store.put(fetched.bytes, digest);
    return JSON.parse(fetched.bytes.toString('utf8'));
  };

  let digest = head.digest;
  let document = (await readManifest(digest)) as ImageIndex | ImageManifest;
  for (let depth = 0; isIndex(document); depth++) {
    const entry = depth < 4 ? selectPlatform(document, platform) : undefined;
    if (!entry) throw new Error('no match for platform in manifest: not found');
    digest = entry.digest;
    document = (await readManifest(digest)) as ImageIndex | ImageManifest;
  }

  const manifest = document as ImageManifest;
  if (!manifest.config?.digest || !Array.isArray(manifest.layers)) {
    throw new Error(`unsupported manifest ${digest} (no config or layers)`);
  }
  if (manifest.mediaType && !isManifestType(manifest.mediaType)) {
    throw new Error(`unsupported manifest media type ${manifest.mediaType}`);
  }
  await ensureBlob(client, store, ref, manifest.config, endpoint);
  // A tag naming one manifest serves every platform, as in containerd: the
  // caller compares the config's platform (BuildKit warns on a mismatch).
  const config = JSON.parse(
    store.read(manifest.config.digest).toString('utf8'),
  ) as Record<string, unknown>;
  return { ref, rootDigest: head.digest, digest, manifest, config, endpoint };
}

/** Downloads the layers the store lacks, a few at a time, reporting progress. */
export async function pullLayers(
  client: RegistryClient,
  store: ContentStore,
  image: RemoteImage,
  log: PullLog,
  now: () => number = Date.now,
): Promise<void> {
  const missing = image.manifest.layers.filter((l) => !store.has(l.digest));
  let next = 0;
  const worker = async () => {
    while (next < missing.length) {
      const layer = missing[next++]!;
      await downloadWithProgress(client, store, image, layer, log, now);
    }
  };
  const workers = Array.from(
    { length: Math.min(PARALLEL_DOWNLOADS, missing.length) },
    worker,
  );
  await Promise.all(workers);
}

async function downloadWithProgress(
  client: RegistryClient,
  store: ContentStore,
  image: RemoteImage,
  layer: Descriptor,
  log: PullLog,
  now: () => number,
): Promise<void> {
  const started = now();
  let shown = started;
  const total = formatBytes(layer.size);
  const row = (received: number) =>
    `${layer.digest} ${formatBytes(received)} / ${total} ${formatSeconds((now() - started) / 1000)}`;

  await ensureBlob(
    client,
    store,
    image.ref,
    layer,
    image.endpoint,
    (received) => {
      if (now() - shown < PROGRESS_INTERVAL_MS) return;
      shown = now();
      log(row(received));
    },
  );
  log(`${row(layer.size)} done`);
}

/** Fetches one blob into the store unless it is there; the store checks digest and size. */
async function ensureBlob(
  client: RegistryClient,
  store: ContentStore,
  ref: RegistryReference,
  descriptor: Descriptor,
  endpoint: RegistryEndpoint | undefined,
  onBytes: (received: number) => void = () => {},
): Promise<void> {
  if (store.has(descriptor.digest)) return;
  try {
    await client.fetchBlob(
      ref,
      descriptor.digest,
      () => store.writer(descriptor.digest, descriptor.size),
      onBytes,
      endpoint,
    );
  } catch (error) {
    if (error instanceof DigestMismatchError) {
      throw new Error(
        `failed to copy ${descriptor.digest} from ${ref.full}: ${error.message}`,
      );
    }
    throw error;
  }
}

/** Picks the index entry for a platform (`arm64` is `arm64/v8`, `arm` is `arm/v7`). */
export function selectPlatform(
  index: ImageIndex,
  platform: string,
): Descriptor | undefined {
  return index.manifests.find(
    (entry) =>
      (isIndexType(entry.mediaType) && !entry.platform) ||
      (entry.platform !== undefined &&
        matchesPlatform(entry.platform, platform)),
  );
}

function isIndex(document: ImageIndex | ImageManifest): document is ImageIndex {
  return (
    isIndexType(document.mediaType) ||
    Array.isArray((document as ImageIndex).manifests)
  );
}
