// The `type=image` exporter (and `type=registry`, which is `type=image` with
// push=true): the results' images, one layer per filesystem step as the oci
// exporter writes them, go into the content store with an index over the
// platforms and, when asked, are pushed under every name given; other
// types go to the next exporter.

import type {
  ExportResult,
  Exporter,
  OutputSpec,
} from '../../../core/src/index.ts';
import type { HostExporter } from '../export/host-exporter.ts';
import { jsonBlob, type BuiltImage } from '../image/build-image.ts';
import type { ContentStore } from './content-store.ts';
import { parseRegistryReference } from './image-ref.ts';
import { MEDIA_TYPES, type Descriptor } from './media-types.ts';
import { pushImage, type PushSource } from './push-image.ts';
import type { RegistryClient } from './registry-client.ts';

/** What the image exporter writes with. */
export interface ImageExporterOptions {
  content: ContentStore;
  client: RegistryClient;
  /** Receives progress rows (pushed blobs, the manifest). */
  log?: (line: string) => void;
}

/** An image in the content store, ready to push. */
export interface StoredImage {
  /** The index (several platforms) or the one manifest. */
  root: Descriptor;
  source: PushSource;
}

/** Handles `type=image` outputs itself and hands every other type to `next`. */
export class ImageExporter implements Exporter {
  constructor(
    private readonly next: HostExporter,
    private readonly options: ImageExporterOptions,
  ) {}

  describe(output: OutputSpec): string {
    return output.type === 'image'
      ? 'exporting to image'
      : this.next.describe(output);
  }

  async export(
    output: OutputSpec,
    results: ExportResult[],
    multiPlatform: boolean,
  ): Promise<void> {
    if (output.type !== 'image') {
      return this.next.export(output, results, multiPlatform);
    }
    const names = splitNames(output.attrs.name ?? '');
    const push = parseBool(output.attrs.push);
    if (push && names.length === 0) {
      throw new Error('push requires a name for the image (name=REF)');
    }
    const refs = names.map(parseRegistryReference);
    const log = this.options.log ?? (() => {});

    const images = await this.next.buildImages(output, results, 'oci');
    const stored = await storeImages(images, this.options.content, {
      multiPlatform,
    });
    log(`writing image ${stored.root.digest} done`);
    for (const ref of refs) log(`naming to ${ref.full} done`);
    if (!push) return;

    for (const ref of refs) {
      const pushed = await pushImage(
        this.options.client,
        ref,
        stored.root,
        stored.source,
      );
      log(
        `pushing layers: ${pushed.uploaded} uploaded, ${pushed.skipped} already there done`,
      );
      log(`pushing manifest for ${ref.full}@${stored.root.digest} done`);
    }
  }
}

/**
 * Puts the images' configs and manifests (and an index over them when the
 * build has several platforms) into the content store; layers stay where
 * they are and the push reads them there.
 */
export async function storeImages(
  images: BuiltImage[],
  content: ContentStore,
  options: { multiPlatform: boolean },
): Promise<StoredImage> {
  const files = new Map<string, string>();
  for (const image of images) {
    for (const blob of [image.config, image.manifest]) {
      files.set(blob.digest, content.path(await content.put(blob.bytes)));
    }
    for (const layer of image.layers) {
      const file = layer.file ?? content.path(await content.put(layer.bytes!));
      files.set(layer.digest, file);
    }
  }
  const source: PushSource = {
    path(digest) {
      const file = files.get(digest);
      if (!file) throw new Error(`internal: blob ${digest} was not stored`);
      return file;
    },
  };

  const only = images[0];
  if (!only) throw new Error('internal: no image to export');
  if (images.length === 1 && !options.multiPlatform) {
    return { root: manifestDescriptor(only), source };
  }
  const index = jsonBlob(
    {
      schemaVersion: 2,
      mediaType: MEDIA_TYPES.ociIndex,
      manifests: images.map((image) => ({
        ...manifestDescriptor(image),
        platform: image.platform,
      })),
    },
    MEDIA_TYPES.ociIndex,
  );
  files.set(index.digest, content.path(await content.put(index.bytes)));
  return {
    root: {
      mediaType: MEDIA_TYPES.ociIndex,
      digest: index.digest,
      size: index.size,
    },
    source,
  };
}

function manifestDescriptor(image: BuiltImage): Descriptor {
  return {
    mediaType: image.manifest.mediaType,
    digest: image.manifest.digest,
    size: image.manifest.size,
  };
}

/** Splits `name=a,b` values (buildx passes several names comma-separated). */
function splitNames(value: string): string[] {
  return value
    .split(',')
    .map((name) => name.trim())
    .filter((name) => name !== '');
}

function parseBool(value: string | undefined): boolean {
  return (
    value !== undefined && ['1', 't', 'true'].includes(value.toLowerCase())
  );
}
