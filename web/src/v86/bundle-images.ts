// core's ImageSource for the browser: OCI image layouts shipped in
// public/images/, copied into IndexedDB on first use so builds work offline,
// and the images a user imported into the same store.

import type { UseStore } from 'idb-keyval';
import {
  formatPlatform,
  fromOciConfigBody,
  normalizeImageName,
  normalizePlatform,
  parsePlatform,
  type ActiveSnapshot,
  type ImageConfig,
  type ImageSource,
  type OciImageConfigBody,
  type ResolvedImage,
} from '../../../core/src/index.ts';
import type { DirNode } from './file-tree.ts';
import {
  getImportedImage,
  gunzip,
  isIndex,
  listImportedImages,
  openImageStore,
  readBlob,
  REF_ANNOTATION,
  storeImageBlobs,
  type BlobSource,
  type Descriptor,
} from './image-store.ts';
import type { MemorySnapshotter } from './memory-snapshotter.ts';
import { applyLayer, readTar } from './tar-layer.ts';

/** Where the bundles are and where they are kept. */
export interface BundleImagesOptions {
  /** URL of the folder holding `index.json` and one folder per bundle. */
  baseUrl: string;
  snapshots: MemorySnapshotter;
  /** IndexedDB database name; tests use their own. */
  database?: string;
}

/** A name the store resolves and the platforms it holds for it. */
export interface OfflineImage {
  /** The normalised name, e.g. `docker.io/library/busybox:1.36`. */
  name: string;
  /** Normalised platforms, e.g. `linux/386`. */
  platforms: string[];
}

/** Resolves images from the bundles kept in IndexedDB. */
export class BundleImages implements ImageSource {
  private readonly store: UseStore;
  private loaded?: Promise<Map<string, Descriptor>>;
  private bundleList?: Promise<Map<string, string[]>>;

  constructor(private readonly options: BundleImagesOptions) {
    this.store = openImageStore(options.database);
  }

