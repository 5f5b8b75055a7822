// Pushes an image from blobs on disk: for each manifest its config and layers
// (skipping those the registry has), then the manifest by digest, and last
// the index or manifest under the reference's tag, so nothing is missing.

import fs from 'node:fs';

import type { RegistryReference } from './image-ref.ts';
import {
  isIndexType,
  type Descriptor,
  type ImageIndex,
  type ImageManifest,
} from './media-types.ts';
import type { RegistryClient } from './registry-client.ts';

/** Where the blobs of the image to push are read from. */
export interface PushSource {
  /** Returns the file holding a blob. */
  path(digest: string): string;
}

/** What a push did. */
export interface PushResult {
  /** The digest of the root (index or manifest) the tag points at. */
  digest: string;
  /** Blobs uploaded and blobs the registry already had. */
  uploaded: number;
  skipped: number;
}

/** Pushes the image under `root` to `ref`, children before parents. */
export async function pushImage(
  client: RegistryClient,
  ref: RegistryReference,
  root: Descriptor,
  source: PushSource,
  log: (line: string) => void = () => {},
): Promise<PushResult> {
  const result: PushResult = { digest: root.digest, uploaded: 0, skipped: 0 };
  const pushed = new Set<string>();

  const pushBlob = async (descriptor: Descriptor) => {
    if (pushed.has(descriptor.digest)) return;
    pushed.add(descriptor.digest);
    if (await client.hasBlob(ref, descriptor.digest)) {
      result.skipped++;
      return;
    }
    const file = source.path(descriptor.digest);
    const size = fs.statSync(file).size;
    await client.pushBlob(ref, descriptor.digest, size, () =>
      fs.createReadStream(file),
    );
    result.uploaded++;
    log(`pushed ${descriptor.digest} (${size} bytes)`);
  };

  const pushManifest = async (descriptor: Descriptor, reference: string) => {
    const bytes = fs.readFileSync(source.path(descriptor.digest));
    const document = JSON.parse(bytes.toString('utf8')) as
      ImageIndex | ImageManifest;
    if (isIndexType(descriptor.mediaType)) {
      for (const child of (document as ImageIndex).manifests) {
        await pushManifest(child, child.digest);
      }
    } else {
      const manifest = document as ImageManifest;
      await pushBlob(manifest.config);
      for (const layer of manifest.layers) await pushBlob(layer);
    }
    const digest = await client.pushManifest(
      ref,
      reference,
      descriptor.mediaType,
      bytes,
    );
    if (digest !== descriptor.digest) {
      throw new Error(
        `failed to push ${ref.full}: manifest ${descriptor.digest} reads as ${digest}`,
      );
    }
  };

  await pushManifest(root, ref.tag ?? root.digest);
  return result;
}
