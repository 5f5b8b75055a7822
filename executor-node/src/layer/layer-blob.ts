// Turns layer entries into a gzip-compressed OCI layer blob, hashing the tar
// (diff_id) and the compressed bytes (digest) in one pass; written to a
// temporary file and renamed into the blob folder.

import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { Transform, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import zlib from 'node:zlib';

import tar from 'tar-stream';

import type { LayerEntry } from './layer-entries.ts';
import { packEntries, type TarWriteOptions } from './tar-writer.ts';
import type { XattrMap } from './xattrs.ts';

/** The OCI media type of the layers Slipway writes. */
export const LAYER_MEDIA_TYPE = 'application/vnd.oci.image.layer.v1.tar+gzip';

/** A written layer blob. */
export interface LayerBlob {
  /** sha256 of the uncompressed tar. */
  diffId: string;
  /** sha256 of the blob. */
  digest: string;
  size: number;
  mediaType: string;
}

/** Writes entries as a layer blob into `blobs/sha256/` and describes it. */
export async function writeLayerBlob(
  entries: LayerEntry[],
  xattrs: XattrMap,
  blobsDir: string,
  options: TarWriteOptions = {},
): Promise<LayerBlob> {
  const dir = path.join(blobsDir, 'sha256');
  fs.mkdirSync(dir, { recursive: true });
  const tmp = path.join(
    dir,
    `.tmp-${process.pid}-${crypto.randomBytes(4).toString('hex')}`,
  );
  const pack = tar.pack();
  const tarHash = new HashTap();
  const blobHash = new HashTap();
  const written = pipeline(
    pack,
    tarHash,
    zlib.createGzip(),
    blobHash,
    fs.createWriteStream(tmp),
  );
  try {
    await packEntries(pack, entries, xattrs, options);
    pack.finalize();
    await written;
  } catch (error) {
    pack.destroy(error as Error);
    await written.catch(() => undefined);
    fs.rmSync(tmp, { force: true });
    throw error;
  }
  const digest = blobHash.digest();
  fs.renameSync(tmp, path.join(dir, digest.slice('sha256:'.length)));
  return {
    diffId: tarHash.digest(),
    digest,
    size: blobHash.bytes,
    mediaType: LAYER_MEDIA_TYPE,
  };
}

/** Passes bytes through while hashing and counting them. */
export class HashTap extends Transform {
  private readonly hash = crypto.createHash('sha256');
  bytes = 0;

  override _transform(
    chunk: Buffer,
    _encoding: BufferEncoding,
    callback: TransformCallback,
  ): void {
    this.hash.update(chunk);
    this.bytes += chunk.length;
    callback(null, chunk);
  }

  /** Returns `sha256:<hex>` of everything that passed. */
  digest(): string {
    return `sha256:${this.hash.digest('hex')}`;
  }
}
