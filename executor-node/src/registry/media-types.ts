// The OCI and Docker media types a registry client meets, the Accept list for
// manifests, and the descriptor, index and manifest shapes.

import type { OciPlatform } from '../store/platform-match.ts';

/** Media types by role. */
export const MEDIA_TYPES = {
  ociIndex: 'application/vnd.oci.image.index.v1+json',
  ociManifest: 'application/vnd.oci.image.manifest.v1+json',
  ociConfig: 'application/vnd.oci.image.config.v1+json',
  ociLayerGzip: 'application/vnd.oci.image.layer.v1.tar+gzip',
  ociLayer: 'application/vnd.oci.image.layer.v1.tar',
  dockerList: 'application/vnd.docker.distribution.manifest.list.v2+json',
  dockerManifest: 'application/vnd.docker.distribution.manifest.v2+json',
  dockerConfig: 'application/vnd.docker.container.image.v1+json',
  dockerLayerGzip: 'application/vnd.docker.image.rootfs.diff.tar.gzip',
} as const;

/**
 * The Accept header for manifest requests: a registry answers 404 for an OCI
 * index when the OCI types are missing, even when fetching by digest.
 */
export const MANIFEST_ACCEPT = [
  MEDIA_TYPES.ociIndex,
  MEDIA_TYPES.ociManifest,
  MEDIA_TYPES.dockerList,
  MEDIA_TYPES.dockerManifest,
].join(', ');

/** A content descriptor as indexes and manifests list them. */
export interface Descriptor {
  mediaType: string;
  digest: string;
  size: number;
  platform?: OciPlatform;
  annotations?: Record<string, string>;
}

/** An image index or Docker manifest list. */
export interface ImageIndex {
  schemaVersion: 2;
  mediaType?: string;
  manifests: Descriptor[];
  annotations?: Record<string, string>;
}

/** An image manifest (OCI or Docker schema 2). */
export interface ImageManifest {
  schemaVersion: 2;
  mediaType?: string;
  config: Descriptor;
  layers: Descriptor[];
  annotations?: Record<string, string>;
}

/** Reports whether a media type names an index or manifest list. */
export function isIndexType(mediaType: string | undefined): boolean {
  return (
    mediaType === MEDIA_TYPES.ociIndex || mediaType === MEDIA_TYPES.dockerList
  );
}

/** Reports whether a media type names a single-platform manifest. */
export function isManifestType(mediaType: string | undefined): boolean {
  return (
    mediaType === MEDIA_TYPES.ociManifest ||
    mediaType === MEDIA_TYPES.dockerManifest
  );
}

/**
 * Returns the media type of a manifest document: the Content-Type the
 * registry sent when it is one we know, else the document's own field.
 */
export function manifestMediaType(
  contentType: string | null,
  document: { mediaType?: string; manifests?: unknown; config?: unknown },
): string | undefined {
  const sent = contentType?.split(';')[0]?.trim();
  if (isIndexType(sent) || isManifestType(sent)) return sent;
  if (isIndexType(document.mediaType) || isManifestType(document.mediaType)) {
    return document.mediaType;
  }
  if (Array.isArray(document.manifests)) return MEDIA_TYPES.ociIndex;
  if (document.config !== undefined) return MEDIA_TYPES.ociManifest;
  return undefined;
}
