// core's ImageSource for the browser: OCI image layouts shipped in
// public/images/, copied into IndexedDB on first use so builds work offline.

import { createStore, get, set, type UseStore } from 'idb-keyval';
import {
  emptyImageConfig,
  normalizeImageName,
  normalizePlatform,
  parsePlatform,
  type ActiveSnapshot,
  type ImageConfig,
  type ImageSource,
  type ResolvedImage,
} from '../../../core/src/index.ts';
import type { DirNode } from './file-tree.ts';
import type { MemorySnapshotter } from './memory-snapshotter.ts';
import { applyLayer, readTar } from './tar-layer.ts';

interface Descriptor {
  mediaType: string;
  digest: string;
  size: number;
  platform?: { os: string; architecture: string; variant?: string };
  annotations?: Record<string, string>;
}

const REF_ANNOTATION = 'org.opencontainers.image.ref.name';

/** Where the bundles are and where they are kept. */
export interface BundleImagesOptions {
  /** URL of the folder holding `index.json` and one folder per bundle. */
  baseUrl: string;
  snapshots: MemorySnapshotter;
  /** IndexedDB database name; tests use their own. */
  database?: string;
}

/** Resolves images from the bundles kept in IndexedDB. */
export class BundleImages implements ImageSource {
  private readonly store: UseStore;
  private loaded?: Promise<Map<string, Descriptor>>;

  constructor(private readonly options: BundleImagesOptions) {
    this.store = createStore(options.database ?? 'slipway-images', 'blobs');
  }

  async resolve(ref: string, platform: string): Promise<ResolvedImage> {
    const name = normalizeImageName(ref) ?? ref;
    const refs = await this.load();
    const top = refs.get(name);
    if (!top) {
      throw new Error(
        `failed to resolve source metadata for ${name}: ${name}: not found (offline images: ${[...refs.keys()].join(', ')})`,
      );
    }
    const manifest = await this.pickPlatform(top, platform, name);
    const body = await this.json<{ config: Descriptor; layers: Descriptor[] }>(
      manifest,
    );
    const config = await this.json<{ config?: OciConfig }>(body.config);
    return {
      ref: name,
      platform,
      digest: manifest.digest,
      config: toImageConfig(config.config),
      layers: body.layers.map((l) => ({
        digest: l.digest,
        mediaType: l.mediaType,
        size: l.size,
      })),
    };
  }

  async unpack(image: ResolvedImage, into: ActiveSnapshot): Promise<void> {
    await this.unpackTree(image, this.options.snapshots.tree(into));
  }

  /** Applies the image's layers, in order, to `tree`. */
  async unpackTree(image: ResolvedImage, tree: DirNode): Promise<void> {
    for (const layer of image.layers) {
      const blob = await this.blob(layer.digest);
      const tar = layer.mediaType.includes('gzip') ? await gunzip(blob) : blob;
      applyLayer(tree, readTar(tar));
    }
  }

  /** Copies every bundle into IndexedDB once; returns the known references. */
  load(): Promise<Map<string, Descriptor>> {
    this.loaded ??= this.loadBundles().catch((error) => {
      this.loaded = undefined;
      throw error;
    });
    return this.loaded;
  }

  private async loadBundles(): Promise<Map<string, Descriptor>> {
    const base = this.options.baseUrl.replace(/\/?$/, '/');
    const refs = new Map<string, Descriptor>();
    const list = await fetchJson<{
      bundles: { name: string; blobs: string[] }[];
    }>(`${base}index.json`);
    for (const bundle of list.bundles) {
      const dir = `${base}${bundle.name}/`;
      const index = await fetchJson<{ manifests: Descriptor[] }>(
        `${dir}index.json`,
      );
      const present = new Set(bundle.blobs);
      for (const entry of index.manifests) {
        await this.copyBlobs(dir, entry, present);
        const name = entry.annotations?.[REF_ANNOTATION];
        if (name) refs.set(normalizeImageName(name) ?? name, entry);
      }
    }
    return refs;
  }

