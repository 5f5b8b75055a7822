// The images a host build starts from: the built-in store first, then the
// image's registry (through its mirrors), with pulled manifests, configs and
// layers kept in the content store and pull progress reported as log rows.

import fs from 'node:fs';
import path from 'node:path';

import {
  fromOciConfigBody,
  type ActiveSnapshot,
  type ImageLayer,
  type ImageSource,
  type OciImageConfigBody,
  type ResolvedImage,
} from '../../../core/src/index.ts';
import { readConfigPlatform, withPlatform } from '../image/oci-config.ts';
import { OciImageStore } from '../store/image-store.ts';
import { unpackLayer } from '../store/unpack-layer.ts';
import type { ContentStore } from './content-store.ts';
import { formatSeconds } from './format-bytes.ts';
import { parseRegistryReference } from './image-ref.ts';
import {
  pullLayers,
  resolveRemoteImage,
  type PullLog,
  type RemoteImage,
} from './pull-image.ts';
import type { RegistryClient } from './registry-client.ts';

/** What the image source reads from. */
export interface RegistryImageSourceOptions {
  builtin: OciImageStore;
  client: RegistryClient;
  content: ContentStore;
  /** Receives progress rows while layers are pulled and extracted. */
  log?: PullLog;
  now?: () => number;
}

/** Finds images in the built-in store, else pulls them from their registry. */
export class RegistryImageSource implements ImageSource {
  private readonly remote = new Map<string, RemoteImage>();
  private readonly pulls = new Map<string, Promise<void>>();

  constructor(private readonly options: RegistryImageSourceOptions) {}

  async resolve(ref: string, platform: string): Promise<ResolvedImage> {
    const { builtin } = this.options;
    if (builtin.has(ref, platform)) return builtin.resolve(ref, platform);

    let parsed;
    try {
      parsed = parseRegistryReference(ref);
    } catch (error) {
      throw new Error(
        `failed to resolve source metadata for ${ref}: ${(error as Error).message}`,
      );
    }
    let image: RemoteImage;
    try {
      image = await resolveRemoteImage(
        this.options.client,
        this.options.content,
        parsed,
        platform,
      );
    } catch (error) {
      const message = (error as Error).message;
      throw new Error(
        `failed to resolve source metadata for ${parsed.full}: ${message}${seedHint(builtin, message)}`,
      );
    }
    this.remote.set(image.digest, image);
    return {
      ref: parsed.full,
      platform,
      digest: image.digest,
      config: withPlatform(
        fromOciConfigBody(
          image.config.config as OciImageConfigBody | undefined,
        ),
        readConfigPlatform(image.config),
      ),
      layers: image.manifest.layers.map((l): ImageLayer => ({
        digest: l.digest,
        mediaType: l.mediaType,
        size: l.size,
      })),
    };
  }

  async unpack(image: ResolvedImage, into: ActiveSnapshot): Promise<void> {
    const remote = this.remote.get(image.digest);
    if (!remote) return this.options.builtin.unpack(image, into);

    await this.pull(remote);
    const now = this.options.now ?? Date.now;
    for (const layer of image.layers) {
      const started = now();
      await unpackLayer(
        this.options.content.path(layer.digest),
        layer,
        into.handle,
      );
      const took = formatSeconds((now() - started) / 1000);
      this.options.log?.(`extracting ${layer.digest} ${took} done`);
    }
  }

  /** Downloads an image's layers once, however many steps unpack it. */
  private pull(image: RemoteImage): Promise<void> {
    let pending = this.pulls.get(image.digest);
    if (!pending) {
      pending = pullLayers(
        this.options.client,
        this.options.content,
        image,
        this.options.log ?? (() => {}),
        this.options.now,
      ).catch((error: Error) => {
        this.pulls.delete(image.digest);
        throw new Error(`failed to pull ${image.ref.full}: ${error.message}`);
      });
      this.pulls.set(image.digest, pending);
    }
    return pending;
  }
}

// An unreachable registry with an image the built-in store lacks usually
// means an offline machine whose store was never seeded: say how to seed it.
function seedHint(store: OciImageStore, message: string): string {
  const offline =
    /\b(ENOTFOUND|EAI_AGAIN|ECONNREFUSED|ENETUNREACH|EHOSTUNREACH)\b|fetch failed/;
  if (!offline.test(message)) return '';
  if (!fs.existsSync(path.join(store.dir, 'index.json'))) {
    return ` (the registry is unreachable and there is no built-in image store at ${store.dir}: run scripts/setup-images.sh as root to seed it)`;
  }
  return ` (the registry is unreachable and the built-in image store at ${store.dir} lacks this image: scripts/setup-images.sh seeds the images the examples use)`;
}
