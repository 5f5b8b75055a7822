// Reads images from the OCI image layout of the built-in store: tags from
// index.json, the platform's manifest from a nested index, config and layers.

import fs from 'node:fs';
import path from 'node:path';

import {
  fromOciConfigBody,
  type ActiveSnapshot,
  type ImageConfig,
  type ImageLayer,
  type ImageSource,
  type OciImageConfigBody,
  type ResolvedImage,
} from '../../../core/src/index.ts';
import { readConfigPlatform, withPlatform } from '../image/oci-config.ts';
import { unpackLayer } from './unpack-layer.ts';
import { matchesPlatform, type OciPlatform } from './platform-match.ts';
import { normalizeReference, parseReference } from './reference.ts';

const INDEX_TYPES = new Set([
  'application/vnd.oci.image.index.v1+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
]);

interface Descriptor {
  mediaType?: string;
  digest: string;
  size?: number;
  platform?: OciPlatform;
  annotations?: Record<string, string>;
}

interface IndexDocument {
  mediaType?: string;
  manifests: Descriptor[];
}

interface ManifestDocument {
  mediaType?: string;
  config: Descriptor;
  layers: Descriptor[];
}

/** Images resolved in this process, by store, index.json stamp and platform. */
const resolvedImages = new Map<string, ResolvedImage>();

/** Identifies one state of index.json; undefined when there is none. */
function indexStamp(file: string): string | undefined {
  const st = fs.statSync(file, { throwIfNoEntry: false, bigint: true });
  return st && `${st.ino}:${st.size}:${st.mtimeNs}:${st.ctimeNs}`;
}

/** Finds images in an OCI image layout folder and unpacks them. */
export class OciImageStore implements ImageSource {
  constructor(readonly dir: string) {}

  /** Reports whether the store holds `ref` for `platform`. */
  has(ref: string, platform: string): boolean {
    try {
      this.resolveSync(ref, platform);
      return true;
    } catch {
      return false;
    }
  }

  async resolve(ref: string, platform: string): Promise<ResolvedImage> {
    return this.resolveSync(ref, platform);
  }

  async unpack(image: ResolvedImage, into: ActiveSnapshot): Promise<void> {
    for (const layer of image.layers) {
      await unpackLayer(this.blobPath(layer.digest), layer, into.handle);
    }
  }

  /** Lists the reference names the store holds. */
  listReferences(): string[] {
    return this.topIndex().manifests.flatMap((d) => {
      const name = refName(d);
      return name ? [name] : [];
    });
  }

  private resolveSync(ref: string, platform: string): ResolvedImage {
    const full = normalizeReference(ref);
    const fail = (why: string) =>
      new Error(`failed to resolve source metadata for ${full}: ${why}`);
    const stamp = indexStamp(path.join(this.dir, 'index.json'));
    if (stamp === undefined) {
      throw fail(
        `no image store at ${this.dir} (run scripts/setup-images.sh as root)`,
      );
    }
    // A build resolves each base image several times (the plan's configs,
    // the solve); while index.json is unchanged the answer is too.
    const key = `${this.dir}\0${stamp}\0${full}\0${platform}`;
    const known = resolvedImages.get(key);
    if (known) return structuredClone(known);
    const image = this.resolveFresh(full, platform, fail);
    resolvedImages.set(key, image);
    return structuredClone(image);
  }

  private resolveFresh(
    full: string,
    platform: string,
    fail: (why: string) => Error,
  ): ResolvedImage {
    const top = this.findTop(full);
    if (!top) {
      throw fail(
        `not found in the built-in image store (it has ${this.listReferences().join(', ') || 'no images'})`,
      );
    }
    const manifestDescriptor = this.selectPlatform(top, platform);
    if (!manifestDescriptor) {
      throw fail('no match for platform in manifest: not found');
    }

    const manifest = this.readJson<ManifestDocument>(manifestDescriptor.digest);
    const config = this.readJson<Record<string, unknown>>(
      manifest.config.digest,
    );
    return {
      ref: full,
      platform,
      digest: manifestDescriptor.digest,
      config: withPlatform(
        fromOciConfigBody(config.config as OciImageConfigBody | undefined),
        readConfigPlatform(config),
      ),
      layers: manifest.layers.map((l): ImageLayer => ({
        digest: l.digest,
        mediaType: l.mediaType ?? '',
        size: l.size ?? 0,
      })),
    };
  }

  private findTop(full: string): Descriptor | undefined {
    const wanted = parseReference(full);
    return this.topIndex().manifests.find((d) => {
      if (wanted.digest && d.digest === wanted.digest) return true;
      const name = refName(d);
      return name !== undefined && normalizeReference(name) === full;
    });
  }

  private selectPlatform(
    descriptor: Descriptor,
    platform: string,
  ): Descriptor | undefined {
    // A reference naming one manifest serves every platform, as in
    // containerd; the caller compares the config's platform.
    if (!INDEX_TYPES.has(descriptor.mediaType ?? '')) return descriptor;
    const index = this.readJson<IndexDocument>(descriptor.digest);
    for (const entry of index.manifests) {
      if (INDEX_TYPES.has(entry.mediaType ?? '')) {
        const nested = this.selectPlatform(entry, platform);
        if (nested) return nested;
      } else if (entry.platform && matchesPlatform(entry.platform, platform)) {
        return entry;
      }
    }
    return undefined;
  }

  private topIndex(): IndexDocument {
    const text = fs.readFileSync(path.join(this.dir, 'index.json'), 'utf8');
    return JSON.parse(text) as IndexDocument;
  }

  private readJson<T>(digest: string): T {
    return JSON.parse(fs.readFileSync(this.blobPath(digest), 'utf8')) as T;
  }

  private blobPath(digest: string): string {
    const [algorithm, hex] = digest.split(':');
    if (!algorithm || !hex || !/^[a-f0-9]+$/.test(hex)) {
      throw new Error(`invalid digest "${digest}" in the image store`);
    }
    return path.join(this.dir, 'blobs', algorithm, hex);
  }
}

function refName(d: Descriptor): string | undefined {
  return (
    d.annotations?.['io.containerd.image.name'] ??
    d.annotations?.['org.opencontainers.image.ref.name']
  );
}