  /** Copies a blob and, for indexes and manifests, what the bundle has of its children. */
  private async copyBlobs(
    dir: string,
    entry: Descriptor,
    present: Set<string>,
  ): Promise<void> {
    if (!present.has(entry.digest)) return;
    let bytes = await get<Uint8Array>(entry.digest, this.store);
    if (!bytes) {
      const response = await fetch(
        `${dir}blobs/sha256/${entry.digest.slice(7)}`,
      );
      if (!response.ok)
        throw new Error(`GET ${response.url}: ${response.status}`);
      bytes = new Uint8Array(await response.arrayBuffer());
      if ((await sha256(bytes)) !== entry.digest) {
        throw new Error(
          `${dir}: blob ${entry.digest} does not match its digest`,
        );
      }
      await set(entry.digest, bytes, this.store);
    }
    if (!/index|manifest/.test(entry.mediaType)) return;
    const body = JSON.parse(new TextDecoder().decode(bytes));
    const children: Descriptor[] = [
      ...(body.manifests ?? []),
      ...(body.config ? [body.config] : []),
      ...(body.layers ?? []),
    ];
    for (const child of children) await this.copyBlobs(dir, child, present);
  }

  private async pickPlatform(top: Descriptor, platform: string, name: string) {
    if (!/index|manifest\.list/.test(top.mediaType)) return top;
    const index = await this.json<{ manifests: Descriptor[] }>(top);
    const wanted = parsePlatform(platform);
    const want = wanted.ok ? normalizePlatform(wanted.platform) : undefined;
    for (const m of index.manifests) {
      if (!m.platform || !want) continue;
      const have = normalizePlatform(m.platform);
      if (have.os !== want.os || have.architecture !== want.architecture)
        continue;
      if ((want.variant ?? '') !== '' && have.variant !== want.variant)
        continue;
      if (await get(m.digest, this.store)) return m;
    }
    throw new Error(
      `failed to resolve source metadata for ${name}: no match for platform in manifest: not found (the offline bundle has ${await this.platforms(index.manifests)})`,
    );
  }

  private async platforms(manifests: Descriptor[]): Promise<string> {
    const have: string[] = [];
    for (const m of manifests) {
      if (m.platform && (await get(m.digest, this.store))) {
        have.push(`${m.platform.os}/${m.platform.architecture}`);
      }
    }
    return have.join(', ') || 'no platform';
  }

  private async json<T>(descriptor: Descriptor): Promise<T> {
    return JSON.parse(
      new TextDecoder().decode(await this.blob(descriptor.digest)),
    );
  }

  private async blob(digest: string): Promise<Uint8Array> {
    const bytes = await get<Uint8Array>(digest, this.store);
    if (!bytes) throw new Error(`blob ${digest} is not in the offline store`);
    return bytes;
  }
}

interface OciConfig {
  Env?: string[];
  WorkingDir?: string;
  User?: string;
  Cmd?: string[];
  Entrypoint?: string[];
  Labels?: Record<string, string>;
  ExposedPorts?: Record<string, unknown>;
  Volumes?: Record<string, unknown>;
  Shell?: string[];
  StopSignal?: string;
  OnBuild?: string[];
}

/** Turns an OCI image config's `config` into core's ImageConfig. */
export function toImageConfig(c: OciConfig = {}): ImageConfig {
  return {
    ...emptyImageConfig(),
    env: c.Env ?? [],
    workingDir: c.WorkingDir || undefined,
    user: c.User || undefined,
    cmd: c.Cmd ?? undefined,
    entrypoint: c.Entrypoint ?? undefined,
    labels: c.Labels ?? {},
    exposedPorts: Object.keys(c.ExposedPorts ?? {}),
    volumes: Object.keys(c.Volumes ?? {}),
    shell: c.Shell ?? [],
    stopSignal: c.StopSignal || undefined,
    onBuild: c.OnBuild ?? [],
  };
}

async function fetchJson<T>(url: string): Promise<T> {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`GET ${url}: ${response.status}`);
  return response.json() as Promise<T>;
}

async function gunzip(bytes: Uint8Array): Promise<Uint8Array> {
  const stream = new Blob([bytes as BlobPart])
    .stream()
    .pipeThrough(new DecompressionStream('gzip'));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

async function sha256(bytes: Uint8Array): Promise<string> {
  const hash = await crypto.subtle.digest('SHA-256', bytes as BufferSource);
  const hex = [...new Uint8Array(hash)].map((b) =>
    b.toString(16).padStart(2, '0'),
  );
  return `sha256:${hex.join('')}`;
}
