// Imports images a user dropped: an OCI image layout (a folder or its tar) or
// a `docker save` tar, checked by digest and kept in the browser image store
// under their names, so `FROM name` builds from them offline.

import type { UseStore } from 'idb-keyval';
import { normalizeImageName } from '../../../core/src/index.ts';
import type { DroppedItems } from '../dropped-files.ts';
import { readDockerArchive } from './docker-archive.ts';
import { openArchive, readJson, type ArchiveFiles } from './image-archive.ts';
import {
  CONTAINERD_NAME,
  putImportedImage,
  REF_ANNOTATION,
  storeImageBlobs,
  type BlobSource,
  type Descriptor,
  type ImportedImage,
} from './image-store.ts';

/** One image to keep: its top descriptor, names and where its blobs are. */
export interface ImageToImport {
  names: string[];
  descriptor: Descriptor;
  blobs: BlobSource;
}

/** What an import kept. */
export interface ImportOutcome {
  format: 'oci-layout' | 'docker-save';
  images: ImportedImage[];
}

/** Reads, checks and stores the images in what was dropped. */
export async function importImages(
  items: DroppedItems,
  store: UseStore,
): Promise<ImportOutcome> {
  const archive = await openArchive(items);
  const isLayout =
    archive.files.has('oci-layout') && archive.files.has('index.json');
  if (!isLayout && !archive.files.has('manifest.json')) {
    throw new Error(
      `${archive.label}: not an OCI image layout (oci-layout, index.json) or a docker save archive (manifest.json)`,
    );
  }
  const found = isLayout
    ? readOciLayout(archive)
    : await readDockerArchive(archive);

  const images: ImportedImage[] = [];
  for (const image of found) {
    const bytes = await storeImageBlobs(store, image.descriptor, image.blobs);
    for (const name of image.names) {
      const kept = {
        name,
        descriptor: image.descriptor,
        source: archive.label,
        bytes,
      };
      await putImportedImage(store, kept);
      images.push(kept);
    }
  }
  return { format: isLayout ? 'oci-layout' : 'docker-save', images };
}

/** Lists the named images of an OCI layout's index.json. */
export function readOciLayout(archive: ArchiveFiles): ImageToImport[] {
  const layout = readJson<{ imageLayoutVersion?: string }>(
    archive,
    'oci-layout',
  );
  if (typeof layout.imageLayoutVersion !== 'string') {
    throw new Error(`${archive.label}/oci-layout: no imageLayoutVersion`);
  }
  const index = readJson<{ manifests?: Descriptor[] }>(archive, 'index.json');
  const blobs = layoutBlobs(archive);
  const images: ImageToImport[] = [];
  for (const descriptor of index.manifests ?? []) {
    const name = imageName(descriptor.annotations ?? {}, archive.label);
    if (name) images.push({ names: [name], descriptor, blobs });
  }
  if (images.length === 0) {
    throw new Error(
      `${archive.label}/index.json: no image has a name (${REF_ANNOTATION} or ${CONTAINERD_NAME} annotation)`,
    );
  }
  return images;
}

/** Reads blobs from `blobs/<algorithm>/<hex>` of a layout. */
export function layoutBlobs(archive: ArchiveFiles): BlobSource {
  const path = (digest: string) => `blobs/${digest.replace(':', '/')}`;
  return {
    has: (digest) => archive.files.has(path(digest)),
    describe: (digest) => `${archive.label}/${path(digest)}`,
    async read(digest) {
      if (!digest.startsWith('sha256:')) {
        throw new Error(
          `${archive.label}/${path(digest)}: only sha256 digests are supported`,
        );
      }
      return archive.files.get(path(digest))!;
    },
  };
}

/**
 * Returns the normalised name an index entry gives its image: containerd's
 * full name first, else the OCI ref name; a ref name without `/` or `:` is
 * a tag (as skopeo writes `3.19`), taken as a tag of the layout's folder or
 * file name.
 */
export function imageName(
  annotations: Record<string, string>,
  label: string,
): string | undefined {
  const full = annotations[CONTAINERD_NAME];
  let name = full ?? annotations[REF_ANNOTATION];
  if (!name) return undefined;
  if (!full && /^[\w][\w.-]{0,127}$/.test(name)) {
    const base = label
      .split('/')
      .pop()!
      .replace(/\.(tar|tgz|tar\.gz)$/, '')
      .toLowerCase();
    name = `${base}:${name}`;
  }
  return normalizeImageName(name) ?? name;
}
