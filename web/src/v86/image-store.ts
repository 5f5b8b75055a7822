// The browser's image store: OCI blobs by digest and the names of imported
// images, in one IndexedDB store shared by the bundles and dropped images.

import { createStore, del, get, set, type UseStore } from 'idb-keyval';
import { normalizeImageName } from '../../../core/src/index.ts';

/** An OCI content descriptor. */
export interface Descriptor {
  mediaType: string;
  digest: string;
  size: number;
  platform?: { os: string; architecture: string; variant?: string };
  annotations?: Record<string, string>;
}

/** An image a user imported, kept under its normalised name. */
export interface ImportedImage {
  /** e.g. `docker.io/library/busybox:1.36`. */
  name: string;
  /** The index or manifest the name points at. */
  descriptor: Descriptor;
  /** The file or folder it came from. */
  source: string;
  /** Bytes of the blobs it brought. */
  bytes: number;
}

/** Reads blobs by digest from wherever an image comes from. */
export interface BlobSource {
  /** Says whether the source holds the blob. */
  has(digest: string): boolean;
  read(digest: string): Promise<Uint8Array>;
  /** Names the blob's file in errors, e.g. `blobs/sha256/ab…`. */
  describe(digest: string): string;
}

/** The OCI annotation that names an image in a layout's index. */
export const REF_ANNOTATION = 'org.opencontainers.image.ref.name';
/** containerd's annotation with an image's full name. */
export const CONTAINERD_NAME = 'io.containerd.image.name';
/** The page's image store database. */
export const DEFAULT_IMAGE_DATABASE = 'slipway-images';
const NAME_PREFIX = 'name:';

/** Opens the image store of a database (the page's default, or a test's). */
export function openImageStore(database?: string): UseStore {
  return createStore(database ?? DEFAULT_IMAGE_DATABASE, 'blobs');
}

/**
 * Copies an image's blobs into the store, each checked against its digest:
 * an index keeps the manifests the source has (other platforms may be left
 * out), a manifest needs its config and every layer. Returns the image's
 * size: the bytes of its blobs, stored before or now.
 */
export async function storeImageBlobs(
  store: UseStore,
  top: Descriptor,
  source: BlobSource,
): Promise<number> {
  if (!source.has(top.digest)) {
    throw new Error(`${source.describe(top.digest)}: missing`);
  }
  return copyBlob(store, top, source);
}

/** Returns a stored blob. */
export async function readBlob(
  store: UseStore,
  digest: string,
): Promise<Uint8Array | undefined> {
  return get<Uint8Array>(digest, store);
}

/** Records an imported image's name; a name imported again is replaced. */
export async function putImportedImage(
  store: UseStore,
  image: ImportedImage,
): Promise<void> {
  await set(NAME_PREFIX + image.name, image, store);
}

/** Returns the imported image a reference names, if any. */
export async function getImportedImage(
  store: UseStore,
  ref: string,
): Promise<ImportedImage | undefined> {
  const name = normalizeImageName(ref) ?? ref;
  return get<ImportedImage>(NAME_PREFIX + name, store);
}

/** Forgets an imported image's name (its blobs stay until cleared). */
export async function removeImportedImage(
  store: UseStore,
  name: string,
): Promise<void> {
  await del(NAME_PREFIX + name, store);
}

/** Lists imported images by name. */
export async function listImportedImages(
  store: UseStore,
): Promise<ImportedImage[]> {
  const out: ImportedImage[] = [];
  await eachEntry(store, (key, value) => {
    if (key.startsWith(NAME_PREFIX)) out.push(value as ImportedImage);
  });
  return out.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/** Counts the store's blobs, their bytes and the imported names. */
export async function imageStoreUsage(
  store: UseStore,
): Promise<{ blobs: number; bytes: number; names: number }> {
  const usage = { blobs: 0, bytes: 0, names: 0 };
  await eachEntry(store, (key, value) => {
    if (key.startsWith(NAME_PREFIX)) usage.names++;
    else if (value instanceof Uint8Array) {
      usage.blobs++;
      usage.bytes += value.byteLength;
    }
  });
  return usage;
}

/** Visits every entry with a cursor, one value at a time. */
export function eachEntry(
  store: UseStore,
  visit: (key: string, value: unknown) => void,
): Promise<void> {
  return store('readonly', (objects) => {
    const request = objects.openCursor();
    return new Promise<void>((resolve, reject) => {
      request.onerror = () => reject(request.error);
      request.onsuccess = () => {
        const cursor = request.result;
        if (!cursor) return resolve();
        visit(String(cursor.key), cursor.value);
        cursor.continue();
      };
    });
  });
}

/** Returns `sha256:<hex>` of the bytes. */
export async function sha256Digest(bytes: Uint8Array): Promise<string> {
  const hash = await crypto.subtle.digest('SHA-256', bytes as BufferSource);
  const hex = [...new Uint8Array(hash)].map((b) =>
    b.toString(16).padStart(2, '0'),
  );
  return `sha256:${hex.join('')}`;
}

/** Says whether bytes start with gzip's magic number. */
export function isGzip(bytes: Uint8Array): boolean {
  return bytes[0] === 0x1f && bytes[1] === 0x8b;
}

/** Unpacks gzip with the browser's DecompressionStream. */
export async function gunzip(bytes: Uint8Array): Promise<Uint8Array> {
  const stream = new Blob([bytes as BlobPart])
    .stream()
    .pipeThrough(new DecompressionStream('gzip'));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

/** Says whether a media type is an image index or a manifest list. */
export function isIndex(mediaType: string): boolean {
  return /image\.index|manifest\.list/.test(mediaType);
}

async function copyBlob(
  store: UseStore,
  entry: Descriptor,
  source: BlobSource,
): Promise<number> {
  let bytes = await get<Uint8Array>(entry.digest, store);
  if (!bytes) {
    bytes = await source.read(entry.digest);
    if ((await sha256Digest(bytes)) !== entry.digest) {
      throw new Error(
        `${source.describe(entry.digest)}: content does not match digest ${entry.digest}`,
      );
    }
    // A view into a larger buffer would store the whole buffer.
    if (bytes.byteLength !== bytes.buffer.byteLength) bytes = bytes.slice();
    await set(entry.digest, bytes, store);
  }
  let size = bytes.byteLength;
  if (!/index|manifest/.test(entry.mediaType)) return size;

  const body = parseJson(bytes, source.describe(entry.digest));
  if (isIndex(entry.mediaType) || Array.isArray(body.manifests)) {
    const children = (body.manifests ?? []) as Descriptor[];
    const present = children.filter((c) => source.has(c.digest));
    if (present.length === 0) {
      throw new Error(
        `${source.describe(entry.digest)}: none of the index's ${children.length} manifests is present`,
      );
    }
    for (const child of present) size += await copyBlob(store, child, source);
    return size;
  }
  const parts = [body.config, ...(body.layers ?? [])] as Descriptor[];
  for (const part of parts) {
    if (!part?.digest) {
      throw new Error(
        `${source.describe(entry.digest)}: not an image manifest`,
      );
    }
    if (!source.has(part.digest)) {
      throw new Error(
        `${source.describe(part.digest)}: missing (named by manifest ${entry.digest})`,
      );
    }
    size += await copyBlob(store, part, source);
  }
  return size;
}

function parseJson(bytes: Uint8Array, file: string) {
  try {
    return JSON.parse(new TextDecoder().decode(bytes));
  } catch (error) {
    throw new Error(`${file}: not JSON: ${(error as Error).message}`);
  }
}