  async resolve(ref: string, platform: string): Promise<ResolvedImage> {
    const name = normalizeImageName(ref) ?? ref;
    const top = await this.find(name);
    if (!top) {
      const imported = await listImportedImages(this.store);
      const names = [
        ...imported.map((i) => i.name),
        ...(await this.load()).keys(),
      ];
      throw new Error(
        `failed to resolve source metadata for ${name}: ${name}: not found (offline images: ${[...new Set(names)].join(', ')})`,
      );
    }
    const manifest = await this.pickPlatform(top, platform, name);
    const body = await this.json<{ config: Descriptor; layers: Descriptor[] }>(
      manifest,
    );
    const config = await this.json<{ config?: OciImageConfigBody }>(
      body.config,
    );
    return {
      ref: name,
      platform,
      digest: manifest.digest,
      config: fromOciConfigBody(config.config),
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

  /**
   * Lists every name the store resolves (imported ones win) and its
   * platforms. The bundles are read from the page's server, so listing
   * does not copy them into IndexedDB.
   */
  async list(): Promise<OfflineImage[]> {
    this.bundleList ??= this.listBundles().catch((error) => {
      this.bundleList = undefined;
      throw error;
    });
    const found = new Map(await this.bundleList);
    for (const image of await listImportedImages(this.store)) {
      const read = (digest: string) => readBlob(this.store, digest);
      found.set(image.name, await platformsOf(image.descriptor, read));
    }
    return [...found]
      .map(([name, platforms]) => ({ name, platforms }))
      .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  private async listBundles(): Promise<Map<string, string[]>> {
    const found = new Map<string, string[]>();
    for (const { entries, source } of await readBundles(this.options.baseUrl)) {
      const read = (digest: string) =>
        source.has(digest) ? source.read(digest) : Promise.resolve(undefined);
      for (const entry of entries) {
        const name = entry.annotations?.[REF_ANNOTATION];
        if (!name) continue;
        const platforms = await platformsOf(entry, read);
        found.set(normalizeImageName(name) ?? name, platforms);
      }
    }
    return found;
  }

  /**
   * Returns what a name points at: an imported image first, else a bundle's
   * (copied again when the store was cleared since).
   */
  private async find(name: string): Promise<Descriptor | undefined> {
    const imported = await getImportedImage(this.store, name);
    if (imported) return imported.descriptor;
    const top = (await this.load()).get(name);
    if (!top || (await readBlob(this.store, top.digest))) return top;
    this.loaded = undefined;
    return (await this.load()).get(name);
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
    const refs = new Map<string, Descriptor>();
    for (const { entries, source } of await readBundles(this.options.baseUrl)) {
      for (const entry of entries) {
        await storeImageBlobs(this.store, entry, source);
        const name = entry.annotations?.[REF_ANNOTATION];
        if (name) refs.set(normalizeImageName(name) ?? name, entry);
      }
    }
    return refs;
  }

  private async pickPlatform(top: Descriptor, platform: string, name: string) {
    if (!isIndex(top.mediaType)) return top;
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
      if (await readBlob(this.store, m.digest)) return m;
    }
    throw new Error(
      `failed to resolve source metadata for ${name}: no match for platform in manifest: not found (the offline bundle has ${await this.platforms(index.manifests)})`,
    );
  }

  private async platforms(manifests: Descriptor[]): Promise<string> {
    const have: string[] = [];
    for (const m of manifests) {
      if (m.platform && (await readBlob(this.store, m.digest))) {
        have.push(formatPlatform(normalizePlatform(m.platform)));
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
    const bytes = await readBlob(this.store, digest);
    if (!bytes) throw new Error(`blob ${digest} is not in the offline store`);
    return bytes;
  }
}

/** Lists the platforms an index or manifest holds, normalised. */
async function platformsOf(
  top: Descriptor,
  read: (digest: string) => Promise<Uint8Array | undefined>,
): Promise<string[]> {
  const json = async <T>(digest: string): Promise<T | undefined> => {
    const bytes = await read(digest);
    return bytes ? JSON.parse(new TextDecoder().decode(bytes)) : undefined;
  };
  if (!isIndex(top.mediaType)) {
    const manifest = await json<{ config: Descriptor }>(top.digest);
    const config =
      manifest && (await json<OciPlatform>(manifest.config.digest));
    const { os, architecture, variant } = config ?? {};
    if (!os || !architecture) return [];
    return [formatPlatform(normalizePlatform({ os, architecture, variant }))];
  }
  const index = await json<{ manifests: Descriptor[] }>(top.digest);
  const platforms: string[] = [];
  for (const m of index?.manifests ?? []) {
    if (!m.platform || !(await read(m.digest))) continue;
    platforms.push(formatPlatform(normalizePlatform(m.platform)));
  }
  return platforms;
}

interface OciPlatform {
  os?: string;
  architecture?: string;
  variant?: string;
}

/** Reads the bundle list and each bundle's index: its images and blobs. */
async function readBundles(
  baseUrl: string,
): Promise<{ entries: Descriptor[]; source: BlobSource }[]> {
  const base = baseUrl.replace(/\/?$/, '/');
  const list = await fetchJson<{
    bundles: { name: string; blobs: string[] }[];
  }>(`${base}index.json`);
  return Promise.all(
    list.bundles.map(async (bundle) => {
      const dir = `${base}${bundle.name}/`;
      const index = await fetchJson<{ manifests: Descriptor[] }>(
        `${dir}index.json`,
      );
      const source = bundleSource(dir, new Set(bundle.blobs));
      return { entries: index.manifests, source };
    }),
  );
}

async function fetchJson<T>(url: string): Promise<T> {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`GET ${url}: ${response.status}`);
  return response.json() as Promise<T>;
}

/** Reads a bundle's blobs from the page's server, only those it ships. */
function bundleSource(dir: string, present: Set<string>): BlobSource {
  const url = (digest: string) => `${dir}blobs/sha256/${digest.slice(7)}`;
  return {
    has: (digest) => present.has(digest),
    describe: url,
    async read(digest) {
      const response = await fetch(url(digest));
      if (!response.ok) {
        throw new Error(`GET ${response.url}: ${response.status}`);
      }
      return new Uint8Array(await response.arrayBuffer());
    },
  };
}
