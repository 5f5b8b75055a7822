// Media types of the two manifest flavours the exporters write: OCI (oci,
// image) and Docker's (docker, for `docker load`).

/** Which media types an image uses. */
export type MediaVariant = 'oci' | 'docker';

interface MediaTypes {
  manifest: string;
  index: string;
  config: string;
  /** Maps any layer media type to this flavour's equivalent. */
  layer: (mediaType: string) => string;
}

const OCI_LAYER = 'application/vnd.oci.image.layer.v1.tar';
const DOCKER_LAYER = 'application/vnd.docker.image.rootfs.diff.tar';

/** The media types per flavour. */
export const MEDIA_TYPES: Record<MediaVariant, MediaTypes> = {
  oci: {
    manifest: 'application/vnd.oci.image.manifest.v1+json',
    index: 'application/vnd.oci.image.index.v1+json',
    config: 'application/vnd.oci.image.config.v1+json',
    layer: (type) => `${OCI_LAYER}${compressionSuffix(type, '+')}`,
  },
  docker: {
    manifest: 'application/vnd.docker.distribution.manifest.v2+json',
    index: 'application/vnd.docker.distribution.manifest.list.v2+json',
    config: 'application/vnd.docker.container.image.v1+json',
    layer: (type) => `${DOCKER_LAYER}${compressionSuffix(type, '.')}`,
  },
};

function compressionSuffix(mediaType: string, separator: string): string {
  if (/gzip$/.test(mediaType)) return `${separator}gzip`;
  if (/zstd$/.test(mediaType)) return `${separator}zstd`;
  return '';
}
