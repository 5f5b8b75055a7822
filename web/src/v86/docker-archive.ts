// Reads a `docker save` archive (manifest.json with Config, RepoTags and
// Layers) as images for the store: each layer checked against the config's
// diff_ids, and an image manifest written for it.

import { normalizeImageName } from '../../../core/src/index.ts';
import { readJson, type ArchiveFiles } from './image-archive.ts';
import type { ImageToImport } from './image-import.ts';
import {
  gunzip,
  isGzip,
  sha256Digest,
  type BlobSource,
  type Descriptor,
} from './image-store.ts';

interface SaveEntry {
  Config?: string;
  RepoTags?: string[] | null;
  Layers?: string[];
}

interface SavedConfig {
  os?: string;
  architecture?: string;
  variant?: string;
  rootfs?: { diff_ids?: string[] };
}

const MANIFEST_TYPE = 'application/vnd.docker.distribution.manifest.v2+json';
const CONFIG_TYPE = 'application/vnd.docker.container.image.v1+json';
const LAYER_TYPE = 'application/vnd.docker.image.rootfs.diff.tar';

/** Lists the images of a `docker save` archive, every digest checked. */
export async function readDockerArchive(
  archive: ArchiveFiles,
): Promise<ImageToImport[]> {
  const entries = readJson<SaveEntry[]>(archive, 'manifest.json');
  if (!Array.isArray(entries)) {
    throw new Error(`${archive.label}/manifest.json: not a list of images`);
  }
  const images: ImageToImport[] = [];
  for (const [i, entry] of entries.entries()) {
    const names = (entry.RepoTags ?? []).map((t) => normalizeImageName(t) ?? t);
    if (names.length === 0) {
      throw new Error(
        `${archive.label}/manifest.json: image ${i + 1} has no RepoTags (save it by name: docker save NAME:TAG)`,
      );
    }
    images.push({ names, ...(await readImage(archive, entry)) });
  }
  return images;
}

async function readImage(
  archive: ArchiveFiles,
  entry: SaveEntry,
): Promise<{ descriptor: Descriptor; blobs: BlobSource }> {
  const blobs = new Map<string, { data: Uint8Array; file: string }>();
  const configPath = entry.Config ?? '';
  const config = await readBlobFile(archive, configPath);
  const configJson = readJson<SavedConfig>(archive, configPath);
  blobs.set(config.digest, { data: config.data, file: configPath });

  const diffIds = configJson.rootfs?.diff_ids ?? [];
  const paths = entry.Layers ?? [];
  if (diffIds.length !== paths.length) {
    throw new Error(
      `${archive.label}/${configPath}: ${diffIds.length} diff_ids for ${paths.length} layers in manifest.json`,
    );
  }
  const layers: Descriptor[] = [];
  for (const [i, path] of paths.entries()) {
    const layer = await readBlobFile(archive, path);
    const gzip = isGzip(layer.data);
    const diffId = gzip
      ? await sha256Digest(await gunzip(layer.data))
      : layer.digest;
    if (diffId !== diffIds[i]) {
      throw new Error(
        `${archive.label}/${path}: layer content does not match diff_id ${diffIds[i]} in ${configPath}`,
      );
    }
    blobs.set(layer.digest, { data: layer.data, file: path });
    layers.push({
      mediaType: gzip ? `${LAYER_TYPE}.gzip` : LAYER_TYPE,
      digest: layer.digest,
      size: layer.data.byteLength,
    });
  }

  const manifest = new TextEncoder().encode(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: MANIFEST_TYPE,
      config: {
        mediaType: CONFIG_TYPE,
        digest: config.digest,
        size: config.data.byteLength,
      },
      layers,
    }),
  );
  const descriptor: Descriptor = {
    mediaType: MANIFEST_TYPE,
    digest: await sha256Digest(manifest),
    size: manifest.byteLength,
    platform: {
      os: configJson.os ?? 'linux',
      architecture: configJson.architecture ?? 'amd64',
      ...(configJson.variant ? { variant: configJson.variant } : {}),
    },
  };
  blobs.set(descriptor.digest, { data: manifest, file: 'manifest.json' });
  return { descriptor, blobs: mapSource(archive.label, blobs) };
}

/**
 * Reads a file the archive names, with its digest; a name that carries a
 * digest (`<hex>.json`, `blobs/sha256/<hex>`) must match the content.
 */
async function readBlobFile(
  archive: ArchiveFiles,
  path: string,
): Promise<{ data: Uint8Array; digest: string }> {
  const data = archive.files.get(path);
  if (!data)
    throw new Error(`${archive.label}/${path || '(no path)'}: missing`);
  const digest = await sha256Digest(data);
  const named = /(?:^|\/)([0-9a-f]{64})(?:\.json)?$/.exec(path)?.[1];
  if (named && `sha256:${named}` !== digest) {
    throw new Error(
      `${archive.label}/${path}: content does not match digest sha256:${named}`,
    );
  }
  return { data, digest };
}

function mapSource(
  label: string,
  blobs: Map<string, { data: Uint8Array; file: string }>,
): BlobSource {
  return {
    has: (digest) => blobs.has(digest),
    describe: (digest) => `${label}/${blobs.get(digest)?.file ?? digest}`,
    read: async (digest) => blobs.get(digest)!.data,
  };
}
