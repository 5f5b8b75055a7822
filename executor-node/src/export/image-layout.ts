// The files of an OCI image layout (`oci-layout`, `index.json`, `blobs/`)
// over built images, with an index over the platforms in multi-platform
// mode, and Docker's `manifest.json` for the docker variant.

import {
  descriptor,
  jsonBlob,
  type BuiltImage,
  type ImageBlob,
} from '../image/build-image.ts';
import { MEDIA_TYPES, type MediaVariant } from '../image/media-types.ts';
import { parseReference } from '../store/reference.ts';

/** One file of a layout: bytes in memory or a file to copy. */
export interface LayoutFile {
  path: string;
  size: number;
  bytes?: Buffer;
  file?: string;
}

/** How the layout names and groups its images. */
export interface LayoutOptions {
  variant: MediaVariant;
  /** Image names from the `name` attribute (may be empty). */
  names: string[];
  /** Writes an index over the platforms instead of one manifest. */
  multiPlatform: boolean;
}

/** The text BuildKit's docker exporter gives for a multi-platform result. */
export const DOCKER_MULTI_PLATFORM_ERROR =
  'docker exporter does not currently support exporting manifest lists';

/** Lists the files of a layout holding `images`, blobs last. */
export function layoutFiles(
  images: BuiltImage[],
  options: LayoutOptions,
): LayoutFile[] {
  if (options.variant === 'docker' && options.multiPlatform) {
    throw new Error(DOCKER_MULTI_PLATFORM_ERROR);
  }
  const blobs = new Map<string, ImageBlob>();
  const add = (blob: ImageBlob) => blobs.set(blob.digest, blob);
  for (const image of images) {
    image.layers.forEach(add);
    add(image.config);
    add(image.manifest);
  }

  let top: ImageBlob;
  if (options.multiPlatform) {
    const index = jsonBlob(
      {
        schemaVersion: 2,
        mediaType: MEDIA_TYPES[options.variant].index,
        manifests: images.map((image) => ({
          ...descriptor(image.manifest),
          platform: image.platform,
        })),
      },
      MEDIA_TYPES[options.variant].index,
    );
    add(index);
    top = index;
  } else {
    const only = images[0];
    if (!only) throw new Error('internal: no image to export');
    top = only.manifest;
  }

  const refs = options.names.map((name) => parseReference(name));
  const entries =
    refs.length === 0
      ? [descriptor(top)]
      : refs.map((ref) => ({
          ...descriptor(top),
          annotations: {
            'io.containerd.image.name': fullName(ref),
            ...(ref.tag
              ? { 'org.opencontainers.image.ref.name': ref.tag }
              : {}),
          },
        }));
  const files: LayoutFile[] = [
    textFile('oci-layout', { imageLayoutVersion: '1.0.0' }),
    textFile('index.json', {
      schemaVersion: 2,
      mediaType: MEDIA_TYPES.oci.index,
      manifests: entries,
    }),
  ];
  if (options.variant === 'docker') {
    const image = images[0] as BuiltImage;
    files.push(
      textFile('manifest.json', [
        {
          Config: blobPath(image.config.digest),
          RepoTags: refs.filter((r) => r.tag).map(familiarName),
          Layers: image.layers.map((layer) => blobPath(layer.digest)),
        },
      ]),
    );
  }
  for (const blob of blobs.values()) {
    files.push({
      path: blobPath(blob.digest),
      size: blob.size,
      ...(blob.bytes ? { bytes: blob.bytes } : {}),
      ...(blob.file ? { file: blob.file } : {}),
    });
  }
  return files;
}

/** Splits the `name` attribute (comma-separated in BuildKit's CSV). */
export function imageNames(attrs: Record<string, string>): string[] {
  return (attrs.name ?? '')
    .split(',')
    .map((name) => name.trim())
    .filter((name) => name !== '');
}

function blobPath(digest: string): string {
  const [algorithm, hex] = digest.split(':');
  return `blobs/${algorithm}/${hex}`;
}

function textFile(path: string, doc: unknown): LayoutFile {
  const bytes = Buffer.from(JSON.stringify(doc));
  return { path, size: bytes.length, bytes };
}

function fullName(ref: ReturnType<typeof parseReference>): string {
  return ref.name + (ref.tag ? `:${ref.tag}` : '');
}

/** Docker's short form: `docker.io/library/x:1` is `x:1`. */
function familiarName(ref: ReturnType<typeof parseReference>): string {
  const name = ref.name
    .replace(/^docker\.io\/library\//, '')
    .replace(/^docker\.io\//, '');
  return `${name}:${ref.tag}`;
}
